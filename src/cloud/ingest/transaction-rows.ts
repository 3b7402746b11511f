// The `transactions` table: one row per applied Tx id (the idempotency key), with its body and
// what the re-check found.
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import type { RecomputeDiff } from './recompute-diff.js';

export interface StoredTx {
  id: string;
  customerId: string | null;
  at: Date;
  programVersion: string;
  body: Tx;
}

export async function insertTransaction(
  q: Queryable,
  tx: Tx,
  agentId: string,
  customerId: string | null,
  now: Date,
  diff: RecomputeDiff | null,
): Promise<void> {
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
      diff === null ? null : JSON.stringify(diff),
    ],
  );
}

export async function findTransaction(
  q: Queryable,
  id: string,
): Promise<{ customerId: string | null } | null> {
  const rows = await q.query<{ customer_id: string | null }>(
    'SELECT customer_id FROM transactions WHERE id = $1',
    [id],
  );
  return rows[0] ? { customerId: rows[0].customer_id } : null;
}

/** The sale of a receipt (first one, should a till ever send two). */
export async function findSale(q: Queryable, receiptId: string): Promise<StoredTx | null> {
  const rows = await q.query<RowShape>(
    `SELECT id, customer_id, at, program_version, body FROM transactions
     WHERE receipt_id = $1 AND kind = 'sale' ORDER BY ingest_no LIMIT 1`,
    [receiptId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function returnsOf(q: Queryable, receiptId: string): Promise<StoredTx[]> {
  const rows = await q.query<RowShape>(
    `SELECT id, customer_id, at, program_version, body FROM transactions
     WHERE receipt_id = $1 AND kind = 'return' ORDER BY ingest_no`,
    [receiptId],
  );
  return rows.map(fromRow);
}

export async function enrolmentExists(q: Queryable, receiptId: string): Promise<boolean> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM transactions WHERE receipt_id = $1 AND kind = 'enrolment' LIMIT 1`,
    [receiptId],
  );
  return rows.length > 0;
}

interface RowShape {
  id: string;
  customer_id: string | null;
  at: Date;
  program_version: string;
  body: Tx;
}

function fromRow(r: RowShape): StoredTx {
  return { id: r.id, customerId: r.customer_id, at: r.at, programVersion: r.program_version, body: r.body };
}
