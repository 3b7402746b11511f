// The till's cache-age rule at its edge: offline, a cached customer is judged by the age of its own
// data (`updatedAt` of the feed entry), and gets the base tier once that is older than the limit.
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
