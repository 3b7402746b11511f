// A return: its sale (its original store's receipt) must be here first, else `retry`. It gives back
// the points paid on the returned part, takes back the points earned on it (the sale's own lot
// first, even if pending; a shortfall is recorded as debt) and removes its spend from the sale's date.
import type { Points } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import { addDays } from '../time.js';
import type { BatchState } from './batch-state.js';
import type { ApplyOutcome } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { recomputeReturn } from './recompute-return.js';
import type { StoredTx } from './tx-book.js';

export const SALE_NOT_YET_RECEIVED = 'sale not yet received';

export function applyReturn(s: BatchState, tx: Tx): ApplyOutcome {
  const sale = s.txs.saleOf(tx);
  if (!sale) return { status: 'retry', reason: SALE_NOT_YET_RECEIVED };

  const diff = new DiffCollector(tx.programVersion);
  const rules = s.program(sale.programVersion) ?? s.currentProgram;
  const earlier = s.txs.returnsBefore(tx);
  recomputeReturn(tx, sale.body, earlier, diff, rules.pointValue);
  const customerId = sale.customerId;

  if (customerId) {
    const pointsReturned =
      tx.refund?.pointsReturned ??
      Math.floor(tx.lines.reduce((sum, l) => sum + l.redeemed, 0) / rules.pointValue);
    const pointsReversed = bookedReversal(tx, sale, earlier, diff);
    const at = new Date(tx.at);

    if (pointsReturned > 0) {
      s.lots.add({
        customerId,
        kind: 'returned',
        points: pointsReturned,
        availableAt: s.now,
        expiresAt: rules.accrual.expiryDays === null ? null : addDays(s.now, rules.accrual.expiryDays),
        sourceTx: tx.id,
      });
      s.record({
        customerId,
        at,
        kind: 'returned',
        points: pointsReturned,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
    if (pointsReversed > 0) {
      const debt = s.lots.take(customerId, pointsReversed, {
        sourceTx: tx.id,
        preferTx: sale.id,
        includePending: true,
      });
      if (debt > 0) diff.note(`${debt} earned points had already been spent; the balance went negative`);
      s.record({
        customerId,
        at,
        kind: 'reversed',
        points: -pointsReversed,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
    const spend = tx.lines.reduce((sum, l) => sum + l.paid + l.redeemed, 0);
    s.spend.add({ customerId, at: sale.at, amount: -spend, txId: tx.id });
    s.customers.touch(customerId);
  }

  s.txs.record({ tx, agentId: s.agentId, customerId, diff: diff.result() });
  return { status: 'accepted', customerId };
}

/** The points a return takes back as the till computed them. */
function reversedBy(ret: Tx): Points {
  return ret.refund?.pointsReversed ?? ret.lines.reduce((sum, l) => sum + l.accruedPoints, 0);
}

/**
 * What this return takes back. A sale whose enrolment bonus the cloud refused booked less than its
 * lines say; its returns together never take back more than it booked (the last ones absorb it).
 */
function bookedReversal(ret: Tx, sale: StoredTx, earlier: Tx[], diff: DiffCollector): Points {
  const asked = reversedBy(ret);
  if (sale.refusedBonus <= 0) return asked;
  let left = Math.max(0, sale.body.totals.accruedPoints - sale.refusedBonus);
  for (const e of earlier) left -= Math.min(left, reversedBy(e));
  const booked = Math.min(asked, left);
  if (booked < asked) {
    diff.note(`${asked - booked} of the points taken back were the refused enrolment bonus, never booked`);
  }
  return booked;
}
