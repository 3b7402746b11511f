// Coupons the chain issues: percent or fixed amount, an optional minimum receipt, a validity
// window, single use. A single-use coupon is spent by the sale Tx that applied it.
import type { CouponState } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';

export interface CouponRow {
  code: string;
  title: string | null;
  percent: number | null;
  amount: number | null;
  min_amount: number | null;
  single_use: boolean;
  valid_from: Date | null;
  valid_to: Date | null;
  used_by_tx: string | null;
}

export interface NewCoupon {
  code: string;
  title?: string;
  percent?: number;
  amount?: number;
  minAmount?: number;
  singleUse?: boolean;
  validFrom?: Date;
  validTo?: Date;
}

export async function createCoupon(q: Queryable, c: NewCoupon): Promise<void> {
  if ((c.percent === undefined) === (c.amount === undefined)) {
    throw new Error(`coupon ${c.code} needs exactly one of percent or amount`);
  }
  await q.query(
    `INSERT INTO coupons (code, title, percent, amount, min_amount, single_use, valid_from, valid_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING`,
    [
      normalizeCode(c.code),
      c.title ?? null,
      c.percent ?? null,
      c.amount ?? null,
      c.minAmount ?? null,
      c.singleUse ?? false,
      c.validFrom ?? null,
      c.validTo ?? null,
    ],
  );
}

/** Codes are compared case-insensitively without surrounding spaces, as cashiers type them. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * The state of each code at `at`, as the engine consumes it. A coupon already spent by `ownTx`
 * counts as valid for that transaction (re-checking a sale must not see its own use).
 */
export async function couponStates(
  q: Queryable,
  codes: string[],
  at: Date,
  ownTx?: string,
): Promise<CouponState[]> {
  const rows = await loadCoupons(q, codes);
  return codes.map((raw) => couponStateOf(raw, rows.get(normalizeCode(raw)), at, ownTx));
}

/** The coupons of these codes (as typed), by normalized code; `lock` holds them for the transaction. */
export async function loadCoupons(
  q: Queryable,
  codes: string[],
  lock = false,
): Promise<Map<string, CouponRow>> {
  const wanted = [...new Set(codes.map(normalizeCode))];
  if (wanted.length === 0) return new Map();
  const rows = await q.query<CouponRow>(
    `SELECT code, title, percent, amount, min_amount, single_use, valid_from, valid_to, used_by_tx
     FROM coupons WHERE code = ANY($1::text[]) ORDER BY code${lock ? ' FOR UPDATE' : ''}`,
    [wanted],
  );
  return new Map(rows.map((r) => [r.code, r]));
}

/** What the engine needs to know of one code as typed; `row` undefined = no such coupon. */
export function couponStateOf(
  raw: string,
  row: CouponRow | undefined,
  at: Date,
  ownTx?: string,
): CouponState {
  if (!row) return { code: raw, status: 'unknown' };
  const state: CouponState = { code: raw, status: statusOf(row, at, ownTx) };
  if (row.percent !== null) state.percent = row.percent;
  if (row.amount !== null) state.amount = row.amount;
  if (row.min_amount !== null) state.minAmount = row.min_amount;
  if (row.title) state.title = row.title;
  return state;
}

function statusOf(row: CouponRow, at: Date, ownTx?: string): CouponState['status'] {
  if (row.single_use && row.used_by_tx !== null && row.used_by_tx !== ownTx) return 'used';
  if ((row.valid_from && at < row.valid_from) || (row.valid_to && at > row.valid_to)) return 'expired';
  return 'valid';
}
