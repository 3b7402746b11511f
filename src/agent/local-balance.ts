// The cache holds the cloud's balance as of the last sync; the transactions this agent confirmed
// since then are still in its outbox. Their effect is added here so the till shows the real balance
// and can never spend the same points twice while offline.
import type { Program } from '../domain/types.js';
import type { Balance } from './customer-view.js';
import type { Journal } from './ports.js';

export interface UnsyncedEffect {
  balance: Balance;
  /** Points redeemed by offline receipts still in the outbox (the offline allowance spent). */
  offlineRedeemed: number;
}

export function unsyncedEffect(journal: Journal, keys: string[], program: Program): UnsyncedEffect {
  const effect: UnsyncedEffect = { balance: { available: 0, pending: 0 }, offlineRedeemed: 0 };
  if (keys.length === 0) return effect;
  const earnedNow = program.accrual.pendingDays === 0;
  // Only this customer's entries: with 50 000 queued offline, a scan of the whole queue would
  // cost every identify and calculate milliseconds.
  for (const entry of journal.pendingOf(keys)) {
    const tx = entry.tx;
    if (tx.kind === 'sale') {
      effect.balance.available -= tx.totals.redeemedPoints;
      if (earnedNow) effect.balance.available += tx.totals.accruedPoints;
      else effect.balance.pending += tx.totals.accruedPoints;
      if (tx.offline) effect.offlineRedeemed += tx.totals.redeemedPoints;
    } else if (tx.kind === 'return' && tx.refund) {
      effect.balance.available += tx.refund.pointsReturned - tx.refund.pointsReversed;
    }
  }
  return effect;
}

export function addBalances(a: Balance, b: Balance): Balance {
  return { available: a.available + b.available, pending: a.pending + b.pending };
}
