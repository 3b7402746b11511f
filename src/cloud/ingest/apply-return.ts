// A return: its sale must be here first (else `retry`). It gives back the points paid on the
// returned part, takes back the points earned on it (the sale's own lot first, even if pending;
// a shortfall is recorded as debt) and removes its spend from the sale's date.
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { touchCustomer } from '../store/customers.js';
import { record } from '../store/ledger.js';
import { addLot, takePoints } from '../store/point-lots.js';
import { addSpend } from '../store/spend.js';
import { addDays } from '../time.js';
import type { ApplyOutcome, IngestContext } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { recomputeReturn } from './recompute-return.js';
import { findSale, insertTransaction, returnsOf } from './transaction-rows.js';

export const SALE_NOT_YET_RECEIVED = 'sale not yet received';

export async function applyReturn(
  q: Queryable,
  tx: Tx,
  agentId: string,
  ctx: IngestContext,
): Promise<ApplyOutcome> {
  const sale = await findSale(q, tx.receiptId);
  if (!sale) return { status: 'retry', reason: SALE_NOT_YET_RECEIVED };

  const diff = new DiffCollector(tx.programVersion);
  const earlier = await returnsOf(q, tx.receiptId);
  const rules = (await ctx.programs.byVersion(q, sale.programVersion)) ?? ctx.programs.program;
  recomputeReturn(
    tx,
    sale.body,
    earlier.map((r) => r.body),
    diff,
    rules.pointValue,
  );
  const customerId = sale.customerId;

  if (customerId) {
    await q.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
    const pointsReturned =
      tx.refund?.pointsReturned ??
      Math.floor(tx.lines.reduce((s, l) => s + l.redeemed, 0) / rules.pointValue);
    const pointsReversed = tx.refund?.pointsReversed ?? tx.lines.reduce((s, l) => s + l.accruedPoints, 0);
    const at = new Date(tx.at);

    if (pointsReturned > 0) {
      await addLot(
        q,
        {
          customerId,
          kind: 'returned',
          points: pointsReturned,
          availableAt: ctx.now,
          expiresAt: rules.accrual.expiryDays === null ? null : addDays(ctx.now, rules.accrual.expiryDays),
          sourceTx: tx.id,
        },
        ctx.now,
      );
      await record(q, {
        customerId,
        at,
        kind: 'returned',
        points: pointsReturned,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
    if (pointsReversed > 0) {
      const debt = await takePoints(q, customerId, pointsReversed, ctx.now, {
        sourceTx: tx.id,
        preferTx: sale.id,
        includePending: true,
      });
      if (debt > 0) diff.note(`${debt} earned points had already been spent; the balance went negative`);
      await record(q, {
        customerId,
        at,
        kind: 'reversed',
        points: -pointsReversed,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
    const spend = tx.lines.reduce((s, l) => s + l.paid + l.redeemed, 0);
    await addSpend(q, customerId, sale.at, -spend, tx.id);
    await touchCustomer(q, customerId, ctx.now);
  }

  await insertTransaction(q, tx, agentId, customerId, ctx.now, diff.result());
  return { status: 'accepted', customerId };
}
