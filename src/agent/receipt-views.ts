// The till API's answers built from what the book holds (POS-API.md): a calculation, a confirmed
// sale read back from the journal, a confirmed return. Pure shapes, no look-ups.
import type { Tx } from '../protocol/sync.js';
import type { OpenReceipt } from './ports.js';
import type { CalculateResponse, CustomerView, ReturnResponse } from './till-api.js';

/** A calculation as the till sees it (also how a cancelled or re-read calculation is shown). */
export function calculationView(
  open: OpenReceipt,
  view: CustomerView | null,
  status: CalculateResponse['status'],
): CalculateResponse {
  const r = open.result;
  return {
    receiptId: open.receiptId,
    status,
    offline: open.offline,
    customer: view,
    lines: r.lines,
    totals: r.totals,
    applied: r.applied,
    coupons: r.coupons,
    messages: r.messages,
    expiresAt: open.expiresAt,
    ...(r.pointsPayment && { pointsPayment: r.pointsPayment }),
  };
}

/** A confirmed sale read back from its journal transaction. */
export function saleView(tx: Tx): CalculateResponse {
  return {
    receiptId: tx.receiptId,
    status: 'confirmed',
    offline: tx.offline,
    customer: (tx.customerView ?? null) as CustomerView | null,
    lines: tx.lines.map((l) => ({
      lineId: l.lineId,
      amount: l.amount,
      discount: l.discount,
      redeemed: l.redeemed,
      paid: l.paid,
      accruedPoints: l.accruedPoints,
      fiscalPositions: l.fiscalPositions ?? [],
    })),
    totals: tx.totals,
    applied: tx.applied ?? [],
    coupons: tx.coupons ?? [],
    messages: tx.messages ?? [],
    expiresAt: tx.at,
    ...(tx.pointsPayment && { pointsPayment: tx.pointsPayment }),
  };
}

/** A confirmed return read back from its journal transaction. */
export function returnView(tx: Tx): ReturnResponse {
  return {
    returnId: tx.returnId!,
    status: 'confirmed',
    refund: tx.refund!,
    lines: tx.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
  };
}
