// A real agent process (`loyalty-agent start --config FILE`) for the end-to-end sync tests, with
// the till calls they need: sell (calculate + confirm), status, sync now, wait until drained.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReceiptLineInput } from '../../../src/domain/types.js';
import { writeAgentConfigFile } from '../../helpers/agent-config-file.js';
import { spawnAgent } from '../../helpers/agent-process.js';
import type { Cleanup } from './cleanup.js';
import { stopChild } from './cloud-process.js';
import { httpJson, type JsonAnswer, waitFor } from './http-json.js';

/** Cron that never fires during a test (1 January, midnight): the test decides when to sync. */
export const NEVER = '0 0 0 1 1 *';

export interface AgentProcessOptions {
  dir: string;
  storeId: string;
  tillId?: string;
  token: string;
  cloud: {
    url: string;
    agentId: string;
    key: string;
    drainCron?: string;
    pullCron?: string;
    heartbeatCron?: string;
    batchDeadlineMs?: number;
  };
}

export interface AgentStatus {
  cloud: { state: string; lastSyncAt: string | null; lastError?: string };
  queue: { pending: number; oldestAgeSec: number; deadLetter: number };
  cache: { customers: number; updatedAt: string | null };
}

export interface QueueEntry {
  id: string;
  seq: number;
  kind: string;
  receiptId: string;
  state: string;
  attempts: number;
  lastError?: string;
}

export interface Sale {
  receiptId: string;
  lines: ReceiptLineInput[];
  card?: string;
  redeemPoints?: number;
}

export interface SaleTotals {
  amount: number;
  discount: number;
  redeemedPoints: number;
  redeemedAmount: number;
  toPay: number;
  accruedPoints: number;
}

export interface AgentProcess {
  url: string;
  dataDir: string;
  output: string[];
  call<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<JsonAnswer<T>>;
  status(): Promise<AgentStatus>;
  queue(): Promise<QueueEntry[]>;
  /** Calculates and confirms one receipt; fails the test on any non-200. */
  sell(sale: Sale): Promise<{ offline: boolean; totals: SaleTotals }>;
  /** POST /v1/sync, again every few seconds, until nothing is pending (or the time is up). */
  syncUntilDrained(timeoutMs?: number): Promise<AgentStatus>;
  stop(): Promise<void>;
}

export async function startAgentProcess(o: AgentProcessOptions, cleanup: Cleanup): Promise<AgentProcess> {
  const dataDir = path.join(o.dir, 'data');
  const config = path.join(o.dir, 'agent.json');
  const tillId = o.tillId ?? 'till-1';
  await mkdir(o.dir, { recursive: true });
  await writeAgentConfigFile(config, {
    storeId: o.storeId,
    tillId,
    dataDir,
    tokens: [{ token: o.token, tillId }],
    cloud: o.cloud,
  });
  const proc = await spawnAgent(['start', '--config', config]);
  const stop = () => stopChild(proc.child);
  cleanup.defer(`stop agent ${o.cloud.agentId}`, stop);

  const call = <T>(method: string, route: string, body?: unknown) =>
    httpJson<T>(proc.url, method, route, { token: o.token, body });
  const status = async () => {
    const res = await call<AgentStatus>('GET', '/v1/status');
    if (res.status !== 200) throw new Error(`status answered ${res.status}`);
    return res.body;
  };

  return {
    url: proc.url,
    dataDir,
    output: proc.output,
    call,
    status,
    async queue() {
      const res = await call<{ entries: QueueEntry[] }>('GET', '/v1/queue?state=pending&limit=5000');
      if (res.status !== 200) throw new Error(`queue answered ${res.status}`);
      return res.body.entries;
    },
    async sell(sale) {
      const calc = await call<{ offline: boolean }>('POST', '/v1/receipts/calculate', {
        receiptId: sale.receiptId,
        lines: sale.lines,
        ...(sale.card && { customer: { card: sale.card } }),
        ...(sale.redeemPoints && { redeem: { points: sale.redeemPoints } }),
      });
      if (calc.status !== 200)
        throw new Error(`calculate ${sale.receiptId}: ${calc.status} ${JSON.stringify(calc.body)}`);
      const conf = await call<{ totals: SaleTotals }>('POST', `/v1/receipts/${sale.receiptId}/confirm`, {});
      if (conf.status !== 200)
        throw new Error(`confirm ${sale.receiptId}: ${conf.status} ${JSON.stringify(conf.body)}`);
      return { offline: calc.body.offline, totals: conf.body.totals };
    },
    async syncUntilDrained(timeoutMs = 60_000) {
      let lastKick = 0;
      return waitFor(
        'the agent to deliver its queue',
        async () => {
          if (Date.now() - lastKick > 3000) {
            lastKick = Date.now();
            const res = await call('POST', '/v1/sync');
            if (res.status !== 202) throw new Error(`sync answered ${res.status}`);
          }
          const s = await status();
          return s.queue.pending === 0 ? s : undefined;
        },
        { timeoutMs, everyMs: 200 },
      );
    },
    stop,
  };
}
