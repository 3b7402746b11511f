// A return taken at another store, of a sale that store never saw: built from the sale as printed
// on the customer's receipt (its lines and figures), with the domain's own return arithmetic —
// the same steps the agent's POST /v1/returns takes for a sale it holds. The agent has no API for
// this case yet (see docs/DECISIONS-sync.md), so the test records it in store B's outbox itself.
import { randomUUID } from 'node:crypto';
import { computeReturn } from '../../../src/domain/index.js';
import type { Tx, TxLine } from '../../../src/protocol/sync.js';
import { openStore } from '../../../src/storage/index.js';

export function crossStoreReturn(
  sale: Tx,
  at: { storeId: string; tillId: string; returnId: string; now?: Date },
): Omit<Tx, 'seq'> {
  const result = computeReturn(
    sale.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
    {},
  );
  const byId = new Map(sale.lines.map((l) => [l.lineId, l]));
  const lines: TxLine[] = result.lines.map((r) => {
    const orig = byId.get(r.lineId)!;
    return {
      lineId: r.lineId,
      sku: orig.sku,
      name: orig.name,
      price: orig.price,
      qty: r.qty,
      ...(orig.category !== undefined && { category: orig.category }),
      amount: r.paid + r.redeemed,
      discount: 0,
      redeemed: r.redeemed,
      paid: r.paid,
      accruedPoints: r.accruedPoints,
    };
  });
  return {
    id: randomUUID(),
    kind: 'return',
    storeId: at.storeId,
    tillId: at.tillId,
    at: (at.now ?? new Date()).toISOString(),
    offline: false,
    programVersion: sale.programVersion,
    receiptId: sale.receiptId,
    returnId: at.returnId,
    customer: sale.customer,
    lines,
    totals: {
      amount: lines.reduce((s, l) => s + l.amount, 0),
      discount: 0,
      redeemedPoints: result.refund.pointsReturned,
      redeemedAmount: lines.reduce((s, l) => s + l.redeemed, 0),
      toPay: result.refund.amount,
      accruedPoints: result.refund.pointsReversed,
    },
    refund: result.refund,
    timezone: 'Europe/Moscow',
  };
}

/** Writes a transaction into an agent's outbox (its store must not be open: the agent is not running). */
export async function recordInOutbox(dataDir: string, tx: Omit<Tx, 'seq'>): Promise<Tx> {
  const store = await openStore(dataDir, { logger: { info() {}, warn() {}, error() {} } });
  try {
    return await store.journal.append(tx);
  } finally {
    await store.close();
  }
}
