// MECHANICS step 6: points earned. The base percent is the better of the tier's and the best
// receipt threshold reached; each line's factor is its best multiplier promotion (they do not
// stack). Sums are exact: percent and factor are integer ten-thousandths, products are BigInt.
import { formatPercent, formatRub, RATIO_SCALE, toRatio } from './money.js';
import { promotionLines } from './promotions.js';
import { spreadBig } from './spreading.js';
import type { LocalTime } from './time-window.js';
import type {
  Applied,
  Kopecks,
  Points,
  Program,
  Promotion,
  ReceiptLineInput,
  ReceiptThreshold,
  Tier,
} from './types.js';

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

export interface AccrualContext {
  program: Program;
  lines: ReceiptLineInput[];
  /** Indices of the lines that may accrue (at least one). */
  accruable: number[];
  local: LocalTime;
  tier: Tier;
  /** Σ (a_i − d_i) over the accrual lines: what the receipt thresholds are judged on. */
  thresholdBase: Kopecks;
  /** Per accruable line: what the percent applies to (p_i, or a_i − d_i with onRedeemedPart). */
  bases: Kopecks[];
  /** Per accruable line: a_i, the fallback spread key. */
  amounts: Kopecks[];
  /** Bonuses decided by the caller (birthday, enrolment), added before spreading. */
  extraPoints: Points;
}

export interface AccrualOutcome {
  /** Per accruable line, summing to `total`. */
  perLine: Points[];
  total: Points;
  applied: Applied[];
}

/** Step 6 for a receipt that earns: base points, multipliers, bonus promotions, per-line split. */
export function accrue(ctx: AccrualContext): AccrualOutcome {
  const { program, lines, accruable, local } = ctx;
  const applied: Applied[] = [];
  const { percent, threshold } = accrualPercent(ctx.tier, program.receiptThresholds, ctx.thresholdBase);
  if (threshold) {
    applied.push({
      kind: 'threshold',
      id: `threshold-${threshold.minAmount}`,
      title: `Начисление ${formatPercent(percent)} за покупку от ${formatRub(threshold.minAmount)}`,
    });
  }

  // The best multiplier per line; a promotion is listed when it is the factor of some line.
  const factors = accruable.map(() => 1);
  const factorFrom: (Promotion | null)[] = accruable.map(() => null);
  for (const promo of program.promotions) {
    if (promo.kind !== 'multiplier') continue;
    const hits = new Set(promotionLines(promo, lines, accruable, local));
    accruable.forEach((i, k) => {
      if (hits.has(i) && promo.factor > factors[k]!) {
        factors[k] = promo.factor;
        factorFrom[k] = promo;
      }
    });
  }
  for (const promo of program.promotions) {
    if (factorFrom.includes(promo))
      applied.push({ kind: 'promotion', id: promo.id, title: promo.title ?? promo.id });
  }

  const weights = accrualWeights(ctx.bases, factors);
  let total = basePoints(weights, percent, program.pointValue);
  for (const promo of program.promotions) {
    if (promo.kind !== 'bonus' || promo.points === 0) continue;
    if (promotionLines(promo, lines, accruable, local).length === 0) continue;
    total += promo.points;
    applied.push({ kind: 'promotion', id: promo.id, title: promo.title ?? promo.id, points: promo.points });
  }
  total += ctx.extraPoints;
  return { perLine: spreadBig(total, spreadKey(weights, ctx.amounts)), total, applied };
}

/**
 * The key the earned points are stored on lines by: base_i × factor_i; when every line weighs 0
 * (all paid with points, or a zero percent with bonuses), the line amounts; failing that, the
 * first accrual line carries everything.
 */
function spreadKey(weights: bigint[], amounts: Kopecks[]): bigint[] {
  if (weights.some((w) => w > 0n)) return weights;
  if (amounts.some((a) => a > 0)) return amounts.map((a) => BigInt(a));
  return amounts.map((_, k) => (k === 0 ? 1n : 0n));
}
