// Builds Tx bodies the way a till would: the engine computes the lines, the Tx carries inputs and
// results. Tests then tamper with a copy when they need a disagreement.
import { calculate, computeReturn, parseProgram } from '../../src/domain/index.js';
import type {
  CouponState,
  CustomerSnapshot,
  ReceiptLineInput,
  RedeemRequest,
  ReturnedSoFar,
  ReturnLineRequest,
} from '../../src/domain/types.js';
import type { Tx, TxCustomer } from '../../src/protocol/sync.js';
import { AGENT_1 } from './harness.js';

let counter = 0;
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export function line(
  sku: string,
  price: number,
  qty = 1,
  extra: Partial<ReceiptLineInput> = {},
): ReceiptLineInput {
  return { lineId: `L${++counter}`, sku, name: `Товар ${sku}`, price, qty, ...extra };
}

export interface SaleSpec {
  program: Record<string, unknown>;
  seq: number;
  at: string;
  customer: TxCustomer;
  /** What the till knew of the customer; null = anonymous. */
  snapshot: CustomerSnapshot | null;
  /** False for a card or phone the till does not know (accrue only). */
  redeemAllowed?: boolean;
  lines: ReceiptLineInput[];
  redeem?: RedeemRequest;
  coupons?: CouponState[];
  holdId?: string;
  storeId?: string;
  offline?: boolean;
  enrolling?: boolean;
}

/** A card or phone the till does not know: accrues at the base tier, pays no points. */
export const UNKNOWN: CustomerSnapshot = { periodSpend: 0, balance: { available: 0, pending: 0 } };

export function makeSale(s: SaleSpec): Tx {
  const program = parseProgram(s.program);
  const input: Parameters<typeof calculate>[0] = {
    program,
    lines: s.lines,
    at: s.at,
    timezone: 'Europe/Moscow',
    customer: s.snapshot,
    offline: s.offline ?? false,
    redeemAllowed: s.redeemAllowed ?? s.snapshot !== null,
  };
  if (s.redeem) input.redeem = s.redeem;
  if (s.coupons) input.coupons = s.coupons;
  if (s.enrolling) input.enrolling = true;
  const result = calculate(input);
  const byId = new Map(result.lines.map((l) => [l.lineId, l]));
  const tx: Tx = {
    id: uid('tx'),
    seq: s.seq,
    kind: 'sale',
    storeId: s.storeId ?? AGENT_1.storeId,
    tillId: 'till-1',
    at: s.at,
    offline: s.offline ?? false,
    programVersion: program.version,
    receiptId: uid('r'),
    customer: s.customer,
    lines: s.lines.map((l) => {
      const r = byId.get(l.lineId)!;
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
  };
  if (s.redeem) tx.redeem = s.redeem;
  if (s.holdId) tx.holdId = s.holdId;
  if (result.coupons.length > 0) tx.coupons = result.coupons;
  return tx;
}

export function makeReturn(
  sale: Tx,
  seq: number,
  request?: ReturnLineRequest[],
  returned: Record<string, ReturnedSoFar> = {},
): Tx {
  const res = computeReturn(
    sale.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
    returned,
    request,
  );
  const soldById = new Map(sale.lines.map((l) => [l.lineId, l]));
  return {
    ...sale,
    id: uid('ret'),
    seq,
    kind: 'return',
    returnId: uid('rid'),
    holdId: undefined,
    redeem: undefined,
    coupons: undefined,
    lines: res.lines.map((r) => {
      const sold = soldById.get(r.lineId)!;
      return {
        ...sold,
        qty: r.qty,
        paid: r.paid,
        redeemed: r.redeemed,
        accruedPoints: r.accruedPoints,
        amount: 0,
        discount: 0,
      };
    }),
    totals: {
      amount: 0,
      discount: 0,
      redeemedPoints: res.refund.pointsReturned,
      redeemedAmount: res.lines.reduce((s, l) => s + l.redeemed, 0),
      toPay: res.refund.amount,
      accruedPoints: res.refund.pointsReversed,
    },
    refund: res.refund,
  };
}
