// Benchmarks of the durable store, run on the disk of the project (under `.data/`, git-ignored):
// the raw cost of a durable small write as the floor, the confirm path (`journal.append`) with an
// empty, a 10 000 and a 50 000 transaction backlog, and the customer cache at 200 000 customers
// (startup, memory, identify lookups, one page of changes). Figures are plain objects: µs for
// latencies, ms for durations, MB for memory.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JournalEntry } from '../src/agent/ports.js';
import type { CachedCustomer, Tx } from '../src/protocol/sync.js';
import { SHARD_COUNT, shardFileName, shardOf } from '../src/storage/customer-cache/shard-of.js';
import {
  type ShardBody,
  ShardedCustomerCache,
} from '../src/storage/customer-cache/sharded-customer-cache.js';
import { DurableFileAdapter } from '../src/storage/file/durable-file-adapter.js';
import { fsyncDir } from '../src/storage/file/fsync-dir.js';
import { FileJournal } from '../src/storage/journal/file-journal.js';
import { DEFAULT_SEGMENT_MAX_BYTES, DEFAULT_SEGMENT_SIZE } from '../src/storage/journal/journal-options.js';
import { addRecord } from '../src/storage/journal/log-records.js';
import { LogSegmentFile } from '../src/storage/journal/log-segment-file.js';
import type { StoreLogger } from '../src/storage/logger.js';

export interface StoreBenchOptions {
  /** Where to create the scratch directory; defaults to `<project>/.data`. */
  dir?: string;
  /** Iterations per latency figure. */
  samples?: number;
  /** Backlogs to measure the append with. */
  backlogs?: number[];
  customers?: number;
}

const silent: StoreLogger = { info() {}, warn() {}, error() {} };

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<object[]> {
  const samples = options.samples ?? 300;
  const backlogs = options.backlogs ?? [0, 10_000, 50_000];
  const customers = options.customers ?? 200_000;
  const base = options.dir ?? join(projectRoot(), '.data');
  await mkdir(base, { recursive: true });
  const scratch = await mkdtemp(join(base, 'bench-store-'));
  try {
    const results: object[] = [];
    // The cache first: its memory figure is cleanest before the other scenarios allocate.
    results.push(...(await benchCustomerCache(join(scratch, 'cache'), customers)));
    results.push(await benchRawFsync(join(scratch, 'raw'), samples, true));
    results.push(await benchRawFsync(join(scratch, 'raw'), samples, false));
    for (const backlog of backlogs) {
      results.push(await benchAppend(join(scratch, `journal-${backlog}`), backlog, samples));
    }
    return results;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- raw floor

/** A ~1.6 KB durable write done by hand: the floor any durable store on this disk pays. */
async function benchRawFsync(dir: string, samples: number, withRename: boolean): Promise<object> {
  await mkdir(dir, { recursive: true });
  const write = rawWriter(dir, withRename);
  const times: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const us = await write();
    if (i >= 20) times.push(us);
  }
  return {
    name: withRename ? 'raw write+fsync+rename+fsync(dir)' : 'raw write+fsync',
    bytes: rawBytes().length,
    ...latency(times),
  };
}

function rawBytes(): Buffer {
  return Buffer.from(JSON.stringify(benchTx(1)));
}

/** One raw durable write of a transaction-sized file; resolves to its duration in µs. */
function rawWriter(dir: string, withRename: boolean): () => Promise<number> {
  const target = join(dir, 'raw.json');
  const bytes = rawBytes();
  return async () => {
    const start = process.hrtime.bigint();
    const path = withRename ? `${target}.tmp` : target;
    const fh = await open(path, 'w');
    await fh.writeFile(bytes);
    await fh.sync();
    await fh.close();
    if (withRename) {
      await rename(path, target);
      await fsyncDir(dir);
    }
    return elapsedUs(start);
  };
}

// ---------------------------------------------------------------- confirm path

/**
 * Appends one by one, each followed by a raw durable write of the same size as a transaction
 * (interleaved, so a busy disk slows both alike), and reports both and their ratio.
 */
async function benchAppend(dir: string, backlog: number, samples: number): Promise<object> {
  await mkdir(join(dir, 'raw'), { recursive: true });
  await prefillJournal(join(dir, 'journal'), backlog);
  const openStart = process.hrtime.bigint();
  const journal = await FileJournal.open(join(dir, 'journal'), { logger: silent });
  const openMs = elapsedUs(openStart) / 1000;
  const raw = rawWriter(join(dir, 'raw'), true);
  const appendUs: number[] = [];
  const rawUs: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const tx = benchTx(backlog + i + 1);
    const start = process.hrtime.bigint();
    await journal.append(tx);
    const us = elapsedUs(start);
    const floor = await raw();
    if (i >= 20) {
      appendUs.push(us);
      rawUs.push(floor);
    }
  }
  const stats = journal.stats(Date.now());
  const segments = journal.segmentCount();
  await journal.close();
  const append = latency(appendUs);
  const floor = latency(rawUs);
  return {
    name: `journal.append with ${backlog} queued`,
    queued: backlog,
    pendingAfter: stats.pending,
    segments,
    journalOpenMs: round(openMs),
    ...append,
    rawP50Us: floor.p50Us,
    rawP99Us: floor.p99Us,
    rawMinUs: floor.minUs,
    ratioP50: round(append.p50Us / floor.p50Us),
    ratioP99: round(append.p99Us / floor.p99Us),
  };
}

