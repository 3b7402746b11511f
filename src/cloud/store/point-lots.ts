// Points live in lots: each has a size, what is left of it, when it becomes available and when it
// expires. Balances are summed at read time for "now"; the time-change job (../time-changes.ts)
// only tells the agents' feed when time moved them.
// A shortfall (earned points taken back after being spent) is a negative "debt" lot that later
// earnings pay off first. The ingest moves lots in memory a batch at a time (ingest/lot-book.ts).
import type { Points } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';

export interface Balance {
  available: Points;
  pending: Points;
}

export type LotKind = 'earned' | 'bonus' | 'returned' | 'debt' | 'seed';

export async function balanceOf(q: Queryable, customerId: string, now: Date): Promise<Balance> {
  const rows = await q.query<{ available: number | null; pending: number | null }>(
    `SELECT
       SUM(remaining) FILTER (WHERE available_at <= $2 AND (expires_at IS NULL OR expires_at > $2)) AS available,
       SUM(remaining) FILTER (WHERE available_at > $2 AND (expires_at IS NULL OR expires_at > $2)) AS pending
     FROM point_lots WHERE customer_id = $1 AND remaining <> 0`,
    [customerId, now],
  );
  return { available: rows[0]?.available ?? 0, pending: rows[0]?.pending ?? 0 };
}

export interface NewLot {
  customerId: string;
  kind: LotKind;
  points: Points;
  availableAt: Date;
  expiresAt: Date | null;
  sourceTx: string | null;
}

/** Adds a positive lot; an outstanding debt is paid from it first. */
export async function addLot(q: Queryable, lot: NewLot, now: Date): Promise<void> {
  if (lot.points <= 0) return;
  let remaining = lot.points;
  const debts = await q.query<{ id: number; remaining: number }>(
    'SELECT id, remaining FROM point_lots WHERE customer_id = $1 AND remaining < 0 ORDER BY id FOR UPDATE',
    [lot.customerId],
  );
  for (const debt of debts) {
    if (remaining === 0) break;
    const pay = Math.min(remaining, -debt.remaining);
    await q.query('UPDATE point_lots SET remaining = remaining + $2 WHERE id = $1', [debt.id, pay]);
    remaining -= pay;
  }
  await q.query(
    `INSERT INTO point_lots (customer_id, kind, points, remaining, available_at, expires_at, source_tx, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [lot.customerId, lot.kind, lot.points, remaining, lot.availableAt, lot.expiresAt, lot.sourceTx, now],
  );
}
