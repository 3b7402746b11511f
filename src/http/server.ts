// The agent's HTTP server: fastify with schemas on every route, one error shape, bearer tokens
// per till on /v1 (checked in onRequest, before any validation), the OpenAPI document at
// /openapi.json, and public health/metrics routes.
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { TillApi } from '../agent/till-api.js';
import { tokenAuth } from './auth.js';
import { installErrorHandler } from './errors.js';
import type { Metrics } from './metrics.js';
import { recordRoutes } from './route-table.js';
import { operationsRoutes, publicOperationsRoutes, type StatusSource } from './routes/operations.js';
import { tillRoutes } from './routes/till.js';

export interface HttpServerOptions {
  till: TillApi;
  tokens: { token: string; tillId: string }[];
  source: StatusSource;
  metrics: Metrics;
  version: string;
  bodyLimit?: number;
  logger?: FastifyServerOptions['loggerInstance'];
  /** Extra routes behind the till token (sales through the register, scans). */
  authenticated?: FastifyPluginAsync[];
  /** Extra routes with their own access rules (cashier page, terminal bridge). */
  open?: FastifyPluginAsync[];
  onConfirmed?: () => void;
}

export async function buildHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(o.logger ? { loggerInstance: o.logger } : { logger: false }),
    // One access line per request, at debug (below): at info a till's steady requests would bury
    // the events store IT reads the journal for (start, sync, devices, faults).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: o.bodyLimit ?? 1_048_576,
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  });
  installErrorHandler(app);
  recordRoutes(app);

  // An empty JSON body (e.g. a bare confirm) is an empty object, not a parse error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new Error('Body is not valid JSON') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    }
  });
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.body === undefined) req.body = {};
  });

  // The agent's own time for the request (W3C Server-Timing), apart from the network and the
  // client: what a POS integrator or the benchmark compares with the round trip it measures.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(3)}`);
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    o.metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // The route pattern, never the URL: paths may carry receipt ids, and queries anything.
    req.log.debug(
      { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'loyalty-agent till API',
        version: o.version,
        description:
          'The till-facing API of the loyalty agent (POS-API.md). Money in kopecks, points as integers.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });

  await app.register(async (scope) => {
    scope.addHook('onRequest', tokenAuth(o.tokens));
    await scope.register(tillRoutes, { till: o.till, onConfirmed: o.onConfirmed });
    await scope.register(operationsRoutes, { source: o.source, metrics: o.metrics });
    for (const plugin of o.authenticated ?? []) await scope.register(plugin);
  });
  await app.register(publicOperationsRoutes, { source: o.source, metrics: o.metrics });
  for (const plugin of o.open ?? []) await app.register(plugin);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
