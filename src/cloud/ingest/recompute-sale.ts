// Re-runs the agent's engine on a sale's own inputs with the program version it names, and
// compares every per-line and total figure with what the agent reported.
import { calculate } from '../../domain/index.js';
import type {
  CalculationInput,
  CalculationResult,
  CouponState,
  CustomerSnapshot,
  Program,
  RedeemRequest,
} from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import type { DiffCollector } from './recompute-diff.js';

export interface SaleContext {
  program: Program;
  timezone: string;
  /** The customer as the cloud knew them just before this sale; null for an anonymous sale. */
  customer: CustomerSnapshot | null;
  /** An enrolment Tx for this receipt exists. */
  enrolling: boolean;
  /** Customer unknown before this sale: no points could be paid. */
  redeemAllowed: boolean;
  coupons: CouponState[];
}

export function recomputeSale(tx: Tx, ctx: SaleContext, diff: DiffCollector): CalculationResult | null {
  const input: CalculationInput = {
    program: ctx.program,
    lines: tx.lines.map((l) => {
      const line: CalculationInput['lines'][number] = {
        lineId: l.lineId,
        sku: l.sku,
        name: l.name,
        price: l.price,
        qty: l.qty,
      };
      if (l.category !== undefined) line.category = l.category;
      if (l.tags !== undefined) line.tags = l.tags;
      if (l.minPrice !== undefined) line.minPrice = l.minPrice;
      return line;
    }),
    at: tx.at,
    timezone: tx.timezone ?? ctx.timezone,
    customer: ctx.customer,
    coupons: ctx.coupons,
    offline: tx.offline,
    // The cloud cannot know the till's offline count; the redeemed points are checked against the balance.
    offlineRedeemedSinceSync: 0,
    redeemAllowed: ctx.redeemAllowed,
    enrolling: ctx.enrolling,
  };
  const redeem = redeemRequestOf(tx);
  if (redeem) input.redeem = redeem;
  let result: CalculationResult;
  try {
    result = calculate(input);
  } catch (err) {
    diff.error = `the engine refused the receipt: ${(err as Error).message}`;
    return null;
  }
  const byId = new Map(result.lines.map((l) => [l.lineId, l]));
  for (const line of tx.lines) {
    const mine = byId.get(line.lineId);
    if (!mine) {
      diff.compare(`lines[${line.lineId}]`, 'present', 'absent');
      continue;
    }
    for (const f of ['amount', 'discount', 'redeemed', 'paid', 'accruedPoints'] as const) {
      diff.compare(`lines[${line.lineId}].${f}`, line[f], mine[f]);
    }
  }
  for (const f of [
    'amount',
    'discount',
    'redeemedPoints',
    'redeemedAmount',
    'toPay',
    'accruedPoints',
  ] as const) {
    diff.compare(`totals.${f}`, tx.totals[f], result.totals[f]);
  }
  return result;
}

/** The till's request when it sent one; else exactly the points it reports as redeemed. */
function redeemRequestOf(tx: Tx): RedeemRequest | undefined {
  if (tx.redeem) return tx.redeem;
  if (tx.totals.redeemedPoints > 0) return { points: tx.totals.redeemedPoints };
  return undefined;
}
