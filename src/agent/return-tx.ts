// The outbox transaction of a return (SYNC-API.md): the returned part of each sold line as positive
// numbers — qty, money refunded as `paid`, points given back as `redeemed` (kopecks), points taken back
// as `accruedPoints` — with the refund. `amount` is the value returned (paid + redeemed).
import type { ReturnResult, SoldLine } from '../domain/types.js';
import type { ReceiptForReturn, Tx, TxCustomer, TxLine } from '../protocol/sync.js';

export interface ReturnMeta {
  id: string;
  storeId: string;
  tillId: string;
  at: string;
  offline: boolean;
  returnId: string;
  timezone: string;
  /** The store that sold it, when that is not this store (a sale read from the cloud). */
  originalStoreId?: string;
}

export function soldLinesOf(sale: Tx): SoldLine[] {
  return sale.lines.map((l) => ({
    lineId: l.lineId,
    qty: l.qty,
    paid: l.paid,
    redeemed: l.redeemed,
    accruedPoints: l.accruedPoints,
  }));
}

export function returnTx(sale: Tx, result: ReturnResult, meta: ReturnMeta): Omit<Tx, 'seq'> {
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
      ...(orig.tags !== undefined && { tags: orig.tags }),
      amount: r.paid + r.redeemed,
      discount: 0,
      redeemed: r.redeemed,
      paid: r.paid,
      accruedPoints: r.accruedPoints,
    };
  });
  return {
    id: meta.id,
    kind: 'return',
    storeId: meta.storeId,
    tillId: meta.tillId,
    at: meta.at,
    offline: meta.offline,
    programVersion: sale.programVersion,
    receiptId: sale.receiptId,
    returnId: meta.returnId,
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
    timezone: meta.timezone,
    ...(meta.originalStoreId !== undefined && { originalStoreId: meta.originalStoreId }),
  };
}

/**
 * A sale read from the cloud, as the return builder takes it: booked to the customer the cloud
 * knows (a sale by an unknown card created one), so this agent's balance view of that customer
 * counts the return until the cloud has it.
 */
export function saleForReturn(receipt: ReceiptForReturn): Tx {
  const customer: TxCustomer = { ...receipt.sale.customer };
  if (receipt.customerId !== null) customer.id = receipt.customerId;
  return { ...receipt.sale, customer };
}
