// The outbox transactions of a confirmed sale (SYNC-API.md): the sale with each line's figures from
// the calculation, and before it the enrolment the sale causes when it enrols a new customer.
import type { Tx } from '../protocol/sync.js';
import type { OpenReceipt } from './ports.js';
import type { ConfirmRequest } from './till-api.js';

/** What the calculation does not say: where the sale happened and the ids it gets. */
export interface SaleMeta {
  storeId: string;
  timezone: string;
  newId: () => string;
}

/** `[sale]`, or `[enrolment, sale]` when the receipt enrols its customer. */
export function saleTxs(open: OpenReceipt, req: ConfirmRequest, meta: SaleMeta): Omit<Tx, 'seq'>[] {
  const r = open.result;
  const customer: Tx['customer'] = {};
  if (open.customer?.id) customer.id = open.customer.id;
  if (open.customer?.card) customer.card = open.customer.card;
  if (open.customer?.phone) customer.phone = open.customer.phone;
  if (open.customer?.tierId) customer.tierId = open.customer.tierId;
  const common = {
    storeId: meta.storeId,
    tillId: open.tillId,
    at: open.at,
    offline: open.offline,
    programVersion: open.programVersion,
    receiptId: open.receiptId,
    customer,
    timezone: meta.timezone,
  };
  const byLine = new Map(r.lines.map((l) => [l.lineId, l]));
  const sale: Omit<Tx, 'seq'> = {
    ...common,
    id: meta.newId(),
    kind: 'sale',
    ...(open.holdId && { holdId: open.holdId }),
    ...(open.coupons.length > 0 && { coupons: r.coupons }),
    lines: open.lines.map((l) => {
      const res = byLine.get(l.lineId)!;
      return {
        ...l,
        amount: res.amount,
        discount: res.discount,
        redeemed: res.redeemed,
        paid: res.paid,
        accruedPoints: res.accruedPoints,
        fiscalPositions: res.fiscalPositions,
      };
    }),
    totals: r.totals,
    ...(req.fiscal && { fiscal: req.fiscal }),
    ...(open.redeem && { redeem: open.redeem }),
    ...(req.payments && { payments: req.payments }),
    applied: r.applied,
    messages: r.messages,
    ...(r.pointsPayment && { pointsPayment: r.pointsPayment }),
    customerView: (open.customerView ?? null) as Record<string, unknown> | null,
  };
  if (!r.enrolled) return [sale];
  const bonus = r.applied.find((a) => a.kind === 'enrollment')?.points ?? 0;
  const enrolment: Omit<Tx, 'seq'> = {
    ...common,
    id: meta.newId(),
    kind: 'enrolment',
    lines: [],
    totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 0 },
    bonusPoints: bonus,
  };
  return [enrolment, sale];
}
