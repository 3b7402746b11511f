// Which receipt lines a promotion reaches. A line matches when it hits any of the listed skus,
// categories or tags (an empty match reaches every line); minQty and minLines are judged over
// the matching lines of the receipt, and the window at the receipt's local time.
import { toMilli } from './money.js';
import { inWindow, type LocalTime } from './time-window.js';
import type { Promotion, PromotionMatch, ReceiptLineInput } from './types.js';

export function lineMatches(match: PromotionMatch, line: ReceiptLineInput): boolean {
  const { skus, categories, tags } = match;
  const restricted = (skus?.length ?? 0) + (categories?.length ?? 0) + (tags?.length ?? 0) > 0;
  if (!restricted) return true;
  if (skus?.includes(line.sku)) return true;
  if (line.category !== undefined && categories?.includes(line.category)) return true;
  return (line.tags ?? []).some((t) => tags?.includes(t));
}

/**
 * Indices (into `lines`) of the lines the promotion applies to, among `eligible` ones; empty when
 * the window is closed or minQty/minLines are not reached.
 */
export function promotionLines(
  promo: Promotion,
  lines: ReceiptLineInput[],
  eligible: number[],
  local: LocalTime,
): number[] {
  if (!inWindow(promo.window, local)) return [];
  const hits = eligible.filter((i) => lineMatches(promo.match, lines[i]!));
  if (hits.length === 0) return [];
  if (promo.match.minLines !== undefined && hits.length < promo.match.minLines) return [];
  if (promo.match.minQty !== undefined) {
    const totalMilli = hits.reduce((s, i) => s + toMilli(lines[i]!.qty), 0);
    if (totalMilli < toMilli(promo.match.minQty)) return [];
  }
  return hits;
}
