// The reference for the batch ingest: the earlier per-item implementation, a few queries per move,
// one item at a time straight against the database — with the same rules the batch ingest follows
// (a return's sale matched by store and receipt, the enrolment bonus once per customer ever, a
// return's own sale lot taken first). The comparison test feeds both the same batches and expects
// the same database. Test-only: it is slow on purpose and must stay simple.

import type { Db, Queryable } from '../../../src/cloud/db/db.js';
import { SALE_NOT_YET_RECEIVED } from '../../../src/cloud/ingest/apply-return.js';
import type { IngestContext } from '../../../src/cloud/ingest/ingest-context.js';
import { DiffCollector, type RecomputeDiff } from '../../../src/cloud/ingest/recompute-diff.js';
import { recomputeReturn } from '../../../src/cloud/ingest/recompute-return.js';
import { recomputeSale } from '../../../src/cloud/ingest/recompute-sale.js';
import { checkTx } from '../../../src/cloud/ingest/tx-schema.js';
import { couponStates } from '../../../src/cloud/store/coupons.js';
import {
  attachCard,
  type CustomerRow,
  createCustomer,
  findCustomer,
  touchCustomer,
} from '../../../src/cloud/store/customers.js';
import { record } from '../../../src/cloud/store/ledger.js';
import { addLot, balanceOf } from '../../../src/cloud/store/point-lots.js';
import { addSpend } from '../../../src/cloud/store/spend.js';
import { addDays, localDate } from '../../../src/cloud/time.js';
import { tierBySpend } from '../../../src/domain/index.js';
import type { CustomerSnapshot, Points, Program } from '../../../src/domain/types.js';
import type { Tx, TxResult } from '../../../src/protocol/sync.js';

type Outcome = { status: 'accepted'; customerId: string | null } | { status: 'retry'; reason: string };

export async function ingestOneByOne(
  db: Db,
  agent: { agentId: string; storeId: string },
  batch: unknown[],
  ctx: IngestContext,
): Promise<TxResult[]> {
  return db.transaction(async (q) => {
    await q.query('SELECT agent_id FROM agents WHERE agent_id = $1 FOR UPDATE', [agent.agentId]);
    const checked = batch.map((raw) => ({ raw, check: checkTx(raw) }));
    const order = checked
      .map((c, i) => ({ i, seq: c.check.ok ? c.check.tx.seq : Number.NEGATIVE_INFINITY }))
      .sort((a, b) => a.seq - b.seq || a.i - b.i)
      .map((o) => o.i);
    const results: TxResult[] = new Array(batch.length);
    let maxSeq = 0;
    for (const i of order) {
      const { raw, check } = checked[i]!;
      if (!check.ok) {
        results[i] = await reject(q, agent.agentId, raw, idOf(raw), check.reason, ctx.now);
        continue;
      }
      results[i] = await ingestOne(q, agent, check.tx, ctx);
      if (results[i]!.status === 'accepted') maxSeq = Math.max(maxSeq, check.tx.seq);
    }
    await q.query('UPDATE agents SET last_seq = GREATEST(last_seq, $2) WHERE agent_id = $1', [
      agent.agentId,
      maxSeq,
    ]);
    return results;
  });
}

async function ingestOne(
  q: Queryable,
  agent: { agentId: string; storeId: string },
  tx: Tx,
  ctx: IngestContext,
): Promise<TxResult> {
  if (tx.storeId !== agent.storeId) {
    const reason = `storeId: ${tx.storeId} is not this agent's store (${agent.storeId})`;
    return reject(q, agent.agentId, tx, tx.id, reason, ctx.now);
  }
  const existing = await q.query<{ customer_id: string | null }>(
    'SELECT customer_id FROM transactions WHERE id = $1',
    [tx.id],
  );
  if (existing[0])
    return withBalance(q, { id: tx.id, status: 'duplicate' }, existing[0].customer_id, ctx.now);
  let outcome: Outcome;
  if (tx.kind === 'sale') outcome = await applySale(q, tx, agent.agentId, ctx);
  else if (tx.kind === 'return') outcome = await applyReturn(q, tx, agent.agentId, ctx);
  else outcome = await applyEnrolment(q, tx, agent.agentId, ctx);
  if (outcome.status === 'retry') return { id: tx.id, status: 'retry', reason: outcome.reason };
  return withBalance(q, { id: tx.id, status: 'accepted' }, outcome.customerId, ctx.now);
}

async function withBalance(
  q: Queryable,
  r: TxResult,
  customerId: string | null,
  now: Date,
): Promise<TxResult> {
  if (customerId) r.customer = { id: customerId, balance: await balanceOf(q, customerId, now) };
  return r;
}

