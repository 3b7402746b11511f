import { describe, expect, it } from 'vitest';
import { nextTierProgress, tierOf } from '../../src/domain/index.js';
import { customer, EXAMPLE_PROGRAM } from './fixtures.js';

describe('tierOf', () => {
  it('takes the cloud tier id when the program has it', () => {
    expect(tierOf(EXAMPLE_PROGRAM, customer({ tierId: 'gold', periodSpend: 0 })).id).toBe('gold');
  });
  it('falls back to the spend for an unknown or absent tier id', () => {
    expect(tierOf(EXAMPLE_PROGRAM, customer({ tierId: 'platinum', periodSpend: 500000 })).id).toBe('silver');
    expect(tierOf(EXAMPLE_PROGRAM, customer({ tierId: undefined, periodSpend: 499999 })).id).toBe('standard');
    expect(tierOf(EXAMPLE_PROGRAM, customer({ tierId: undefined, periodSpend: 1000000 })).id).toBe('gold');
  });
});

describe('nextTierProgress', () => {
  it('names the next tier and the missing spend', () => {
    expect(nextTierProgress(EXAMPLE_PROGRAM, customer({ tierId: undefined, periodSpend: 880000 }))).toEqual({
      tier: expect.objectContaining({ id: 'gold' }),
      remaining: 120000,
    });
  });
  it('is null at the top tier', () => {
    expect(nextTierProgress(EXAMPLE_PROGRAM, customer({ tierId: 'gold' }))).toBeNull();
  });
  it('never reports a negative remainder when the cloud tier lags the spend', () => {
    expect(
      nextTierProgress(EXAMPLE_PROGRAM, customer({ tierId: 'standard', periodSpend: 700000 }))?.remaining,
    ).toBe(0);
  });
});
