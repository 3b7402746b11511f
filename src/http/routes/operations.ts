// What store IT and monitoring read: status, a sync on demand, liveness, readiness, metrics.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import * as S from '../schemas.js';

export interface StatusSource {
  status(): Record<string, unknown>;
  ready(): boolean;
  syncNow(): void;
}

export async function operationsRoutes(app: FastifyInstance, opts: { source: StatusSource; metrics: Metrics }) {
  const tags = ['operations'];
  app.get('/v1/status', { schema: { tags, response: { 200: S.StatusReply, ...S.errors(401) } } }, async () =>
    opts.source.status(),
  );
  app.post('/v1/sync', { schema: { tags, response: { ...S.errors(401) } } }, async (_req, reply) => {
    opts.source.syncNow();
    return reply.status(202).send({ status: 'started' });
  });
}

/** Routes without a token: they say nothing personal. */
export async function publicOperationsRoutes(
  app: FastifyInstance,
  opts: { source: StatusSource; metrics: Metrics },
) {
  const tags = ['operations'];
  app.get('/healthz', { schema: { tags } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags } }, async (_req, reply) => {
    const ready = opts.source.ready();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { tags } }, async (_req, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
}
