// A sale: find or create the customer, capture the hold, spend the redeemed points (soonest to
// expire first), add the earned lot, count the spend for the tier, spend single-use coupons,
// mark the birthday bonus used — and record what the re-check found.
import type { CustomerSnapshot, Program } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { couponStates, spendCoupon } from '../store/coupons.js';
import { touchCustomer } from '../store/customers.js';
import { record } from '../store/ledger.js';
import { addLot, balanceOf, takePoints } from '../store/point-lots.js';
import { addSpend, periodSpend } from '../store/spend.js';
import { addDays, localDate } from '../time.js';
import type { ApplyOutcome, IngestContext } from './ingest-context.js';
import { DiffCollector } from './recompute-diff.js';
import { recomputeSale } from './recompute-sale.js';
import { resolveCustomer } from './resolve-customer.js';
import { enrolmentExists, insertTransaction } from './transaction-rows.js';

export async function applySale(
  q: Queryable,
  tx: Tx,
  agentId: string,
  ctx: IngestContext,
): Promise<ApplyOutcome> {
  const diff = new DiffCollector(tx.programVersion);
  const program = await ctx.programs.byVersion(q, tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? ctx.programs.program;
  const at = new Date(tx.at);
  const year = Number(localDate(at, tx.timezone ?? ctx.timezone).slice(0, 4));

  const resolved = await resolveCustomer(q, tx.customer, ctx.now, new Date(tx.at));
  const customerId = resolved?.row.id ?? null;

  if (program) {
    let snapshot: CustomerSnapshot | null = null;
    if (resolved) {
      const row = resolved.row;
      snapshot = {
        id: row.id,
        periodSpend: await periodSpend(q, row.id, at, rules.tierPeriodDays),
        balance: await balanceOf(q, row.id, ctx.now),
        birthdayBonusUsed: row.birthday_bonus_year === year,
      };
      if (tx.customer.tierId) snapshot.tierId = tx.customer.tierId;
      if (row.birthday) snapshot.birthday = row.birthday;
      if (row.offline_allowance !== null) snapshot.offlineAllowance = row.offline_allowance;
    }
    const coupons = await couponStates(
      q,
      (tx.coupons ?? []).map((c) => c.code),
      at,
      tx.id,
    );
    const result = recomputeSale(
      tx,
      {
        program,
        timezone: ctx.timezone,
        customer: snapshot,
        // A card or phone new to the cloud still accrues under it (MECHANICS "Unknown but valid card");
        // the receipt enrols only when the till sent an enrolment for it.
        enrolling: await enrolmentExists(q, tx.receiptId),
        redeemAllowed: resolved !== null && !resolved.created,
        coupons,
      },
      diff,
    );
    if (customerId && result?.applied.some((a) => a.kind === 'birthday' && (a.points ?? 0) > 0)) {
      await q.query('UPDATE customers SET birthday_bonus_year = $2 WHERE id = $1', [customerId, year]);
    }
  }

  await captureHold(q, tx, ctx.now, diff);
  for (const c of tx.coupons ?? []) {
    if (c.status !== 'applied') continue;
    if (!(await spendCoupon(q, c.code, tx.id, ctx.now))) diff.note(`coupon ${c.code} had already been used`);
  }

  if (customerId) {
    await applyPoints(q, tx, customerId, rules, ctx, diff);
    const spend = tx.lines.reduce((s, l) => s + l.amount - l.discount, 0);
    await addSpend(q, customerId, at, spend, tx.id);
    await touchCustomer(q, customerId, ctx.now);
  } else if (tx.totals.redeemedPoints > 0 || tx.totals.accruedPoints > 0) {
    diff.note('points on a sale without a customer were not booked');
  }

  await insertTransaction(q, tx, agentId, customerId, ctx.now, diff.result());
  return { status: 'accepted', customerId };
}

async function applyPoints(
  q: Queryable,
  tx: Tx,
  customerId: string,
  rules: Program,
  ctx: IngestContext,
  diff: DiffCollector,
): Promise<void> {
  const at = new Date(tx.at);
  const redeemed = tx.totals.redeemedPoints;
  if (redeemed > 0) {
    const debt = await takePoints(q, customerId, redeemed, ctx.now, { sourceTx: tx.id });
    if (debt > 0) diff.note(`${debt} redeemed points exceeded the balance and are owed`);
    await record(q, {
      customerId,
      at,
      kind: 'redeemed',
      points: -redeemed,
      receiptId: tx.receiptId,
      txId: tx.id,
    });
  }
  const earned = tx.totals.accruedPoints;
  if (earned > 0) {
    const availableAt = addDays(at, rules.accrual.pendingDays);
    await addLot(
      q,
      {
        customerId,
        kind: 'earned',
        points: earned,
        availableAt,
        expiresAt: rules.accrual.expiryDays === null ? null : addDays(availableAt, rules.accrual.expiryDays),
        sourceTx: tx.id,
      },
      ctx.now,
    );
    await record(q, { customerId, at, kind: 'earned', points: earned, receiptId: tx.receiptId, txId: tx.id });
  }
}

/** A hold only reserves points for the online check; the sale's own redeemed figure is what is spent. */
async function captureHold(q: Queryable, tx: Tx, now: Date, diff: DiffCollector): Promise<void> {
  if (!tx.holdId) return;
  const rows = await q.query<{ expires_at: Date }>(
    `UPDATE holds SET state = 'captured', captured_by_tx = $2 WHERE hold_id = $1 AND state = 'active'
     RETURNING expires_at`,
    [tx.holdId, tx.id],
  );
  if (!rows[0]) diff.note(`hold ${tx.holdId} was not active (unknown, released or captured)`);
  else if (rows[0].expires_at <= now) diff.note(`hold ${tx.holdId} had expired before the sale arrived`);
}
