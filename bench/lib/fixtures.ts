// Data the benchmarks load an agent with: cached customers (as a sync pull leaves them) and a
// backlog of confirmed sales waiting for the cloud. Both go through the store's own classes, so
// the files are exactly what the agent reads at start.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CachedCustomer, Tx } from '../../src/protocol/sync.js';
import { ShardedCustomerCache } from '../../src/storage/customer-cache/sharded-customer-cache.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import type { StoreLogger } from '../../src/storage/logger.js';
import { CACHE_DIR, JOURNAL_DIR } from '../../src/storage/open-store.js';

export const silentStoreLogger: StoreLogger = { info() {}, warn() {}, error() {} };

/** A valid EAN-13 card of the example program's range (prefix 2), one per customer number. */
export function cardOf(n: number): string {
  const body = `2${String(n).padStart(11, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

export function customerOf(n: number): CachedCustomer {
  return {
    id: `c${String(n).padStart(9, '0')}`,
    cards: [cardOf(n)],
    phoneHash: n.toString(16).padStart(8, '0').repeat(8),
    displayName: 'Анна К.',
    tierId: n % 5 === 0 ? 'silver' : 'standard',
    periodSpend: (n % 1000) * 1371,
    balance: { available: n % 5000, pending: n % 300 },
    birthday: `${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
    updatedAt: '2026-11-20T10:00:00.000Z',
  };
}

/** Fills `<dataDir>/cache` with `count` customers in pages, the way a first sync would. */
export async function fillCustomerCache(dataDir: string, count: number): Promise<void> {
  const cache = await ShardedCustomerCache.open(join(dataDir, CACHE_DIR), { logger: silentStoreLogger });
  try {
    const page = 50_000;
    for (let first = 0; first < count; first += page) {
      const n = Math.min(page, count - first);
      await cache.apply(Array.from({ length: n }, (_, i) => customerOf(first + i)));
    }
  } finally {
    await cache.close();
  }
}

/** A confirmed four-line sale of a cached customer, shaped as the till service writes it. */
export function queuedSale(n: number): Omit<Tx, 'seq'> {
  const lines = [0, 1, 2, 3].map((i) => {
    const price = 8990 + i * 1000;
    return {
      lineId: String(i + 1),
      sku: `SKU-${(n * 13 + i) % 5000}`,
      name: ['Молоко 3,2% 1 л', 'Хлеб бородинский', 'Сыр российский', 'Яблоки, кг'][i]!,
      price,
      qty: 1,
      amount: price,
      discount: 0,
      redeemed: 0,
      paid: price,
      accruedPoints: Math.floor(price / 1000),
    };
  });
  const amount = lines.reduce((s, l) => s + l.amount, 0);
  return {
    id: randomUUID(),
    kind: 'sale',
    storeId: 'store-1',
    tillId: 'till-1',
    at: new Date(Date.UTC(2026, 10, 20) + n * 1000).toISOString(),
    offline: true,
    programVersion: 'bench',
    receiptId: `queued-${n}`,
    customer: { id: customerOf(n % 1000).id },
    lines,
    totals: {
      amount,
      discount: 0,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: amount,
      accruedPoints: lines.reduce((s, l) => s + l.accruedPoints, 0),
    },
    payments: [{ type: 'card', amount }],
  };
}

/** Puts `count` confirmed sales into `<dataDir>/journal`, in durable batches of 500. */
export async function fillBacklog(dataDir: string, count: number): Promise<void> {
  const journal = await FileJournal.open(join(dataDir, JOURNAL_DIR), { logger: silentStoreLogger });
  try {
    for (let first = 0; first < count; first += 500) {
      const n = Math.min(500, count - first);
      await journal.appendMany(Array.from({ length: n }, (_, i) => queuedSale(first + i)));
    }
  } finally {
    await journal.close();
  }
}