/**
 * Writes `count` pending entries as sealed segments, in bulk (not through append), laid out as the
 * journal would: full by entry count or by size, whichever comes first.
 */
async function prefillJournal(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entryBytes = JSON.stringify({ tx: { ...benchTx(1), seq: 1 }, state: 'pending', attempts: 0 }).length;
  const perSegment = Math.max(
    1,
    Math.min(DEFAULT_SEGMENT_SIZE, Math.floor(DEFAULT_SEGMENT_MAX_BYTES / entryBytes)),
  );
  for (let first = 1; first <= count; first += perSegment) {
    const entries: JournalEntry[] = [];
    for (let seq = first; seq < Math.min(first + perSegment, count + 1); seq++) {
      entries.push({ tx: { ...benchTx(seq), seq }, state: 'pending', attempts: 0 });
    }
    // The append-only format the journal writes (a session-1 `.json` would be migrated at open).
    const segment = await LogSegmentFile.create(dir, first, addRecord(entries));
    await segment.release();
  }
}

// ---------------------------------------------------------------- customer cache

async function benchCustomerCache(dir: string, count: number): Promise<object[]> {
  await mkdir(dir, { recursive: true });
  const bytes = await prefillCache(dir, count);
  gc();
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  const cache = await ShardedCustomerCache.open(dir, { logger: silent });
  const startupMs = elapsedUs(start) / 1000;
  gc();
  const after = process.memoryUsage();

  const lookups = { card: [] as number[], phoneHash: [] as number[], id: [] as number[] };
  let found = 0;
  for (let i = 0; i < 100_000; i++) {
    const n = (i * 7919) % count;
    const kind = i % 3 === 0 ? 'card' : i % 3 === 1 ? 'phoneHash' : 'id';
    const t = process.hrtime.bigint();
    const c =
      kind === 'card'
        ? cache.byCard(cardOf(n))
        : kind === 'phoneHash'
          ? cache.byPhoneHash(phoneHashOf(n))
          : cache.byId(idOf(n));
    lookups[kind].push(elapsedUs(t));
    if (c) found++;
  }
  if (found !== 100_000) throw new Error(`cache bench: only ${found} of 100000 lookups found their customer`);

  const page = Array.from({ length: 500 }, (_, i) => benchCustomer((i * 401) % count, 'updated'));
  const applyStart = process.hrtime.bigint();
  await cache.apply(page);
  const applyMs = elapsedUs(applyStart) / 1000;
  await cache.close();

  const mb = (n: number) => round(n / 1024 / 1024);
  return [
    {
      name: `customer cache startup with ${count} customers`,
      customers: cache.size(),
      fileMB: mb(bytes),
      startupMs: round(startupMs),
      rssBeforeMB: mb(before.rss),
      rssAfterMB: mb(after.rss),
      heapUsedMB: mb(after.heapUsed),
      heapGrowthMB: mb(after.heapUsed - before.heapUsed),
    },
    ...(['card', 'phoneHash', 'id'] as const).map((kind) => ({
      name: `identify by ${kind} with ${count} cached`,
      ...latency(lookups[kind]),
    })),
    { name: `cache.apply of a 500-customer page at ${count}`, applyMs: round(applyMs) },
  ];
}

