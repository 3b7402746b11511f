// The cache holds the cloud's balance as of the last sync; the transactions this agent confirmed
// since then are still in its outbox. Their effect is added here so the till shows the real balance
// and can never spend the same points twice while offline.
import type { Program } from '../domain/types.js';
import type { Tx } from '../protocol/sync.js';
import type { Balance } from './customer-view.js';
import type { Journal } from './ports.js';

export function customerKeyOf(c: Tx['customer']): string | null {
  if (c.id) return `id:${c.id}`;
  if (c.card) return `card:${c.card}`;
  if (c.phone) return `phone:${c.phone}`;
  return null;
}

export interface UnsyncedEffect {
  balance: Balance;
  /** Points redeemed by offline receipts still in the outbox (the offline allowance spent). */
  offlineRedeemed: number;
}

export function unsyncedEffect(journal: Journal, keys: string[], program: Program): UnsyncedEffect {
  const wanted = new Set(keys);
  const effect: UnsyncedEffect = { balance: { available: 0, pending: 0 }, offlineRedeemed: 0 };
  if (wanted.size === 0) return effect;
  const earnedNow = program.accrual.pendingDays === 0;
  for (const entry of journal.pending(Number.MAX_SAFE_INTEGER)) {
    const tx = entry.tx;
    const key = customerKeyOf(tx.customer);
    if (!key || !wanted.has(key)) continue;
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
