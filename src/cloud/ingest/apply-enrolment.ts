// An enrolment at the till: the customer exists from now on (created if the cloud does not know the
// card or phone) and receives the enrolment bonus once, available at once ("usable from the next
// purchase"). The bonus is the Tx's own `totals.accruedPoints`: 0 when the till already counted it
// in the sale's accrual, else the program's `enrollment.bonusPoints` — anything else is a difference.
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { touchCustomer } from '../store/customers.js';
import { record } from '../store/ledger.js';
import { addLot } from '../store/point-lots.js';
import { addDays } from '../time.js';
import type { ApplyOutcome, IngestContext } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { resolveCustomer } from './resolve-customer.js';
import { insertTransaction } from './transaction-rows.js';

export async function applyEnrolment(
  q: Queryable,
  tx: Tx,
  agentId: string,
  ctx: IngestContext,
): Promise<ApplyOutcome> {
  const diff = new DiffCollector(tx.programVersion);
  const program = await ctx.programs.byVersion(q, tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? ctx.programs.program;
  const bonus = tx.totals.accruedPoints;
  if (program && bonus !== 0) diff.compare('totals.accruedPoints', bonus, program.enrollment.bonusPoints);

  // checkTx guarantees an enrolment names a card, phone or id, so a customer always results.
  const resolved = (await resolveCustomer(q, tx.customer, ctx.now, new Date(tx.at)))!;
  const customer = resolved.row;
  if (bonus > 0 && customer.enrolment_bonus_tx !== null) {
    diff.note(`the enrolment bonus was already granted by ${customer.enrolment_bonus_tx}; not granted again`);
  } else if (bonus > 0) {
    const at = new Date(tx.at);
    await addLot(
      q,
      {
        customerId: customer.id,
        kind: 'bonus',
        points: bonus,
        availableAt: at,
        expiresAt: rules.accrual.expiryDays === null ? null : addDays(at, rules.accrual.expiryDays),
        sourceTx: tx.id,
      },
      ctx.now,
    );
    await record(q, {
      customerId: customer.id,
      at,
      kind: 'enrolment-bonus',
      points: bonus,
      receiptId: tx.receiptId,
      txId: tx.id,
    });
    await q.query('UPDATE customers SET enrolment_bonus_tx = $2 WHERE id = $1', [customer.id, tx.id]);
  }
  await touchCustomer(q, customer.id, ctx.now);
  await insertTransaction(q, tx, agentId, customer.id, ctx.now, diff.result());
  return { status: 'accepted', customerId: customer.id };
}
