// Coupons named on a receipt are checked by the cloud within the request's online budget. Without
// an answer every code is `unknown` (the engine gives it nothing) and the receipt is judged offline.
import type { CouponState } from '../domain/types.js';
import type { CallBudget, CloudGateway } from './ports.js';

export async function checkCoupons(
  cloud: CloudGateway | null,
  codes: string[],
  customerId: string | undefined,
  budget: CallBudget,
): Promise<{ states: CouponState[]; offline: boolean }> {
  if (codes.length === 0) return { states: [], offline: false };
  if (cloud) {
    try {
      const states = await cloud.checkCoupons({ codes, customerId }, budget);
      const byCode = new Map(states.map((s) => [s.code, s]));
      return {
        states: codes.map((code) => byCode.get(code) ?? { code, status: 'unknown' }),
        offline: false,
      };
    } catch {
      // fall through: a coupon cannot be checked without the cloud
    }
  }
  return { states: codes.map((code) => ({ code, status: 'unknown' })), offline: true };
}
