// Shared fixtures of the storage tests: temp data dirs, a logger that remembers, and builders of
// realistic transactions, customers and open receipts.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { OpenReceipt } from '../../src/agent/ports.js';
import type { CachedCustomer, Tx } from '../../src/protocol/sync.js';
import type { StoreLogger } from '../../src/storage/logger.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loyalty-store-'));
  dirs.push(dir);
  return dir;
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export class MemoryLogger implements StoreLogger {
  readonly records: LogRecord[] = [];
  info(obj: object, msg: string): void {
    this.records.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg: string): void {
    this.records.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg: string): void {
    this.records.push({ level: 'error', obj, msg });
  }
  at(level: LogRecord['level']): LogRecord[] {
    return this.records.filter((r) => r.level === level);
  }
}

export function saleTx(n: number, over: Partial<Omit<Tx, 'seq'>> = {}): Omit<Tx, 'seq'> {
  return {
    id: `tx-${n}`,
    kind: 'sale',
    storeId: 'store-1',
    tillId: 'till-1',
    at: new Date(Date.UTC(2025, 0, 1, 10, 0, n % 60)).toISOString(),
    offline: false,
    programVersion: 'p1',
    receiptId: `r-${n}`,
    customer: { card: '2000000000008' },
    lines: [
      {
        lineId: '1',
        sku: 'milk',
        name: 'Молоко 3,2%',
        price: 8990,
        qty: 2,
        amount: 17980,
        discount: 899,
        redeemed: 0,
        paid: 17081,
        accruedPoints: 17,
      },
    ],
    totals: {
      amount: 17980,
      discount: 899,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 17081,
      accruedPoints: 17,
    },
    ...over,
  };
}

export function customer(n: number, over: Partial<CachedCustomer> = {}): CachedCustomer {
  return {
    id: `c-${n}`,
    cards: [`card-${n}`],
    phoneHash: `ph-${n}`,
    displayName: `Покупатель ${n}`,
    tierId: 'base',
    periodSpend: n * 100,
    balance: { available: n, pending: 0 },
    updatedAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    ...over,
  };
}

export function openReceipt(receiptId: string, over: Partial<OpenReceipt> = {}): OpenReceipt {
  return {
    receiptId,
    tillId: 'till-1',
    status: 'calculated',
    createdAt: '2025-01-01T10:00:00.000Z',
    expiresAt: '2025-01-01T10:30:00.000Z',
    at: '2025-01-01T10:00:00.000Z',
    offline: false,
    programVersion: 'p1',
    customer: null,
    lines: [{ lineId: '1', sku: 'bread', name: 'Хлеб', price: 5000, qty: 1 }],
    coupons: [],
    result: {
      lines: [
        {
          lineId: '1',
          amount: 5000,
          discount: 0,
          redeemed: 0,
          paid: 5000,
          accruedPoints: 5,
          fiscalPositions: [],
        },
      ],
      totals: {
        amount: 5000,
        discount: 0,
        redeemedPoints: 0,
        redeemedAmount: 0,
        toPay: 5000,
        accruedPoints: 5,
      },
      applied: [],
      coupons: [],
      messages: [],
      enrolled: false,
      tier: null,
    },
    ...over,
  };
}
