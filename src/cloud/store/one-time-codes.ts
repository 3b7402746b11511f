// One-time codes that confirm paying with points by phone: six digits, bound to one customer and
// one receipt, valid for a few minutes, locked after too many wrong tries.
import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/db.js';

export const CODE_TTL_MS = 5 * 60_000;
export const MAX_FAILED_ATTEMPTS = 5;

export async function issueCode(
  q: Queryable,
  customerId: string,
  receiptId: string,
  now: Date,
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await q.query(
    `INSERT INTO one_time_codes (customer_id, receipt_id, code, created_at, expires_at, failed_attempts)
     VALUES ($1, $2, $3, $4, $5, 0)
     ON CONFLICT (customer_id, receipt_id) DO UPDATE
       SET code = EXCLUDED.code, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, failed_attempts = 0`,
    [customerId, receiptId, code, now, new Date(now.getTime() + CODE_TTL_MS)],
  );
  return code;
}

/**
 * True when `code` is the live code of this customer and receipt. A correct code may be checked
 * again until it expires (the till may retry its confirm); wrong tries count towards the lock.
 */
export async function verifyCode(
  q: Queryable,
  customerId: string,
  receiptId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const rows = await q.query<{ code: string; expires_at: Date; failed_attempts: number }>(
    'SELECT code, expires_at, failed_attempts FROM one_time_codes WHERE customer_id = $1 AND receipt_id = $2 FOR UPDATE',
    [customerId, receiptId],
  );
  const row = rows[0];
  if (!row || row.expires_at <= now || row.failed_attempts >= MAX_FAILED_ATTEMPTS) return false;
  if (row.code === code.trim()) return true;
  await q.query(
    'UPDATE one_time_codes SET failed_attempts = failed_attempts + 1 WHERE customer_id = $1 AND receipt_id = $2',
    [customerId, receiptId],
  );
  return false;
}
