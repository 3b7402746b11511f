// Benchmark of a backlog drained into the reference central server: n transactions wait in an
// agent's real store (the file journal, filled directly), the reference server runs in this
// process on PGlite in a temp dir, and the agent's outbox drain empties the queue over loopback.
// Figures: tx/s (goal ≥ 1 000/s), ms, and the process' RSS/heap before and after the drain —
// the agent and the cloud share this process, so the memory figures cover both.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { parseCloudConfig } from '../src/cloud/config.js';
import { startCloud } from '../src/cloud/start-cloud.js';
import { calculate, parseProgram } from '../src/domain/index.js';
import type { Program, ReceiptLineInput } from '../src/domain/types.js';
import { findProjectRoot } from '../src/ops/project-root.js';
import type { Tx } from '../src/protocol/sync.js';
import { openStore } from '../src/storage/index.js';
import type { FileJournal } from '../src/storage/journal/file-journal.js';
import type { StoreLogger } from '../src/storage/logger.js';
import { CloudHttp } from '../src/sync/http-client.js';
import { OutboxDrain } from '../src/sync/outbox-drain.js';

export interface DrainCloudBenchOptions {
  /** Where to create the scratch directory; defaults to `<project>/.data` (the disk the agent uses). */
  dir?: string;
  /** Distinct loyalty cards among the sales (the rest are anonymous). */
  cards?: number;
}

export interface DrainCloudBenchResult {
  name: string;
  transactions: number;
  /** Entries still pending after the drain (must be 0). */
  left: number;
  /** Transactions the cloud holds afterwards (must equal `transactions`). */
  inCloud: number;
  batches: number;
  ms: number;
  txPerSec: number;
  goalTxPerSec: number;
  memory: { before: MemoryFigures; after: MemoryFigures; rssGrowthMb: number; heapGrowthMb: number };
}

interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
  /** Journal entries the agent holds in memory (pending, dead, recent segments): the agent's own share. */
  journalResident: number;
}

const AGENT = 'bench-till';
const STORE = 'store-bench';
const KEY = 'bench-agent-key';
const ADMIN = 'bench-admin-token';
const GOAL_TX_PER_SEC = 1000;
const silent: StoreLogger = { info() {}, warn() {}, error() {} };

export async function runDrainCloudBench(
  n = 10_000,
  options: DrainCloudBenchOptions = {},
): Promise<DrainCloudBenchResult> {
  const base = options.dir ?? join(findProjectRoot(), '.data');
  await mkdir(base, { recursive: true });
  const scratch = await mkdtemp(join(base, 'bench-drain-cloud-'));
  try {
    return await bench(scratch, n, options.cards ?? Math.max(1, Math.floor(n / 5)));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function bench(scratch: string, n: number, cards: number): Promise<DrainCloudBenchResult> {
  const programFile = join(findProjectRoot(), 'config/program.example.json');
  const store = await openStore(join(scratch, 'agent'), { logger: silent });
  const cloud = await startCloud(
    parseCloudConfig({
      http: { host: '127.0.0.1', port: 0 },
      database: `pglite:${join(scratch, 'cloud-db')}`,
      program: programFile,
      agents: [{ agentId: AGENT, storeId: STORE, key: KEY }],
      adminTokens: [ADMIN],
    }),
    { logger: pino({ level: 'silent' }) },
  );
  const drain = new OutboxDrain({
    http: new CloudHttp({ baseUrl: cloud.url, key: KEY }),
    agentId: AGENT,
    journal: store.journal,
    cache: store.cache,
    state: store.syncState,
    retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 100 },
  });
  try {
    const program = parseProgram(await loadProgramJson(programFile));
    const sales = new SaleFactory(program, cards);
    for (let done = 0; done < n; done += 500) {
      await store.journal.appendMany(
        Array.from({ length: Math.min(500, n - done) }, (_, i) => sales.make(done + i)),
      );
    }
    const before = memory(store.journal);
    const started = performance.now();
    let batches = 0;
    for (let round = 0; round < 20 && store.journal.stats(Date.now()).pending > 0; round++) {
      batches += (await drain.drain()).batches;
    }
    const ms = performance.now() - started;
    const after = memory(store.journal);
    const counted = await cloud.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM transactions WHERE agent_id = $1',
      [AGENT],
    );
    return {
      name: `drain into the reference server (PGlite): ${n} pending`,
      transactions: n,
      left: store.journal.stats(Date.now()).pending,
      inCloud: counted[0]?.n ?? 0,
      batches,
      ms: Math.round(ms),
      txPerSec: Math.round((n / ms) * 1000),
      goalTxPerSec: GOAL_TX_PER_SEC,
      memory: {
        before,
        after,
        rssGrowthMb: round(after.rssMb - before.rssMb),
        heapGrowthMb: round(after.heapUsedMb - before.heapUsedMb),
      },
    };
  } finally {
    await drain.stop();
    await cloud.close();
    await store.close();
  }
}

