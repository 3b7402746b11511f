// MECHANICS step 6: points earned. The base percent is the better of the tier's and the best
// receipt threshold reached; each line's factor is its best multiplier promotion (they do not
// stack). Sums are exact: percent and factor are integer ten-thousandths, products are BigInt.
import { RATIO_SCALE, toRatio } from './money.js';
import type { Kopecks, Points, ReceiptThreshold, Tier } from './types.js';

export interface AccrualPercent {
  percent: number;
  /** The threshold whose percent beat the tier's, if any. */
  threshold: ReceiptThreshold | null;
}

/** `thresholdBase` = Σ (a_i − d_i) over the lines that may accrue. */
export function accrualPercent(
  tier: Tier,
  thresholds: ReceiptThreshold[],
  thresholdBase: Kopecks,
): AccrualPercent {
  let reached: ReceiptThreshold | null = null;
  for (const t of thresholds) if (t.minAmount <= thresholdBase) reached = t; // sorted by minAmount
  if (reached && reached.accrualPercent > tier.accrualPercent) {
    return { percent: reached.accrualPercent, threshold: reached };
  }
  return { percent: tier.accrualPercent, threshold: null };
}

/** Per-line weights base_i × factor_i (factor as ten-thousandths); the spread key of step 6. */
export function accrualWeights(bases: Kopecks[], factors: number[]): bigint[] {
  return bases.map((b, i) => BigInt(b) * BigInt(toRatio(factors[i]!)));
}

/** floor( Σ base_i × percent × factor_i / (100 × pointValue) ). */
export function basePoints(weights: bigint[], percent: number, pointValue: number): Points {
  const sum = weights.reduce((s, w) => s + w, 0n);
  const scale = BigInt(100 * RATIO_SCALE * RATIO_SCALE) * BigInt(pointValue);
  return Number((sum * BigInt(toRatio(percent))) / scale);
}
