// Holds reserve points for a receipt being paid online. They count against the available balance
// until captured by the sale, released, or past their TTL (an expired hold is simply ignored).
import type { Points } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';
import { balanceOf } from './point-lots.js';

export interface HoldRequest {
  holdId: string;
  customerId: string;
  points: Points;
  receiptId: string;
  ttlSec: number;
}

export type HoldOutcome =
  | { ok: true; holdId: string; expiresAt: Date }
  | { ok: false; reason: 'INSUFFICIENT_POINTS'; free: Points }
  | { ok: false; reason: 'HOLD_CONFLICT' };

/** Points held by active, unexpired holds other than `exceptHold`. */
export async function heldPoints(
  q: Queryable,
  customerId: string,
  now: Date,
  exceptHold = '',
): Promise<Points> {
  const rows = await q.query<{ held: number | null }>(
    `SELECT SUM(points) AS held FROM holds
     WHERE customer_id = $1 AND state = 'active' AND expires_at > $2 AND hold_id <> $3`,
    [customerId, now, exceptHold],
  );
  return rows[0]?.held ?? 0;
}

/** Places (or, for the same holdId, renews) a hold; the customer row must be locked by the caller. */
export async function placeHold(q: Queryable, h: HoldRequest, now: Date): Promise<HoldOutcome> {
  const existing = await q.query<{ customer_id: string; state: string }>(
    'SELECT customer_id, state FROM holds WHERE hold_id = $1',
    [h.holdId],
  );
  if (existing[0] && (existing[0].customer_id !== h.customerId || existing[0].state !== 'active')) {
    return { ok: false, reason: 'HOLD_CONFLICT' };
  }
  const { available } = await balanceOf(q, h.customerId, now);
  const free = available - (await heldPoints(q, h.customerId, now, h.holdId));
  if (free < h.points) return { ok: false, reason: 'INSUFFICIENT_POINTS', free: Math.max(0, free) };
  const expiresAt = new Date(now.getTime() + h.ttlSec * 1000);
  await q.query(
    `INSERT INTO holds (hold_id, customer_id, points, receipt_id, created_at, expires_at, state)
     VALUES ($1, $2, $3, $4, $5, $6, 'active')
     ON CONFLICT (hold_id) DO UPDATE SET points = EXCLUDED.points, expires_at = EXCLUDED.expires_at`,
    [h.holdId, h.customerId, h.points, h.receiptId, now, expiresAt],
  );
  return { ok: true, holdId: h.holdId, expiresAt };
}

/** Releases an active hold. Releasing an unknown or finished hold is a no-op (the agent may retry). */
export async function releaseHold(q: Queryable, holdId: string): Promise<boolean> {
  const rows = await q.query<{ hold_id: string }>(
    `UPDATE holds SET state = 'released' WHERE hold_id = $1 AND state = 'active' RETURNING hold_id`,
    [holdId],
  );
  return rows.length > 0;
}
