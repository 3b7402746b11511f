// MECHANICS step 2: the percent discount of each line. Every source (tier, birthday, discount
// promotion, percent coupon) offers a percent to the lines it reaches; the best one wins on each
// line and they never stack. On equal percents the earlier source wins, so a coupon is not
// spent when the tier already gives as much.
import { percentOf } from './money.js';
import type { Applied, Kopecks } from './types.js';

export interface DiscountSource {
  kind: Applied['kind'];
  id: string;
  title: string;
  percent: number;
  /** Line indices the source reaches; undefined = every eligible line. */
  lines?: ReadonlySet<number>;
}

export interface LineDiscounts {
  discounts: Kopecks[];
  /** Index into the sources of the winner per line, or -1. */
  winners: number[];
}

/**
 * d_i = roundHalfUp(a_i × P_i / 100) over eligible lines, capped so that a_i − d_i ≥ floor_i.
 * Sources must be listed in tie-break order.
 */
export function percentDiscounts(
  amounts: Kopecks[],
  floors: Kopecks[],
  eligible: ReadonlySet<number>,
  sources: DiscountSource[],
): LineDiscounts {
  const discounts = amounts.map(() => 0);
  const winners = amounts.map(() => -1);
  amounts.forEach((amount, i) => {
    if (!eligible.has(i)) return;
    let best = -1;
    sources.forEach((s, k) => {
      if (s.percent <= 0 || (s.lines && !s.lines.has(i))) return;
      if (best < 0 || s.percent > sources[best]!.percent) best = k;
    });
    if (best < 0) return;
    winners[i] = best;
    discounts[i] = Math.min(percentOf(amount, sources[best]!.percent), amount - floors[i]!);
  });
  return { discounts, winners };
}
