import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spread } from '../../src/domain/index.js';
import { spreadBig } from '../../src/domain/spreading.js';

describe('spread', () => {
  it('reproduces the worked example: 30000 over 25621 / 56150 → 9400 / 20600', () => {
    expect(spread(30000, [25621, 56150])).toEqual([9400, 20600]);
  });
  it('gives leftover kopecks by the largest remainder, ties to the earlier line', () => {
    expect(spread(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(spread(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(spread(1, [1, 3])).toEqual([0, 1]);
  });
  it('handles zero and a single kopeck', () => {
    expect(spread(0, [5, 7])).toEqual([0, 0]);
    expect(spread(1, [5, 5])).toEqual([1, 0]);
    expect(spread(0, [])).toEqual([]);
  });
  it('gives nothing to zero-weight lines while weighted ones can take it', () => {
    expect(spread(100, [0, 1, 0, 3])).toEqual([0, 25, 0, 75]);
  });
  it('respects caps and redistributes the overflow', () => {
    // Proportional would be 50 / 50; the first can take only 10.
    expect(spread(100, [1, 1], [10, 1000])).toEqual([10, 90]);
    // Cascading caps: after the first is capped, the second overflows too.
    expect(spread(90, [10, 10, 1], [5, 20, 100])).toEqual([5, 20, 65]);
  });
  it('fills every cap exactly when the amount equals the capacity', () => {
    expect(spread(60, [3, 2, 1], [10, 20, 30])).toEqual([10, 20, 30]);
  });
  it('falls back to free capacity when weighted lines are full', () => {
    expect(spread(10, [0, 5], [10, 3])).toEqual([7, 3]);
    expect(spread(3, [0, 0, 0])).toEqual([1, 1, 1]);
  });
  it('throws when the amount exceeds the total capacity', () => {
    expect(() => spread(61, [1, 1, 1], [10, 20, 30])).toThrow(/exceeds the total capacity/);
    expect(() => spread(1, [])).toThrow(RangeError);
  });
  it('refuses fractional or negative input', () => {
    expect(() => spread(1.5, [1])).toThrow(RangeError);
    expect(() => spread(1, [-1, 2])).toThrow(RangeError);
    expect(() => spread(1, [1], [0.5])).toThrow(RangeError);
    expect(() => spread(1, [1, 1], [1])).toThrow(/same length/);
  });
});

describe('spread: Number and BigInt arithmetic agree', () => {
  // Scaling every weight by 2^60 keeps the proportions (and the order of remainders) but forces
  // the BigInt path, so the fast Number path is checked against the exact one on the same input.
  const scale = 2n ** 60n;
  const line = fc.record({ weight: fc.nat({ max: 5_000_000 }), cap: fc.nat({ max: 5_000_000 }) });

  it('gives the same parts with caps', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lines, share) => {
          const caps = lines.map((l) => l.cap);
          const amount = Math.floor(caps.reduce((s, c) => s + c, 0) * share);
          const weights = lines.map((l) => l.weight);
          const fast = spread(amount, weights, caps);
          expect(
            spreadBig(
              amount,
              weights.map((w) => BigInt(w) * scale),
              caps,
            ),
          ).toEqual(fast);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the same parts without caps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 60 }),
        fc.nat({ max: 10_000_000 }),
        (weights, amount) => {
          const fast = spread(amount, weights);
          expect(
            spreadBig(
              amount,
              weights.map((w) => BigInt(w) * scale),
            ),
          ).toEqual(fast);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stays exact when amount × weights passes 2^53', () => {
    // (2^52 + 1) × 3·2^40 is far past 2^53: the parts must still sum exactly, ties to earlier lines.
    const amount = 2 ** 52 + 1;
    expect(spread(amount, [2 ** 40, 2 ** 40, 2 ** 40])).toEqual([
      1501199875790166, 1501199875790166, 1501199875790165,
    ]);
  });
});
