// Writes what a batch changed, a few multi-row statements in all, in the order the foreign keys
// need (customers before what refers to them). Rows go in the order the batch made them, so serial
// ids (lots, ledger, spend, ingest_no) come out as if the items had been applied one at a time.

import { insertRows, updateRows } from '../db/bulk.js';
import type { Queryable } from '../db/db.js';
import type { BatchState } from './batch-state.js';
import { insertTransactions } from './transaction-rows.js';

export async function writeBatch(q: Queryable, s: BatchState): Promise<void> {
  await assignChangeSeq(q, s);
  await writeCustomers(q, s);
  await writeLots(q, s);
  await insertRows(
    q,
    'points_ledger',
    [
      { name: 'customer_id', type: 'text' },
      { name: 'at', type: 'timestamptz' },
      { name: 'kind', type: 'text' },
      { name: 'points', type: 'integer' },
      { name: 'receipt_id', type: 'text' },
      { name: 'tx_id', type: 'text' },
    ],
    s.ledger.map((e) => ({
      customer_id: e.customerId,
      at: e.at,
      kind: e.kind,
      points: e.points,
      receipt_id: e.receiptId,
      tx_id: e.txId,
    })),
  );
  await insertRows(
    q,
    'spend_entries',
    [
      { name: 'customer_id', type: 'text' },
      { name: 'at', type: 'timestamptz' },
      { name: 'amount', type: 'bigint' },
      { name: 'tx_id', type: 'text' },
    ],
    s.spend
      .addedEntries()
      .map((e) => ({ customer_id: e.customerId, at: e.at, amount: e.amount, tx_id: e.txId })),
  );
  await updateRows(
    q,
    'holds',
    { name: 'hold_id', type: 'text' },
    [
      { name: 'state', type: 'text' },
      { name: 'captured_by_tx', type: 'text' },
    ],
    s.holds.capturedHolds().map((h) => ({ hold_id: h.holdId, state: 'captured', captured_by_tx: h.txId })),
  );
  await updateRows(
    q,
    'coupons',
    { name: 'code', type: 'text' },
    [
      { name: 'used_by_tx', type: 'text' },
      { name: 'used_at', type: 'timestamptz' },
    ],
    s.coupons.spentCoupons().map((c) => ({ code: c.code, used_by_tx: c.txId, used_at: c.at })),
  );
  await insertTransactions(q, s.txs.appliedTxs(), s.now);
  await insertRows(
    q,
    'rejected_transactions',
    [
      { name: 'tx_id', type: 'text' },
      { name: 'agent_id', type: 'text' },
      { name: 'reason', type: 'text' },
      { name: 'body', type: 'jsonb' },
      { name: 'at', type: 'timestamptz' },
    ],
    s.rejected.map((r) => ({
      tx_id: r.txId,
      agent_id: s.agentId,
      reason: r.reason,
      body: r.body ?? null,
      at: s.now,
    })),
  );
}

/**
 * Each touched customer takes a new value of the change feed's sequence, in the order of their last
 * touch (the agents' cursor then sees them in the order the changes happened).
 */
async function assignChangeSeq(q: Queryable, s: BatchState): Promise<void> {
  const touched = s.customers.touchedInOrder();
  if (touched.length === 0) return;
  const rows = await q.query<{ v: number }>(
    `SELECT nextval('customer_change_seq') AS v FROM generate_series(1, $1::integer)`,
    [touched.length],
  );
  const values = rows.map((r) => r.v).sort((a, b) => a - b);
  touched.forEach((c, i) => {
    c.row.change_seq = values[i]!;
  });
}

async function writeCustomers(q: Queryable, s: BatchState): Promise<void> {
  await insertRows(
    q,
    'customers',
    [
      { name: 'id', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'birthday_bonus_year', type: 'integer' },
      { name: 'enrolment_bonus_tx', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
      { name: 'updated_at', type: 'timestamptz' },
      { name: 'change_seq', type: 'bigint' },
    ],
    s.customers.createdCustomers().map(({ row }) => ({
      id: row.id,
      name: row.name,
      phone: row.phone,
      birthday_bonus_year: row.birthday_bonus_year,
      enrolment_bonus_tx: row.enrolment_bonus_tx,
      created_at: row.created_at,
      updated_at: row.updated_at,
      change_seq: row.change_seq,
    })),
  );
  await updateRows(
    q,
    'customers',
    { name: 'id', type: 'text' },
    [
      { name: 'phone', type: 'text' },
      { name: 'birthday_bonus_year', type: 'integer' },
      { name: 'enrolment_bonus_tx', type: 'text' },
      { name: 'updated_at', type: 'timestamptz' },
      { name: 'change_seq', type: 'bigint' },
    ],
    s.customers.changedCustomers().map(({ row }) => ({
      id: row.id,
      phone: row.phone,
      birthday_bonus_year: row.birthday_bonus_year,
      enrolment_bonus_tx: row.enrolment_bonus_tx,
      updated_at: row.updated_at,
      change_seq: row.change_seq,
    })),
  );
  await insertRows(
    q,
    'cards',
    [
      { name: 'card', type: 'text' },
      { name: 'customer_id', type: 'text' },
    ],
    s.customers.linkedCards().map((c) => ({ card: c.card, customer_id: c.customerId })),
    // Another batch may have linked the card meanwhile; the first owner keeps it.
    'ON CONFLICT (card) DO NOTHING',
  );
}

async function writeLots(q: Queryable, s: BatchState): Promise<void> {
  await updateRows(
    q,
    'point_lots',
    { name: 'id', type: 'bigint' },
    [{ name: 'remaining', type: 'integer' }],
    s.lots.changedLots().map((l) => ({ id: l.id, remaining: l.remaining })),
  );
  await insertRows(
    q,
    'point_lots',
    [
      { name: 'customer_id', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'points', type: 'integer' },
      { name: 'remaining', type: 'integer' },
      { name: 'available_at', type: 'timestamptz' },
      { name: 'expires_at', type: 'timestamptz' },
      { name: 'source_tx', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    s.lots.addedLots().map((l) => ({
      customer_id: l.customerId,
      kind: l.kind,
      points: l.points,
      remaining: l.remaining,
      available_at: l.availableAt,
      expires_at: l.expiresAt,
      source_tx: l.sourceTx,
      created_at: l.createdAt,
    })),
  );
}
