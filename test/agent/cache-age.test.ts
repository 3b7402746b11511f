// The till's cache-age rule at its edge: offline, a cached customer is judged by the age of its own
// data — its feed entry's `updatedAt`, or the last pull that read the whole feed when that is later —
// and gets the base tier once that is older than the limit.
import { describe, expect, it } from 'vitest';
import { cachedEntryIsStale, toSnapshot } from '../../src/agent/customer-view.js';
import { customer } from '../helpers/agent-harness.js';

const HOUR = 3_600_000;
const LIMIT = 72 * HOUR;
const silver = customer('c-1', {
  tierId: 'silver',
  periodSpend: 600000,
  updatedAt: '2026-11-20T10:00:00.000Z',
});
const updated = Date.parse('2026-11-20T10:00:00.000Z');

describe('cached customer age', () => {
  it('is fresh up to the limit and stale one millisecond after it', () => {
    expect(cachedEntryIsStale(silver, updated, LIMIT)).toBe(false);
    expect(cachedEntryIsStale(silver, updated + LIMIT, LIMIT)).toBe(false);
    expect(cachedEntryIsStale(silver, updated + LIMIT + 1, LIMIT)).toBe(true);
  });

  it('counts from the last pull that read the whole feed when that is later than the change', () => {
    const pulled = updated + 10 * 24 * HOUR;
    const asOf = new Date(pulled).toISOString();
    // Unchanged for 10 days, but the feed (which carries every change) was read to its end then.
    expect(cachedEntryIsStale(silver, pulled + LIMIT, LIMIT, asOf)).toBe(false);
    expect(cachedEntryIsStale(silver, pulled + LIMIT + 1, LIMIT, asOf)).toBe(true);
    // An older complete pull does not make a newer entry older.
    const before = new Date(updated - 24 * HOUR).toISOString();
    expect(cachedEntryIsStale(silver, updated + LIMIT, LIMIT, before)).toBe(false);
    expect(cachedEntryIsStale(silver, updated + LIMIT + 1, LIMIT, before)).toBe(true);
    // Never read to the end: the entry's own date alone.
    expect(cachedEntryIsStale(silver, updated + LIMIT + 1, LIMIT, null)).toBe(true);
  });

  it('does not trust an entry whose updatedAt cannot be read', () => {
    expect(cachedEntryIsStale({ ...silver, updatedAt: 'yesterday-ish' }, updated, LIMIT)).toBe(true);
  });

  it('a stale entry keeps its balance and birthday but loses its tier and spend', () => {
    const balance = { available: 300, pending: 0 };
    expect(toSnapshot(silver, balance, false)).toMatchObject({ tierId: 'silver', periodSpend: 600000 });
    const stale = toSnapshot(silver, balance, true);
    expect(stale.tierId).toBeUndefined();
    expect(stale.periodSpend).toBe(0);
    expect(stale.balance).toEqual(balance);
  });
});