/** Writes the shard files directly, one shard at a time, so the generator never holds them all. */
async function prefillCache(dir: string, count: number): Promise<number> {
  const byShard: number[][] = Array.from({ length: SHARD_COUNT }, () => []);
  for (let n = 0; n < count; n++) byShard[shardOf(idOf(n))]!.push(n);
  let bytes = 0;
  for (let s = 0; s < SHARD_COUNT; s++) {
    const body: ShardBody = {
      updatedAt: '2025-01-01T00:00:00.000Z',
      customers: byShard[s]!.map((n) => benchCustomer(n)),
    };
    const file = new DurableFileAdapter<ShardBody>(join(dir, shardFileName(s)), { logger: silent });
    await file.write(body);
    bytes += JSON.stringify(body).length;
  }
  return bytes;
}

// ---------------------------------------------------------------- data

const idOf = (n: number) => `c${String(n).padStart(9, '0')}`;
const cardOf = (n: number) => `2${String(n).padStart(12, '0')}`;
/** Shaped like the real thing: 64 lowercase hex characters. */
const phoneHashOf = (n: number) => `${n.toString(16).padStart(8, '0')}`.repeat(8);

function benchCustomer(n: number, suffix = ''): CachedCustomer {
  return {
    id: idOf(n),
    cards: [cardOf(n)],
    phoneHash: phoneHashOf(n),
    displayName: `Анна К.${suffix}`,
    tierId: n % 5 === 0 ? 'gold' : 'base',
    periodSpend: (n % 1000) * 1371,
    balance: { available: n % 5000, pending: n % 300 },
    birthday: `${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** A realistic confirmed sale: four lines, fiscal data, payments (about 2 KB of JSON). */
function benchTx(n: number): Omit<Tx, 'seq'> {
  const lines = [0, 1, 2, 3].map((i) => ({
    lineId: String(i + 1),
    sku: `sku-${(n * 13 + i) % 5000}`,
    name: ['Молоко 3,2% 1 л', 'Хлеб бородинский', 'Сыр российский 200 г', 'Яблоки голден, кг'][i]!,
    price: 8990 + i * 1000,
    qty: i === 3 ? 1.235 : 1,
    category: 'grocery',
    tags: i === 2 ? ['promo'] : [],
    amount: 8990 + i * 1000,
    discount: 450,
    redeemed: 0,
    paid: 8540 + i * 1000,
    accruedPoints: 8,
    fiscalPositions: [{ qty: 1, price: 8540 + i * 1000, amount: 8540 + i * 1000 }],
  }));
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    kind: 'sale',
    storeId: 'store-1',
    tillId: 'till-1',
    at: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
    offline: n % 2 === 0,
    programVersion: '2025-01-01',
    receiptId: `till-1-${n}`,
    customer: { id: idOf(n % 1000), card: cardOf(n % 1000), tierId: 'base' },
    lines,
    totals: {
      amount: 41960,
      discount: 1800,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 40160,
      accruedPoints: 32,
    },
    fiscal: {
      fn: '9960440300000001',
      fd: String(n),
      fp: '1234567890',
      at: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    },
    payments: [{ type: 'card', amount: 40160 }],
    timezone: 'Europe/Moscow',
    messages: ['До уровня «Золото» осталось 1 200,00 ₽'],
  };
}

// ---------------------------------------------------------------- helpers

function latency(us: number[]): {
  samples: number;
  p50Us: number;
  p99Us: number;
  minUs: number;
  maxUs: number;
} {
  const sorted = [...us].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    samples: sorted.length,
    p50Us: round(at(0.5)),
    p99Us: round(at(0.99)),
    minUs: round(sorted[0]!),
    maxUs: round(sorted[sorted.length - 1]!),
  };
}

function elapsedUs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1000;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Collects garbage when node runs with --expose-gc (the bench script does); a no-op otherwise. */
function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
