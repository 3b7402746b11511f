// The cashier page learns about scans over server-sent events: GET /v1/scans/stream keeps a
// text/event-stream open per till; POST /v1/scans injects a code (typed on the page, or the demo).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScanHub } from '../../../drivers/scanner/hub.js';
import type { ScanClassifier } from '../../../drivers/scanner/scan.js';
import { AppError } from '../../errors/catalogue.js';
import { tillOfRequest } from '../auth.js';
import { installErrorReplies } from '../error-reply.js';
import { classifyCode } from './classify.js';

/** Resolves the caller to its till (null → 401). The host may pass its token check here. */
export type ScanAuth = (
  request: FastifyRequest,
  reply: FastifyReply,
) => string | null | Promise<string | null>;

export interface ScanEventsOptions {
  hub: ScanHub;
  auth: ScanAuth;
  classify?: ScanClassifier;
  /** A comment line this often keeps proxies and the browser from dropping an idle stream. */
  heartbeatMs?: number;
}

const StreamQuery = Type.Object({
  tillId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  // EventSource cannot send an Authorization header; the token may come in the query instead.
  token: Type.Optional(Type.String()),
});

const InjectBody = Type.Object(
  {
    raw: Type.String({ minLength: 1, maxLength: 4096 }),
    tillId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const ScanSchema = Type.Object({
  raw: Type.String(),
  kind: Type.Union([Type.Literal('card'), Type.Literal('phone'), Type.Literal('qr')]),
  value: Type.String(),
});

export async function scanEvents(fastify: FastifyInstance, options: ScanEventsOptions): Promise<void> {
  const { hub } = options;
  const classify = options.classify ?? classifyCode;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  /** Closers of the open streams, so shutting down ends them instead of hanging on them. */
  const open = new Set<() => void>();
  installErrorReplies(fastify);

  /** The till each authenticated request belongs to (set before its body or query is validated). */
  const tills = new WeakMap<FastifyRequest, string>();

  /** onRequest of both routes: runs before fastify validates, so a stranger gets 401, not 400. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const tillId = await options.auth(request, reply);
    if (!tillId)
      throw new AppError('UNAUTHORIZED', 'Нужен действующий токен кассы (Authorization: Bearer …)');
    tills.set(request, tillId);
  }

  function tillOf(request: FastifyRequest, asked: string | undefined): string {
    const tillId = tills.get(request);
    if (!tillId) throw new AppError('UNAUTHORIZED', 'Нужен действующий токен кассы');
    if (asked && asked !== tillId)
      throw new AppError('FORBIDDEN', `Этот токен принадлежит другой кассе, не ${asked}`);
    return tillId;
  }

  fastify.get(
    '/v1/scans/stream',
    {
      onRequest: authenticate,
      schema: {
        summary: 'Scans of this till as server-sent events (event: scan, data: {raw, kind, value})',
        querystring: StreamQuery,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const query = request.query as { tillId?: string };
      const tillId = tillOf(request, query.tillId);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      let eventId = 0;
      const unsubscribe = hub.subscribe(tillId, (scan) => {
        eventId++;
        res.write(`id: ${eventId}\nevent: scan\ndata: ${JSON.stringify(scan)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      const close = () => {
        if (!open.delete(close)) return;
        clearInterval(heartbeat);
        unsubscribe();
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      res.on('close', close);
    },
  );

  fastify.post(
    '/v1/scans',
    {
      onRequest: authenticate,
      schema: {
        summary: "Inject a scanned or typed code; it is published to the till's scan stream",
        body: InjectBody,
        response: { 200: Type.Object({ scan: ScanSchema, delivered: Type.Integer() }) },
      },
    },
    async (request) => {
      const body = request.body as { raw: string; tillId?: string };
      const tillId = tillOf(request, body.tillId);
      const scan = classify(body.raw);
      if (!scan) {
        throw new AppError(
          'SCAN_UNRECOGNIZED',
          'raw: это не карта лояльности, не номер телефона и не QR-код приложения',
          ['raw'],
        );
      }
      return { scan, delivered: hub.publish(tillId, scan) };
    },
  );

  // preClose runs before the server stops accepting: open streams would otherwise keep it waiting.
  fastify.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });
}

/**
 * A standalone token check (Bearer header or `?token=`), for running the scan routes outside the
 * agent's authenticated scope, e.g. in the demo.
 */
export function bearerTokenAuth(tokens: { token: string; tillId: string }[]): ScanAuth {
  return tillOfRequest(tokens);
}
