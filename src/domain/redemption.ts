// MECHANICS step 3: how many points the customer pays with. Every limit is taken at once:
// what was asked, the balance, maxPercent of the base, the room above the lines' floors, and
// offline the per-customer allowance left since the last sync. Below minPoints nothing is spent.
import { mulDiv, RATIO_SCALE, toRatio } from './money.js';
import type { CustomerSnapshot, Kopecks, Points, Program, RedeemRequest } from './types.js';

export interface RedemptionLimits {
  program: Program;
  customer: CustomerSnapshot;
  request: RedeemRequest | undefined;
  offline: boolean;
  offlineRedeemedSinceSync: Points;
  /** Σ (a_i − d_i) over the lines that allow redeem. */
  base: Kopecks;
  /** Σ max(0, a_i − d_i − floor_i) over the same lines. */
  room: Kopecks;
}

export function redeemablePoints(l: RedemptionLimits): Points {
  if (!l.request) return 0;
  const { pointValue } = l.program;
  const { maxPercent, minPoints, offlineMaxPoints } = l.program.redemption;
  const limits: number[] = [
    'points' in l.request ? l.request.points : Number.POSITIVE_INFINITY,
    Math.max(0, l.customer.balance.available),
    mulDiv(l.base, toRatio(maxPercent), 100 * RATIO_SCALE * pointValue, 'floor'),
    Math.floor(l.room / pointValue),
  ];
  if (l.offline) {
    const allowance = l.customer.offlineAllowance ?? offlineMaxPoints;
    limits.push(Math.max(0, allowance - l.offlineRedeemedSinceSync));
  }
  const points = Math.max(0, Math.min(...limits));
  return points < minPoints ? 0 : points;
}
