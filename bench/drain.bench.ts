// Benchmark of the outbox drain: a backlog of transactions in the real file journal (on the
// project's disk, under `.data/`) sent to a loopback cloud that applies each id once. Measures the
// time to empty the queue after an outage, with a healthy cloud and with one that fails 30 % of
// the calls (5xx, 429, dropped connections). Figures: ms for durations, tx/s for throughput.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { StateStore, SyncState } from '../src/agent/ports.js';
import { findProjectRoot } from '../src/ops/project-root.js';
import type { CachedCustomer, Tx, TxResult } from '../src/protocol/sync.js';
import { FileJournal } from '../src/storage/journal/file-journal.js';
import type { StoreLogger } from '../src/storage/logger.js';
import { CloudHttp } from '../src/sync/http-client.js';
import { OutboxDrain } from '../src/sync/outbox-drain.js';

export interface DrainBenchOptions {
  /** Where to create the scratch directory; defaults to `<project>/.data`. */
  dir?: string;
  /** Transactions waiting when the cloud comes back. */
  backlog?: number;
  /** Share of calls the flaky cloud fails. */
  faultRate?: number;
}

const AGENT = 'bench-agent';
const KEY = 'bench-key';
const silent: StoreLogger = { info() {}, warn() {}, error() {} };

export async function runDrainBench(options: DrainBenchOptions = {}): Promise<object[]> {
  const backlog = options.backlog ?? 10_000;
  const base = options.dir ?? join(findProjectRoot(), '.data');
  await mkdir(base, { recursive: true });
  const scratch = await mkdtemp(join(base, 'bench-drain-'));
  try {
    return [
      await benchDrain(join(scratch, 'healthy'), backlog, 0),
      await benchDrain(join(scratch, 'flaky'), backlog, options.faultRate ?? 0.3),
    ];
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function benchDrain(dir: string, backlog: number, faultRate: number): Promise<object> {
  const journal = await FileJournal.open(dir, { logger: silent });
  for (let n = 0; n < backlog; n += 500) {
    await journal.appendMany(Array.from({ length: Math.min(500, backlog - n) }, (_, i) => benchTx(n + i)));
  }
  const cloud = await startCloud(faultRate);
  const drain = new OutboxDrain({
    http: new CloudHttp({ baseUrl: cloud.url, key: KEY }),
    agentId: AGENT,
    journal,
    cache: emptyCache,
    state: memoryState(),
    retry: { retries: 10, minTimeoutMs: 5, maxTimeoutMs: 50 },
  });
  try {
    const started = performance.now();
    let rounds = 0;
    while (journal.stats(Date.now()).pending > 0 && rounds < 100) {
      await drain.drain();
      rounds += 1;
    }
    const ms = performance.now() - started;
    const left = journal.stats(Date.now()).pending;
    return {
      name: `drain: ${backlog} pending, ${Math.round(faultRate * 100)} % faults`,
      backlog,
      calls: cloud.calls(),
      failedCalls: cloud.failed(),
      applied: cloud.applied(),
      left,
      ms: Math.round(ms),
      txPerSec: Math.round((backlog / ms) * 1000),
    };
  } finally {
    await drain.stop();
    await cloud.app.close();
  }
}

/** A loopback cloud: applies each id once; fails the given share of calls. */
async function startCloud(faultRate: number) {
  const app: FastifyInstance = Fastify({
    logger: false,
    forceCloseConnections: true,
    bodyLimit: 64 * 1024 * 1024,
  });
  const seen = new Set<string>();
  let calls = 0;
  let failed = 0;
  app.post(`/v1/agents/${AGENT}/transactions`, async (req, reply) => {
    calls += 1;
    if (req.headers.authorization !== `Bearer ${KEY}`) return reply.status(401).send({});
    if (Math.random() < faultRate) {
      failed += 1;
      const kind = calls % 3;
      if (kind === 0) return reply.status(503).send({});
      if (kind === 1) return reply.status(429).header('retry-after', '0').send({});
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    const txs = (req.body as { transactions: Tx[] }).transactions;
    const results: TxResult[] = txs.map((tx) => {
      const status = seen.has(tx.id) ? 'duplicate' : 'accepted';
      seen.add(tx.id);
      return { id: tx.id, status };
    });
    return { results };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    calls: () => calls,
    failed: () => failed,
    applied: () => seen.size,
  };
}

const emptyCache = {
  byCard: () => undefined,
  byPhoneHash: () => undefined,
  byId: () => undefined,
  apply: async (_changes: CachedCustomer[]) => undefined,
  size: () => 0,
  updatedAt: () => null,
};

function memoryState(): StateStore<SyncState> {
  let value: SyncState = { offlineRedeemed: {}, usedQrTokens: {}, qrKeys: [] };
  return {
    read: () => value,
    update: async (fn) => {
      const draft = structuredClone(value);
      fn(draft);
      value = draft;
    },
  };
}

function benchTx(n: number): Omit<Tx, 'seq'> {
  return {
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    kind: 'sale',
    storeId: 'store-1',
    tillId: 'till-1',
    at: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
    offline: true,
    programVersion: '2025-01-01',
    receiptId: `till-1-${n}`,
    customer: { id: `c-${n % 1000}` },
    lines: [0, 1, 2, 3].map((i) => ({
      lineId: String(i + 1),
      sku: `sku-${(n * 13 + i) % 5000}`,
      name: 'Молоко 3,2% 1 л',
      price: 8990,
      qty: 1,
      amount: 8990,
      discount: 0,
      redeemed: 0,
      paid: 8990,
      accruedPoints: 2,
    })),
    totals: {
      amount: 35960,
      discount: 0,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 35960,
      accruedPoints: 8,
    },
  };
}

// Run directly (compiled, or with a TypeScript loader) to print the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runDrainBench(), null, 2));
}
