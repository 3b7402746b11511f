// A sale: find or create the customer, capture the hold, spend the redeemed points (soonest to
// expire first), add the earned lot, count the spend for the tier, spend single-use coupons,
// mark the birthday bonus used — and record what the re-check found. An enrolment bonus the
// cloud refused (the customer already had one) is left out of the earned points, and shown.
import { tierBySpend } from '../../domain/index.js';
import type { CustomerSnapshot, Points, Program } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import { addDays, localYear } from '../time.js';
import type { BatchState } from './batch-state.js';
import type { ApplyOutcome } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { recomputeSale } from './recompute-sale.js';
import { REFUSED_BONUS_FIELD } from './tx-book.js';

/** The difference shown when the till served another tier than the cloud's spend window gives. */
export const TIER_FIELD = 'customer.tierId';

export function applySale(s: BatchState, tx: Tx): ApplyOutcome {
  const diff = new DiffCollector(tx.programVersion);
  const program = s.program(tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? s.currentProgram;
  const at = new Date(tx.at);
  const year = localYear(at, tx.timezone ?? s.timezone);

  const resolved = s.customers.resolve(tx.customer, at);
  const customerId = resolved?.customer.row.id ?? null;
  const enrolment = s.txs.enrolmentOf(tx);

  if (program) {
    let snapshot: CustomerSnapshot | null = null;
    if (resolved) {
      // The cloud's own view at the receipt's time — never the till's claim: the tier from the spend
      // window that ends at the sale, the balance then, its own birthday record.
      const row = resolved.customer.row;
      const periodSpend = s.spend.periodAt(row.id, at, program.tierPeriodDays);
      snapshot = {
        id: row.id,
        periodSpend,
        balance: s.lots.balance(row.id, at),
        birthdayBonusUsed: row.birthday_bonus_year === year,
      };
      if (tx.customer.tierId !== undefined) {
        diff.compare(TIER_FIELD, tx.customer.tierId, tierBySpend(program, periodSpend).id);
      }
      if (row.birthday) snapshot.birthday = row.birthday;
      if (row.offline_allowance !== null) snapshot.offlineAllowance = row.offline_allowance;
    }
    const result = recomputeSale(
      tx,
      {
        program,
        timezone: s.timezone,
        customer: snapshot,
        // A card or phone new to the cloud still accrues under it (MECHANICS "Unknown but valid card");
        // the receipt enrols only when the till sent an enrolment for it.
        enrolling: enrolment !== undefined,
        redeemAllowed: resolved !== null && !resolved.created,
        coupons: s.coupons.states(
          (tx.coupons ?? []).map((c) => c.code),
          at,
          tx.id,
        ),
      },
      diff,
    );
    if (customerId && result?.applied.some((a) => a.kind === 'birthday' && (a.points ?? 0) > 0)) {
      s.customers.setBirthdayBonusYear(customerId, year);
    }
  }

  if (tx.holdId) s.holds.capture(tx.holdId, tx.id, diff);
  for (const c of tx.coupons ?? []) {
    if (c.status !== 'applied') continue;
    if (!s.coupons.spend(c.code, tx.id)) diff.note(`coupon ${c.code} had already been used`);
  }

  if (customerId) {
    const refused =
      enrolment && !enrolment.granted && enrolment.customerId === customerId ? enrolment.saleBonus : 0;
    if (refused > 0) {
      diff.compare(REFUSED_BONUS_FIELD, refused, 0);
      diff.note(
        `the enrolment bonus of ${refused} points in this sale was not granted: the customer already had it`,
      );
    }
    applyPoints(s, tx, customerId, rules, diff, refused);
    const spend = tx.lines.reduce((sum, l) => sum + l.amount - l.discount, 0);
    s.spend.add({ customerId, at, amount: spend, txId: tx.id });
    s.customers.touch(customerId);
  } else if (tx.totals.redeemedPoints > 0 || tx.totals.accruedPoints > 0) {
    diff.note('points on a sale without a customer were not booked');
  }

  s.txs.record({ tx, agentId: s.agentId, customerId, diff: diff.result() });
  return { status: 'accepted', customerId };
}

function applyPoints(
  s: BatchState,
  tx: Tx,
  customerId: string,
  rules: Program,
  diff: DiffCollector,
  refusedBonus: Points,
): void {
  const at = new Date(tx.at);
  const redeemed = tx.totals.redeemedPoints;
  if (redeemed > 0) {
    const debt = s.lots.take(customerId, redeemed, { sourceTx: tx.id });
    if (debt > 0) diff.note(`${debt} redeemed points exceeded the balance and are owed`);
    s.record({ customerId, at, kind: 'redeemed', points: -redeemed, receiptId: tx.receiptId, txId: tx.id });
  }
  const earned = Math.max(0, tx.totals.accruedPoints - refusedBonus);
  if (earned > 0) {
    const availableAt = addDays(at, rules.accrual.pendingDays);
    s.lots.add({
      customerId,
      kind: 'earned',
      points: earned,
      availableAt,
      expiresAt: rules.accrual.expiryDays === null ? null : addDays(availableAt, rules.accrual.expiryDays),
      sourceTx: tx.id,
    });
    s.record({ customerId, at, kind: 'earned', points: earned, receiptId: tx.receiptId, txId: tx.id });
  }
}
