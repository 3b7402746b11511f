// MECHANICS step 8: what the receipt and the cashier screen tell the customer, in Russian.
import { formatRub } from './money.js';
import { formatDays, formatPoints } from './plural.js';
import type { Kopecks, Points, Program, Tier } from './types.js';

export interface MessageFacts {
  program: Program;
  /** The receipt made the customer a member. */
  enrolled: boolean;
  enrollmentBonus: Points;
  redeemedPoints: Points;
  accruedPoints: Points;
  /** Available balance after this sale (available − redeemed); null without a known customer. */
  balanceAfter: Points | null;
  /** The next tier and what is still missing after this purchase; null at the top or without a customer. */
  nextTier: { tier: Tier; remaining: Kopecks } | null;
}

export function receiptMessages(f: MessageFacts): string[] {
  const out: string[] = [];
  if (f.enrolled) {
    out.push('Добро пожаловать в программу лояльности!');
    if (f.enrollmentBonus > 0) {
      out.push(
        `Приветственный бонус: ${formatPoints(f.enrollmentBonus)}, можно потратить со следующей покупки`,
      );
    }
  }
  if (f.redeemedPoints > 0) out.push(`Списано ${formatPoints(f.redeemedPoints)}`);
  if (f.accruedPoints > 0) {
    const pending = f.program.accrual.pendingDays;
    const when = pending > 0 ? ` (станут доступны через ${formatDays(pending)})` : '';
    out.push(`Начислено ${formatPoints(f.accruedPoints)}${when}`);
  }
  if (f.balanceAfter !== null) out.push(`Баланс после покупки: ${formatPoints(f.balanceAfter)}`);
  if (f.nextTier && f.nextTier.remaining > 0) {
    out.push(`До уровня «${f.nextTier.tier.name}» осталось ${formatRub(f.nextTier.remaining)}`);
  }
  return out;
}
