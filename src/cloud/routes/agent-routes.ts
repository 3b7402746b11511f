// The agent's own paths: /v1/agents/{agentId}/transactions, /customers, /program, /heartbeat.
import { createHash } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CustomersPage } from '../../protocol/sync.js';
import type { CloudServices } from '../cloud-services.js';
import { agentCaller } from '../http/access.js';
import { ingestBatch } from '../ingest/ingest-batch.js';
import { type CustomerRow, customerView } from '../store/customers.js';
import { applyTimeChanges } from '../time-changes.js';

export const MAX_BATCH = 500;
/** Rounds of the time-change job a feed pull runs first (200 customers each). */
const FEED_CATCH_UP_ROUNDS = 5;

const AgentParams = Type.Object({ agentId: Type.String({ minLength: 1 }) });
const TxBatch = Type.Object({ transactions: Type.Array(Type.Unknown(), { maxItems: MAX_BATCH }) });
const FeedQuery = Type.Object({
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
});
const Heartbeat = Type.Object({
  version: Type.String({ maxLength: 100 }),
  queue: Type.Object({
    pending: Type.Integer({ minimum: 0 }),
    oldestAgeSec: Type.Number({ minimum: 0 }),
    deadLetter: Type.Integer({ minimum: 0 }),
  }),
  register: Type.Optional(Type.Object({ state: Type.String({ maxLength: 100 }) })),
});

export function registerAgentRoutes(instance: FastifyInstance, s: CloudServices): void {
  // The TypeBox type provider types each handler's params, query and body from its schemas.
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/agents/:agentId/transactions',
    { config: { access: 'agent' }, schema: { params: AgentParams, body: TxBatch } },
    async (req) => {
      const caller = agentCaller(req);
      const results = await ingestBatch(s.db, caller, req.body.transactions, {
        programs: s.programs,
        timezone: s.config.timezone,
        now: s.clock(),
      });
      return { results };
    },
  );

  app.get(
    '/v1/agents/:agentId/customers',
    { config: { access: 'agent' }, schema: { params: AgentParams, querystring: FeedQuery } },
    async (req): Promise<CustomersPage> => {
      const now = s.clock();
      const after = Number(req.query.cursor ?? '0');
      const limit = req.query.limit;
      // What time changed since the last scheduled run is handed out now, not a minute later; a
      // bounded catch-up (the scheduled job does any rest), so a pull never waits on a backlog.
      await applyTimeChanges(
        s.db,
        { program: s.programs.program, timezone: s.config.timezone, now },
        { maxRounds: FEED_CATCH_UP_ROUNDS },
      );
      const rows = await s.db.query<CustomerRow>(
        `SELECT id, name, phone, birthday, birthday_bonus_year, offline_allowance, enrolment_bonus_tx,
                created_at, updated_at, change_seq, deleted
         FROM customers WHERE change_seq > $1 ORDER BY change_seq LIMIT $2`,
        [after, limit + 1],
      );
      const page = rows.slice(0, limit);
      const ctx = {
        program: s.programs.program,
        phoneSalt: s.programs.phoneSalt,
        timezone: s.config.timezone,
        now,
      };
      const customers = [];
      for (const row of page) customers.push(await customerView(s.db, row, ctx));
      const last = page[page.length - 1];
      return { customers, cursor: String(last ? last.change_seq : after), more: rows.length > limit };
    },
  );

  app.get(
    '/v1/agents/:agentId/program',
    { config: { access: 'agent' }, schema: { params: AgentParams } },
    async (req, reply) => {
      const body = { ...s.programs.raw, phoneSalt: s.programs.phoneSalt, qrKeys: s.qrKeys.published };
      const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}"`;
      reply.header('ETag', etag).header('Cache-Control', 'no-cache');
      const asked = req.headers['if-none-match'];
      if (typeof asked === 'string' && asked.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send();
      }
      return body;
    },
  );

  app.post(
    '/v1/agents/:agentId/heartbeat',
    { config: { access: 'agent' }, schema: { params: AgentParams, body: Heartbeat } },
    async (req) => {
      const now = s.clock();
      const hb = req.body;
      await s.db.transaction(async (q) => {
        await q.query(
          `UPDATE agents SET last_heartbeat_at = $2, version = $3, queue = $4::text::jsonb, register = $5::text::jsonb
           WHERE agent_id = $1`,
          [
            req.params.agentId,
            now,
            hb.version,
            JSON.stringify(hb.queue),
            JSON.stringify(hb.register ?? null),
          ],
        );
        await q.query('INSERT INTO heartbeats (agent_id, at, body) VALUES ($1, $2, $3::text::jsonb)', [
          req.params.agentId,
          now,
          JSON.stringify(hb),
        ]);
        // Only a recent history is worth keeping; the fleet view reads the agents row.
        await q.query(`DELETE FROM heartbeats WHERE agent_id = $1 AND at < $2`, [
          req.params.agentId,
          new Date(now.getTime() - 7 * 86_400_000),
        ]);
      });
      return { ok: true, serverTime: now.toISOString() };
    },
  );
}
