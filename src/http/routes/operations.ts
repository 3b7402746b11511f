// What store IT and monitoring read: status, a sync on demand, liveness, readiness, metrics; and
// the receipts interrupted while printing, which a person settles after checking the register.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PrintIntentView, ReviewDecision, ReviewSettled } from '../../agent/register-sale.js';
import type { Metrics } from '../metrics.js';
import * as S from '../schemas.js';

export interface QueueItem {
  id: string;
  seq: number;
  kind: string;
  receiptId: string;
  returnId?: string;
  at: string;
  state: string;
  attempts: number;
  lastError?: string;
}

export interface StatusSource {
  status(): Record<string, unknown>;
  ready(): boolean;
  syncNow(): void;
  queue(state: 'pending' | 'dead', limit: number): QueueItem[];
  resend(ids?: string[]): Promise<number>;
  printIntents(): PrintIntentView[];
  /** Throws AppError (RECEIPT_NOT_FOUND when not held; 409 codes when already settled otherwise or no matching document). */
  settlePrintIntent(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled>;
}

export async function operationsRoutes(
  app: FastifyInstance,
  opts: { source: StatusSource; metrics: Metrics },
) {
  const tags = ['operations'];
  app.get('/v1/status', { schema: { tags, response: { 200: S.StatusReply, ...S.errors(401) } } }, async () =>
    opts.source.status(),
  );
  app.get<{ Querystring: { state: 'pending' | 'dead'; limit: string } }>(
    '/v1/queue',
    {
      schema: {
        tags,
        querystring: Type.Object(
          {
            state: Type.Union([Type.Literal('pending'), Type.Literal('dead')], { default: 'pending' }),
            // Query strings are text; bodies are never coerced, so the number is parsed here.
            limit: Type.String({ pattern: '^[1-9][0-9]{0,3}$', default: '100' }),
            token: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => ({ entries: opts.source.queue(req.query.state, Number(req.query.limit)) }),
  );
  app.post<{ Body: { ids?: string[] } }>(
    '/v1/queue/resend',
    {
      schema: {
        tags,
        body: Type.Object(
          { ids: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 5000 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const resent = await opts.source.resend(req.body.ids);
      opts.source.syncNow();
      return { resent };
    },
  );
  app.get(
    '/v1/print-intents',
    { schema: { tags, response: { 200: S.PrintIntentsReply, ...S.errors(401) } } },
    async () => ({ items: opts.source.printIntents() }),
  );
  app.post<{ Params: { receiptId: string }; Body: ReviewDecision }>(
    '/v1/print-intents/:receiptId/settle',
    {
      schema: {
        tags,
        params: S.ReceiptIdParams,
        body: S.SettlePrintBody,
        response: { 200: S.SettlePrintReply, ...S.errors(400, 401, 404, 409) },
      },
    },
    async (req) => opts.source.settlePrintIntent(req.params.receiptId, req.body),
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
