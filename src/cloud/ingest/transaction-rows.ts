// The `transactions` table: one row per applied Tx id (the idempotency key), with its body and what
// the re-check found. Read and written a batch at a time.

import { insertRows } from '../db/bulk.js';
import type { Queryable } from '../db/db.js';
import type { AppliedTx, LoadedTxRow } from './tx-book.js';

/** Which of these ids are already applied, with their customer. */
export async function loadApplied(
  q: Queryable,
  ids: string[],
): Promise<{ id: string; customer_id: string | null }[]> {
  if (ids.length === 0) return [];
  return q.query('SELECT id, customer_id FROM transactions WHERE id = ANY($1::text[])', [ids]);
}

/**
 * In ingest order: the enrolments of `enrolReceipts` (with their customer's enrolment bonus Tx),
 * and the sales and returns of `returnReceipts` — from every store; the caller matches the store.
 */
export async function loadRelated(
  q: Queryable,
  enrolReceipts: string[],
  returnReceipts: string[],
): Promise<LoadedTxRow[]> {
  if (enrolReceipts.length === 0 && returnReceipts.length === 0) return [];
  return q.query<LoadedTxRow>(
    `SELECT t.id, t.kind, t.store_id, t.customer_id, t.at, t.program_version, t.body, t.recompute_diff,
            c.enrolment_bonus_tx AS bonus_tx
     FROM transactions t LEFT JOIN customers c ON t.kind = 'enrolment' AND c.id = t.customer_id
     WHERE (t.kind = 'enrolment' AND t.receipt_id = ANY($1::text[]))
        OR (t.kind IN ('sale', 'return') AND t.receipt_id = ANY($2::text[]))
     ORDER BY t.ingest_no`,
    [enrolReceipts, returnReceipts],
  );
}

/** Inserts the applied transactions in the order given (their ingest_no follows it). */
export async function insertTransactions(q: Queryable, applied: AppliedTx[], now: Date): Promise<void> {
  await insertRows(
    q,
    'transactions',
    [
      { name: 'id', type: 'text' },
      { name: 'agent_id', type: 'text' },
      { name: 'seq', type: 'bigint' },
      { name: 'kind', type: 'text' },
      { name: 'store_id', type: 'text' },
      { name: 'till_id', type: 'text' },
      { name: 'receipt_id', type: 'text' },
      { name: 'return_id', type: 'text' },
      { name: 'customer_id', type: 'text' },
      { name: 'at', type: 'timestamptz' },
      { name: 'offline', type: 'boolean' },
      { name: 'program_version', type: 'text' },
      { name: 'body', type: 'jsonb' },
      { name: 'applied_at', type: 'timestamptz' },
      { name: 'recompute_diff', type: 'jsonb' },
    ],
    applied.map(({ tx, agentId, customerId, diff }) => ({
      id: tx.id,
      agent_id: agentId,
      seq: tx.seq,
      kind: tx.kind,
      store_id: tx.storeId,
      till_id: tx.tillId,
      receipt_id: tx.receiptId,
      return_id: tx.returnId ?? null,
      customer_id: customerId,
      at: new Date(tx.at),
      offline: tx.offline,
      program_version: tx.programVersion,
      body: tx,
      applied_at: now,
      recompute_diff: diff,
    })),
  );
}
