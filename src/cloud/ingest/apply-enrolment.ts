// An enrolment at the till: the customer exists from now on (created if the cloud does not know the
// card or phone) and receives the enrolment bonus at most once ever. A till whose offline cache did
// not know an existing customer may enrol them again: the Tx is kept on that customer and the
// second bonus is refused — recorded as a difference, never silently dropped. The bonus comes
// either as the enrolment's own `totals.accruedPoints` (a lot available at once) or, as the agent
// sends it, inside its sale's accrual (`bonusPoints`; the sale then leaves a refused bonus out).
import type { Tx } from '../../protocol/sync.js';
import { addDays } from '../time.js';
import type { BatchState } from './batch-state.js';
import type { ApplyOutcome } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { enrolmentBonusOf, REFUSED_BONUS_FIELD } from './tx-book.js';

export function applyEnrolment(s: BatchState, tx: Tx): ApplyOutcome {
  const diff = new DiffCollector(tx.programVersion);
  const program = s.program(tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? s.currentProgram;
  const bonus = enrolmentBonusOf(tx);
  if (program && bonus.own !== 0)
    diff.compare('totals.accruedPoints', bonus.own, program.enrollment.bonusPoints);

  // checkTx guarantees an enrolment names a card, phone or id, so a customer always results.
  const customer = s.customers.resolve(tx.customer, new Date(tx.at))!.customer;
  const id = customer.row.id;
  const asked = bonus.own + bonus.inSale;
  const earlier = customer.row.enrolment_bonus_tx;
  let granted = false;
  if (asked > 0 && earlier !== null) {
    diff.compare(REFUSED_BONUS_FIELD, asked, 0);
    diff.note(`the enrolment bonus was already granted by ${earlier}; not granted again`);
  } else if (asked > 0) {
    granted = true;
    s.customers.setEnrolmentBonusTx(id, tx.id);
    if (bonus.own > 0) {
      const at = new Date(tx.at);
      s.lots.add({
        customerId: id,
        kind: 'bonus',
        points: bonus.own,
        availableAt: at,
        expiresAt: rules.accrual.expiryDays === null ? null : addDays(at, rules.accrual.expiryDays),
        sourceTx: tx.id,
      });
      s.record({
        customerId: id,
        at,
        kind: 'enrolment-bonus',
        points: bonus.own,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
  }
  s.customers.touch(id);
  s.txs.record({ tx, agentId: s.agentId, customerId: id, diff: diff.result() }, granted);
  return { status: 'accepted', customerId: id };
}
