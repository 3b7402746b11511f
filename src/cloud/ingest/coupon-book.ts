// The coupons a batch's sales name, in memory: their state as each sale saw it, and single use —
// the first sale that applied a single-use coupon spends it; a later one is noted, never refused.
import type { CouponState } from '../../domain/types.js';
import { type CouponRow, couponStateOf, normalizeCode } from '../store/coupons.js';

/** A single-use coupon a sale of this batch spent, and when the cloud took it as spent. */
export interface SpentCoupon {
  code: string;
  txId: string;
  at: Date;
}

export class CouponBook {
  private readonly spent: { code: string; txId: string }[] = [];

  constructor(
    private readonly byCode: Map<string, CouponRow>,
    private readonly now: Date,
  ) {}

  /** The state of each code at `at`; a coupon spent by `ownTx` still counts as valid for it. */
  states(codes: string[], at: Date, ownTx: string): CouponState[] {
    return codes.map((raw) => couponStateOf(raw, this.byCode.get(normalizeCode(raw)), at, ownTx));
  }

  /** Spends a single-use coupon for `txId`. False when another transaction already spent it. */
  spend(code: string, txId: string): boolean {
    const row = this.byCode.get(normalizeCode(code));
    if (!row?.single_use) return true;
    if (row.used_by_tx !== null) return row.used_by_tx === txId;
    row.used_by_tx = txId;
    this.spent.push({ code: row.code, txId });
    return true;
  }

  spentCoupons(): SpentCoupon[] {
    return this.spent.map((s) => ({ ...s, at: this.now }));
  }
}
