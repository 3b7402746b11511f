// A small but complete sale transaction (before the journal gives it a seq).
import type { Tx } from '../../../src/protocol/sync.js';

let counter = 0;

export function sampleSale(overrides: Partial<Omit<Tx, 'seq'>> = {}): Omit<Tx, 'seq'> {
  counter += 1;
  return {
    id: `tx-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'sale',
    storeId: 'store-1',
    tillId: 'till-1',
    at: '2026-11-02T10:00:00.000Z',
    offline: false,
    programVersion: 'p1',
    receiptId: `r-${counter}`,
    customer: { id: 'c-1' },
    lines: [
      {
        lineId: '1',
        sku: 'MILK',
        name: 'Молоко',
        price: 8990,
        qty: 1,
        amount: 8990,
        discount: 0,
        redeemed: 0,
        paid: 8990,
        accruedPoints: 2,
      },
    ],
    totals: {
      amount: 8990,
      discount: 0,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 8990,
      accruedPoints: 2,
    },
    ...overrides,
  };
}
