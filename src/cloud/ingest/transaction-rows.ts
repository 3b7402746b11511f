// The `transactions` table: one row per applied Tx id (the idempotency key), with its body and what
// the re-check found. Read and written a batch at a time.

import { insertRows, type Table } from '../db/bulk.js';
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

/** An applied Tx with the time the cloud applied it: one `transactions` row. */
export interface AppliedTxRecord extends AppliedTx {
  appliedAt: Date;
}

export const TRANSACTIONS = {
  name: 'transactions',
  columns: {
    id: { type: 'text', of: (a) => a.tx.id },
    agent_id: { type: 'text', of: (a) => a.agentId },
    seq: { type: 'bigint', of: (a) => a.tx.seq },
    kind: { type: 'text', of: (a) => a.tx.kind },
    store_id: { type: 'text', of: (a) => a.tx.storeId },
    till_id: { type: 'text', of: (a) => a.tx.tillId },
    receipt_id: { type: 'text', of: (a) => a.tx.receiptId },
    return_id: { type: 'text', of: (a) => a.tx.returnId ?? null },
    customer_id: { type: 'text', of: (a) => a.customerId },
    at: { type: 'timestamptz', of: (a) => new Date(a.tx.at) },
    offline: { type: 'boolean', of: (a) => a.tx.offline },
    program_version: { type: 'text', of: (a) => a.tx.programVersion },
    body: { type: 'jsonb', of: (a) => a.tx },
    applied_at: { type: 'timestamptz', of: (a) => a.appliedAt },
    recompute_diff: { type: 'jsonb', of: (a) => a.diff },
  },
} satisfies Table<AppliedTxRecord>;

/** Inserts the applied transactions in the order given (their ingest_no follows it). */
export async function insertTransactions(q: Queryable, applied: AppliedTx[], now: Date): Promise<void> {
  await insertRows(
    q,
    TRANSACTIONS,
    applied.map((a) => ({ ...a, appliedAt: now })),
  );
}
