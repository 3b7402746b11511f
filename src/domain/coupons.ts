// Sorting the coupons the cashier entered. The cloud says whether a coupon is valid; the engine
// judges whether it can apply here: a valid coupon is either a percent (competing in "best
// discount wins") or a fixed amount (spread after the percent discount). Only the best percent
// coupon competes; a repeated code, an unmet minAmount or a malformed coupon is "not-applicable".
import { RATIO_SCALE, scaledOrNull } from './money.js';
import type { CouponOutcome, CouponState, Kopecks } from './types.js';

export interface CouponPlan {
  /** One entry per coupon entered, in order; pending ones are settled by the calculation. */
  outcomes: CouponOutcome[];
  /** Index into `outcomes` and the coupon of the percent coupon that competes, if any. */
  percent: { index: number; coupon: CouponState & { percent: number } } | null;
  fixed: { index: number; coupon: CouponState & { amount: Kopecks } }[];
}

function isPercent(c: CouponState): c is CouponState & { percent: number } {
  return (
    c.amount === undefined &&
    typeof c.percent === 'number' &&
    c.percent > 0 &&
    c.percent <= 100 &&
    scaledOrNull(c.percent, RATIO_SCALE) !== null
  );
}

function isFixed(c: CouponState): c is CouponState & { amount: Kopecks } {
  return (
    c.percent === undefined && typeof c.amount === 'number' && Number.isSafeInteger(c.amount) && c.amount > 0
  );
}

/** `eligibleAmount` = Σ a over the lines a discount may touch (what minAmount is judged on). */
export function planCoupons(coupons: CouponState[], eligibleAmount: Kopecks): CouponPlan {
  const plan: CouponPlan = { outcomes: [], percent: null, fixed: [] };
  const seen = new Set<string>();
  coupons.forEach((coupon, index) => {
    const outcome: CouponOutcome = { code: coupon.code, status: 'not-applicable' };
    plan.outcomes.push(outcome);
    if (coupon.status !== 'valid') {
      outcome.status = coupon.status;
      return;
    }
    if (seen.has(coupon.code)) return;
    seen.add(coupon.code);
    if (coupon.minAmount !== undefined && eligibleAmount < coupon.minAmount) return;
    if (isPercent(coupon)) {
      if (!plan.percent || coupon.percent > plan.percent.coupon.percent) plan.percent = { index, coupon };
    } else if (isFixed(coupon)) {
      plan.fixed.push({ index, coupon });
    }
  });
  return plan;
}