/**
 * Sales as a till computes them (the domain engine), so the cloud's re-check agrees: two of three
 * carry a card of a pool the cloud does not know yet (created by their first sale), small enough
 * baskets that nobody leaves the base tier, no points paid (an unknown card cannot pay).
 */
class SaleFactory {
  /** Clear of the demo cards (config/demo-customers.json), should the database be seeded. */
  private readonly firstCard = 900_000_000;

  constructor(
    private readonly program: Program,
    private readonly cards: number,
  ) {}

  make(i: number): Omit<Tx, 'seq'> {
    const at = new Date(Date.UTC(2026, 10, 22, 6, 0, 0) + i * 1000).toISOString();
    const lines: ReceiptLineInput[] = [
      {
        lineId: '1',
        sku: `MILK-${i % 7}`,
        name: 'Молоко 3,2 % 1 л',
        price: 8990,
        qty: 1 + (i % 3),
        category: 'dairy',
      },
      { lineId: '2', sku: 'BREAD', name: 'Хлеб', price: 4550, qty: 1, category: 'bakery' },
      {
        lineId: '3',
        sku: 'CHEESE',
        name: 'Сыр',
        price: 129900,
        qty: 0.125 + (i % 4) * 0.05,
        category: 'dairy',
      },
    ];
    const withCard = i % 3 !== 0;
    const result = calculate({
      program: this.program,
      lines,
      at,
      timezone: 'Europe/Moscow',
      customer: withCard ? { periodSpend: 0, balance: { available: 0, pending: 0 } } : null,
      offline: true,
      redeemAllowed: false,
    });
    const byLine = new Map(result.lines.map((l) => [l.lineId, l]));
    return {
      id: `bench-${String(i).padStart(8, '0')}-${process.pid}`,
      kind: 'sale',
      storeId: STORE,
      tillId: 'till-1',
      at,
      offline: true,
      programVersion: this.program.version,
      receiptId: `bench-r-${i}`,
      customer: withCard ? { card: ean13(this.firstCard + (i % this.cards)) } : {},
      lines: lines.map((l) => {
        const r = byLine.get(l.lineId)!;
        return {
          ...l,
          amount: r.amount,
          discount: r.discount,
          redeemed: r.redeemed,
          paid: r.paid,
          accruedPoints: r.accruedPoints,
        };
      }),
      totals: result.totals,
      timezone: 'Europe/Moscow',
    };
  }
}

/** A valid EAN-13 of the example program's card range (prefix 2). */
function ean13(n: number): string {
  const body = `2${String(n).padStart(11, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

async function loadProgramJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

function memory(journal: FileJournal): MemoryFigures {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    rssMb: round(m.rss / 2 ** 20),
    heapUsedMb: round(m.heapUsed / 2 ** 20),
    journalResident: journal.memory().residentEntries,
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

// Run directly (compiled, or with a TypeScript loader) to print the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runDrainCloudBench(Number(process.argv[2] ?? 10_000)), null, 2));
}
