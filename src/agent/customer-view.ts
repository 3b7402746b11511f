// The till's view of a customer (POS-API `Customer`): masked, with tier progress and a balance that
// includes what this till confirmed but the cloud has not acknowledged yet.
import { cardLast4, inBirthdayWindow, maskPhone, nextTierProgress, tierOf } from '../domain/index.js';
import type { CustomerSnapshot, Program } from '../domain/types.js';
import type { CachedCustomer } from '../protocol/sync.js';
import type { ResolvedCustomer } from './customer-resolver.js';
import type { CustomerView } from './till-api.js';

export interface Balance {
  available: number;
  pending: number;
}

export function toSnapshot(c: CachedCustomer, balance: Balance, baseTierOnly: boolean): CustomerSnapshot {
  return {
    id: c.id,
    tierId: baseTierOnly ? undefined : c.tierId,
    periodSpend: baseTierOnly ? 0 : c.periodSpend,
    balance,
    birthday: c.birthday,
    birthdayBonusUsed: c.birthdayBonusUsed,
    offlineAllowance: c.offlineAllowance,
  };
}

/**
 * A cached customer too old to trust offline (it then gets the base tier), judged by the age of that
 * customer's own data: the last moment the till knew it to be true. That is the entry's `updatedAt`
 * (the last change of its tier, balance or birthday state, time included), or later, `currentAsOf`:
 * the last pull that read the feed to its end — the feed carries every change, so an entry it did
 * not bring again was still true then. A pull cut off half-way, or the time of a pull alone, proves
 * nothing (DECISIONS-sync, "Cache age"). An entry without a readable `updatedAt` is not trusted.
 */
export function cachedEntryIsStale(
  c: CachedCustomer,
  nowMs: number,
  maxAgeMs: number,
  currentAsOf: string | null = null,
): boolean {
  const updated = Date.parse(c.updatedAt);
  if (Number.isNaN(updated)) return true;
  const asOf = currentAsOf === null ? Number.NaN : Date.parse(currentAsOf);
  const knownTrue = Number.isNaN(asOf) ? updated : Math.max(updated, asOf);
  return nowMs - knownTrue > maxAgeMs;
}

export function customerView(
  program: Program,
  resolved: ResolvedCustomer,
  snapshot: CustomerSnapshot,
  at: string,
  timezone: string,
): CustomerView {
  const c = resolved.customer;
  const tier = tierOf(program, snapshot);
  const next = nextTierProgress(program, snapshot);
  const card = resolved.card ?? c?.cards[0];
  const view: CustomerView = {
    id: c?.id ?? '',
    displayName: c?.displayName ?? 'Новый покупатель',
    tier: {
      id: tier.id,
      name: tier.name,
      discountPercent: tier.discountPercent,
      accrualPercent: tier.accrualPercent,
    },
    nextTier: next ? { id: next.tier.id, name: next.tier.name, remaining: next.remaining } : null,
    balance: snapshot.balance,
    birthdayWindow: inBirthdayWindow(program, snapshot.birthday, at, timezone),
    redeemNeedsCode: resolved.via === 'phone' && program.redemption.confirmPhone,
  };
  if (card) view.cardLast4 = cardLast4(card);
  if (resolved.phone) view.phoneMasked = maskPhone(resolved.phone);
  return view;
}

/** An unknown card or phone: base tier, nothing to spend; the cloud creates the customer on sync. */
export function newcomerSnapshot(): CustomerSnapshot {
  return { periodSpend: 0, balance: { available: 0, pending: 0 } };
}