async function reject(
  q: Queryable,
  agentId: string,
  raw: unknown,
  id: string,
  reason: string,
  now: Date,
): Promise<TxResult> {
  await q.query(
    'INSERT INTO rejected_transactions (tx_id, agent_id, reason, body, at) VALUES ($1, $2, $3, $4::text::jsonb, $5)',
    [id, agentId, reason, JSON.stringify(raw ?? null), now],
  );
  return { id, status: 'rejected', reason };
}

function idOf(raw: unknown): string {
  if (raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '';
}

// ---- customers

async function resolveCustomer(
  q: Queryable,
  who: Tx['customer'],
  now: Date,
  memberSince: Date,
): Promise<{ row: CustomerRow; created: boolean } | null> {
  if (!who.id && !who.card && !who.phone) return null;
  const found = await findCustomer(q, who, true);
  if (found) {
    if (who.card) await attachCard(q, found.id, who.card);
    if (who.phone && !found.phone && !(await findCustomer(q, { phone: who.phone }))) {
      await q.query('UPDATE customers SET phone = $2 WHERE id = $1', [found.id, who.phone]);
    }
    return { row: found, created: false };
  }
  const data: Parameters<typeof createCustomer>[1] = { cards: who.card ? [who.card] : [] };
  if (who.id) data.id = who.id;
  if (who.phone) data.phone = who.phone;
  return { row: await createCustomer(q, data, now, memberSince), created: true };
}

// ---- points

async function takePoints(
  q: Queryable,
  customerId: string,
  points: Points,
  now: Date,
  opts: { sourceTx: string | null; preferTx?: string; includePending?: boolean },
): Promise<Points> {
  if (points <= 0) return 0;
  let left = points;
  const lots = await q.query<{ id: number; remaining: number }>(
    `SELECT id, remaining FROM point_lots
     WHERE customer_id = $1 AND remaining > 0 AND (expires_at IS NULL OR expires_at > $2)
       AND (available_at <= $2 OR source_tx = $3::text OR $4::boolean)
     ORDER BY COALESCE(source_tx = $3::text, false) DESC, (available_at > $2), expires_at ASC NULLS LAST, id
     FOR UPDATE`,
    [customerId, now, opts.preferTx ?? null, opts.includePending ?? false],
  );
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    await q.query('UPDATE point_lots SET remaining = remaining - $2 WHERE id = $1', [lot.id, take]);
    left -= take;
  }
  if (left > 0) {
    await q.query(
      `INSERT INTO point_lots (customer_id, kind, points, remaining, available_at, expires_at, source_tx, created_at)
       VALUES ($1, 'debt', $2, $2, $3, NULL, $4, $3)`,
      [customerId, -left, now, opts.sourceTx],
    );
  }
  return left;
}

// ---- transactions

async function insertTransaction(
  q: Queryable,
  tx: Tx,
  agentId: string,
  customerId: string | null,
  now: Date,
  diff: DiffCollector,
): Promise<void> {
  const result = diff.result();
  await q.query(
    `INSERT INTO transactions (id, agent_id, seq, kind, store_id, till_id, receipt_id, return_id, customer_id, at,
       offline, program_version, body, applied_at, recompute_diff)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text::jsonb, $14, $15::text::jsonb)`,
    [
      tx.id,
      agentId,
      tx.seq,
      tx.kind,
      tx.storeId,
      tx.tillId,
      tx.receiptId,
      tx.returnId ?? null,
      customerId,
      new Date(tx.at),
      tx.offline,
      tx.programVersion,
      JSON.stringify(tx),
      now,
      result === null ? null : JSON.stringify(result),
    ],
  );
}

interface Enrolment {
  id: string;
  customerId: string | null;
  inSale: Points;
  granted: boolean;
}

