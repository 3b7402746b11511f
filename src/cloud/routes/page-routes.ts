// The central page at `/` and the JSON it polls under /central/api (admin token in the
// Authorization header, or ?token= for a link opened from the demo).
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { CloudServices } from '../cloud-services.js';
import { centralPagePath } from '../page/page-path.js';
import { computeKpi } from '../reports/kpi.js';
import { latestDiffs, latestReceipts } from '../reports/receipts.js';
import { localDate, parseBound } from '../time.js';

export function registerPageRoutes(app: FastifyInstance, s: CloudServices): void {
  const pagePath = centralPagePath();

  app.get('/', { config: { access: 'public' } }, async (_req, reply) => {
    const html = await readFile(pagePath, 'utf8');
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(html);
  });

  const overview = { config: { access: 'admin', tokenInQuery: true } } as const;
  app.get('/central/api/overview', overview, async () => {
    const now = s.clock();
    const today = localDate(now, s.config.timezone);
    const from = parseBound(today, s.config.timezone, 'from')!;
    const to = parseBound(today, s.config.timezone, 'to')!;
    const agents = await s.db.query<{
      agent_id: string;
      store_id: string;
      last_seq: number;
      last_heartbeat_at: Date | null;
      version: string | null;
      queue: unknown;
      register: unknown;
    }>(
      'SELECT agent_id, store_id, last_seq, last_heartbeat_at, version, queue, register FROM agents ORDER BY agent_id',
    );
    const rejected = await s.db.query<{ tx_id: string; agent_id: string; reason: string; at: Date }>(
      'SELECT tx_id, agent_id, reason, at FROM rejected_transactions ORDER BY id DESC LIMIT 20',
    );
    return {
      now: now.toISOString(),
      programVersion: s.programs.program.version,
      database: s.db.kind,
      kpiToday: await computeKpi(s.db, from, to),
      agents: agents.map((a) => ({
        agentId: a.agent_id,
        storeId: a.store_id,
        lastSeq: a.last_seq,
        lastHeartbeatAt: a.last_heartbeat_at?.toISOString() ?? null,
        version: a.version,
        queue: a.queue,
        register: a.register,
      })),
      receipts: await latestReceipts(s.db, 30),
      diffs: await latestDiffs(s.db, 20),
      rejected: rejected.map((r) => ({
        txId: r.tx_id,
        agentId: r.agent_id,
        reason: r.reason,
        at: r.at.toISOString(),
      })),
      testSms: s.testSms?.sent() ?? null,
    };
  });
}
