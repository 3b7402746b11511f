// The customer's points history as the central office reads it (GET /v1/customers/{id}), and the
// source of the KPI's points earned/spent. Lots hold the balance; the ledger says why it moved.
import type { Points } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';

export type LedgerKind = 'earned' | 'redeemed' | 'returned' | 'reversed' | 'enrolment-bonus' | 'seed';

export interface LedgerEntry {
  customerId: string;
  at: Date;
  kind: LedgerKind;
  /** Signed: what the balance gained (+) or lost (−). */
  points: Points;
  receiptId: string | null;
  txId: string | null;
}

export async function record(q: Queryable, e: LedgerEntry): Promise<void> {
  if (e.points === 0) return;
  await q.query(
    'INSERT INTO points_ledger (customer_id, at, kind, points, receipt_id, tx_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [e.customerId, e.at, e.kind, e.points, e.receiptId, e.txId],
  );
}