async function enrolmentOf(q: Queryable, storeId: string, receiptId: string): Promise<Enrolment | null> {
  const rows = await q.query<{ id: string; customer_id: string | null; body: Tx; bonus_tx: string | null }>(
    `SELECT t.id, t.customer_id, t.body, c.enrolment_bonus_tx AS bonus_tx
     FROM transactions t LEFT JOIN customers c ON c.id = t.customer_id
     WHERE t.store_id = $1 AND t.receipt_id = $2 AND t.kind = 'enrolment' ORDER BY t.ingest_no LIMIT 1`,
    [storeId, receiptId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    customerId: r.customer_id,
    inSale: bonusOf(r.body).inSale,
    granted: r.bonus_tx === r.id,
  };
}

function bonusOf(tx: Tx): { own: Points; inSale: Points } {
  const own = tx.totals.accruedPoints;
  return { own, inSale: own === 0 ? (tx.bonusPoints ?? 0) : 0 };
}

// ---- sale

async function applySale(q: Queryable, tx: Tx, agentId: string, ctx: IngestContext): Promise<Outcome> {
  const diff = new DiffCollector(tx.programVersion);
  const program = await ctx.programs.byVersion(q, tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? ctx.programs.program;
  const at = new Date(tx.at);
  const year = Number(localDate(at, tx.timezone ?? ctx.timezone).slice(0, 4));
  const resolved = await resolveCustomer(q, tx.customer, ctx.now, at);
  const customerId = resolved?.row.id ?? null;
  const enrolment = await enrolmentOf(q, tx.storeId, tx.receiptId);

  if (program) {
    let snapshot: CustomerSnapshot | null = null;
    if (resolved) {
      const row = resolved.row;
      // The cloud's own view at the sale: spend in the window ending at it, the balance then.
      const spent = await q.query<{ total: number | null }>(
        'SELECT SUM(amount) AS total FROM spend_entries WHERE customer_id = $1 AND at > $2 AND at <= $3',
        [row.id, addDays(at, -program.tierPeriodDays), at],
      );
      const period = Math.max(0, spent[0]?.total ?? 0);
      snapshot = {
        id: row.id,
        periodSpend: period,
        balance: await balanceOf(q, row.id, at),
        birthdayBonusUsed: row.birthday_bonus_year === year,
      };
      if (tx.customer.tierId !== undefined) {
        diff.compare('customer.tierId', tx.customer.tierId, tierBySpend(program, period).id);
      }
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
        enrolling: enrolment !== null,
        redeemAllowed: resolved !== null && !resolved.created,
        coupons,
      },
      diff,
    );
    if (customerId && result?.applied.some((a) => a.kind === 'birthday' && (a.points ?? 0) > 0)) {
      await q.query('UPDATE customers SET birthday_bonus_year = $2 WHERE id = $1', [customerId, year]);
    }
  }

  if (tx.holdId) {
    const rows = await q.query<{ expires_at: Date }>(
      `UPDATE holds SET state = 'captured', captured_by_tx = $2 WHERE hold_id = $1 AND state = 'active'
       RETURNING expires_at`,
      [tx.holdId, tx.id],
    );
    if (!rows[0]) diff.note(`hold ${tx.holdId} was not active (unknown, released or captured)`);
    else if (rows[0].expires_at <= ctx.now)
      diff.note(`hold ${tx.holdId} had expired before the sale arrived`);
  }
  for (const c of tx.coupons ?? []) {
    if (c.status !== 'applied') continue;
    if (!(await spendCoupon(q, c.code, tx.id, ctx.now))) diff.note(`coupon ${c.code} had already been used`);
  }

  if (customerId) {
    const refused =
      enrolment && !enrolment.granted && enrolment.customerId === customerId ? enrolment.inSale : 0;
    if (refused > 0) {
      diff.compare('enrolmentBonus', refused, 0);
      diff.note(
        `the enrolment bonus of ${refused} points in this sale was not granted: the customer already had it`,
      );
    }
    await applyPoints(q, tx, customerId, rules, ctx, diff, refused);
    const spend = tx.lines.reduce((s, l) => s + l.amount - l.discount, 0);
    await addSpend(q, customerId, at, spend, tx.id);
    await touchCustomer(q, customerId, ctx.now);
  } else if (tx.totals.redeemedPoints > 0 || tx.totals.accruedPoints > 0) {
    diff.note('points on a sale without a customer were not booked');
  }
  await insertTransaction(q, tx, agentId, customerId, ctx.now, diff);
  return { status: 'accepted', customerId };
}

async function spendCoupon(q: Queryable, code: string, txId: string, now: Date): Promise<boolean> {
  const key = code.trim().toUpperCase();
  const rows = await q.query<{ single_use: boolean; used_by_tx: string | null }>(
    'SELECT single_use, used_by_tx FROM coupons WHERE code = $1 FOR UPDATE',
    [key],
  );
  const row = rows[0];
  if (!row?.single_use) return true;
  if (row.used_by_tx !== null) return row.used_by_tx === txId;
  await q.query('UPDATE coupons SET used_by_tx = $2, used_at = $3 WHERE code = $1', [key, txId, now]);
  return true;
}

async function applyPoints(
  q: Queryable,
  tx: Tx,
  customerId: string,
  rules: Program,
  ctx: IngestContext,
  diff: DiffCollector,
  refused: Points,
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
  const earned = Math.max(0, tx.totals.accruedPoints - refused);
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

// ---- return

async function applyReturn(q: Queryable, tx: Tx, agentId: string, ctx: IngestContext): Promise<Outcome> {
  const store = tx.originalStoreId || tx.storeId;
  const sales = await q.query<{
    id: string;
    customer_id: string | null;
    at: Date;
    program_version: string;
    body: Tx;
    recompute_diff: RecomputeDiff | null;
  }>(
    `SELECT id, customer_id, at, program_version, body, recompute_diff FROM transactions
     WHERE store_id = $1 AND receipt_id = $2 AND kind = 'sale' ORDER BY ingest_no LIMIT 1`,
    [store, tx.receiptId],
  );
  const sale = sales[0];
  if (!sale) return { status: 'retry', reason: SALE_NOT_YET_RECEIVED };
  const earlier = (
    await q.query<{ store_id: string; body: Tx }>(
      `SELECT store_id, body FROM transactions WHERE receipt_id = $1 AND kind = 'return' ORDER BY ingest_no`,
      [tx.receiptId],
    )
  ).filter((r) => (r.body.originalStoreId || r.store_id) === store);

  const diff = new DiffCollector(tx.programVersion);
  const rules = (await ctx.programs.byVersion(q, sale.program_version)) ?? ctx.programs.program;
  recomputeReturn(
    tx,
    sale.body,
    earlier.map((r) => r.body),
    diff,
    rules.pointValue,
  );
  const customerId = sale.customer_id;
  if (customerId) {
    await q.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
    const pointsReturned =
      tx.refund?.pointsReturned ??
      Math.floor(tx.lines.reduce((s, l) => s + l.redeemed, 0) / rules.pointValue);
    const asked = tx.refund?.pointsReversed ?? tx.lines.reduce((s, l) => s + l.accruedPoints, 0);
    // A refused enrolment bonus was never booked: the sale's returns never take back more than it booked.
    const refused =
      (sale.recompute_diff?.differences.find((d) => d.field === 'enrolmentBonus')?.agent as
        | number
        | undefined) ?? 0;
    let pointsReversed = asked;
    if (refused > 0) {
      let left = Math.max(0, sale.body.totals.accruedPoints - refused);
      for (const e of earlier) {
        left -= Math.min(
          left,
          e.body.refund?.pointsReversed ?? e.body.lines.reduce((s, l) => s + l.accruedPoints, 0),
        );
      }
      pointsReversed = Math.min(asked, left);
      if (pointsReversed < asked) {
        diff.note(
          `${asked - pointsReversed} of the points taken back were the refused enrolment bonus, never booked`,
        );
      }
    }
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
  await insertTransaction(q, tx, agentId, customerId, ctx.now, diff);
  return { status: 'accepted', customerId };
}

// ---- enrolment

async function applyEnrolment(q: Queryable, tx: Tx, agentId: string, ctx: IngestContext): Promise<Outcome> {
  const diff = new DiffCollector(tx.programVersion);
  const program = await ctx.programs.byVersion(q, tx.programVersion);
  if (!program) diff.error = `program version ${tx.programVersion} is unknown to the cloud`;
  const rules = program ?? ctx.programs.program;
  const bonus = bonusOf(tx);
  if (program && bonus.own !== 0)
    diff.compare('totals.accruedPoints', bonus.own, program.enrollment.bonusPoints);
  const customer = (await resolveCustomer(q, tx.customer, ctx.now, new Date(tx.at)))!.row;
  const asked = bonus.own + bonus.inSale;
  const fresh = await q.query<{ enrolment_bonus_tx: string | null }>(
    'SELECT enrolment_bonus_tx FROM customers WHERE id = $1',
    [customer.id],
  );
  const earlier = fresh[0]!.enrolment_bonus_tx;
  if (asked > 0 && earlier !== null) {
    diff.compare('enrolmentBonus', asked, 0);
    diff.note(`the enrolment bonus was already granted by ${earlier}; not granted again`);
  } else if (asked > 0) {
    await q.query('UPDATE customers SET enrolment_bonus_tx = $2 WHERE id = $1', [customer.id, tx.id]);
    if (bonus.own > 0) {
      const at = new Date(tx.at);
      await addLot(
        q,
        {
          customerId: customer.id,
          kind: 'bonus',
          points: bonus.own,
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
        points: bonus.own,
        receiptId: tx.receiptId,
        txId: tx.id,
      });
    }
  }
  await touchCustomer(q, customer.id, ctx.now);
  await insertTransaction(q, tx, agentId, customer.id, ctx.now, diff);
  return { status: 'accepted', customerId: customer.id };
}
