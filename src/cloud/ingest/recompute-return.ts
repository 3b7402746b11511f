// Re-checks a return against its sale: the engine's share of money, points given back and points
// taken back for the returned quantities, given what earlier returns of that receipt took.
import { computeReturn, returnedSoFar } from '../../domain/index.js';
import type { ReturnResult, SoldLine } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import type { DiffCollector } from './recompute-diff.js';

export function recomputeReturn(
  ret: Tx,
  sale: Tx,
  earlierReturns: Tx[],
  diff: DiffCollector,
  pointValue: number,
): ReturnResult | null {
  const sold: SoldLine[] = sale.lines.map((l) => ({
    lineId: l.lineId,
    qty: l.qty,
    paid: l.paid,
    redeemed: l.redeemed,
    accruedPoints: l.accruedPoints,
  }));
  const returned = returnedSoFar(earlierReturns.map((r) => r.lines));
  let result: ReturnResult;
  try {
    result = computeReturn(
      sold,
      returned,
      ret.lines.map((l) => ({ lineId: l.lineId, qty: l.qty })),
      pointValue,
    );
  } catch (err) {
    diff.error = `the return does not fit its sale: ${(err as Error).message}`;
    return null;
  }
  const byId = new Map(result.lines.map((l) => [l.lineId, l]));
  for (const line of ret.lines) {
    const mine = byId.get(line.lineId);
    if (!mine) continue;
    for (const f of ['paid', 'redeemed', 'accruedPoints'] as const) {
      diff.compare(`lines[${line.lineId}].${f}`, line[f], mine[f]);
    }
  }
  if (ret.refund) {
    for (const f of ['amount', 'pointsReturned', 'pointsReversed'] as const) {
      diff.compare(`refund.${f}`, ret.refund[f], result.refund[f]);
    }
  }
  return result;
}
