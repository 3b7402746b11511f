import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fiscalPositions,
  formatPercent,
  formatRub,
  lineAmount,
  lineFloor,
  mulDiv,
  roundHalfUp,
  toMilli,
} from '../../src/domain/index.js';

describe('roundHalfUp', () => {
  it('rounds halves away from zero', () => {
    expect(roundHalfUp(59104.5)).toBe(59105);
    expect(roundHalfUp(1348.5)).toBe(1349);
    expect(roundHalfUp(2955.25)).toBe(2955);
    expect(roundHalfUp(-1.5)).toBe(-2);
    expect(roundHalfUp(-1.4)).toBe(-1);
    expect(roundHalfUp(0)).toBe(0);
  });
  it('refuses non-finite numbers', () => {
    expect(() => roundHalfUp(Number.NaN)).toThrow(RangeError);
  });
});

describe('mulDiv', () => {
  it('rounds exact rationals in every mode', () => {
    expect(mulDiv(7, 1, 2, 'halfUp')).toBe(4);
    expect(mulDiv(7, 1, 2, 'floor')).toBe(3);
    expect(mulDiv(7, 1, 3, 'ceil')).toBe(3);
    expect(mulDiv(-7, 1, 2, 'halfUp')).toBe(-4);
    expect(mulDiv(-7, 1, 2, 'floor')).toBe(-4);
  });
  it('stays exact beyond 2^53 via BigInt', () => {
    // 9e15 × 3 / 3 would lose digits as a double product.
    expect(mulDiv(9_007_199_254_740_991, 3, 3, 'halfUp')).toBe(9_007_199_254_740_991);
  });
  it('the Number path agrees with exact BigInt arithmetic in every mode and sign', () => {
    const reference = (a: number, b: number, den: number, mode: 'floor' | 'ceil' | 'halfUp'): number => {
      const num = BigInt(a) * BigInt(b);
      const d = BigInt(den);
      const q = num / d;
      const r = num % d;
      if (r === 0n) return Number(q);
      if (mode === 'floor') return Number(num < 0n ? q - 1n : q);
      if (mode === 'ceil') return Number(num < 0n ? q : q + 1n);
      return Number((r < 0n ? -r : r) * 2n >= d ? (num < 0n ? q - 1n : q + 1n) : q);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 1, max: 1e7 }),
        fc.constantFrom('floor' as const, 'ceil' as const, 'halfUp' as const),
        (a, b, den, mode) => Object.is(mulDiv(a, b, den, mode), reference(a, b, den, mode) + 0),
      ),
      { numRuns: 3000 },
    );
  });
});

describe('quantities and line amounts', () => {
  it('parses up to 3 decimals into thousandths', () => {
    expect(toMilli(0.455)).toBe(455);
    expect(toMilli(3)).toBe(3000);
    expect(toMilli(1.005)).toBe(1005);
    expect(toMilli(0.001)).toBe(1);
  });
  it('refuses a 4th decimal', () => {
    expect(() => toMilli(0.4555)).toThrow(/at most 3 decimals/);
    expect(() => toMilli(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
  it('computes a = roundHalfUp(price × qty) without float drift', () => {
    expect(lineAmount(129900, 0.455)).toBe(59105); // 59104.5 → half up
    expect(lineAmount(8990, 3)).toBe(26970);
    // 1.005 × 100 is 100.49999999999999 in binary floating point; exactly it is 100.5 → 101.
    expect(lineAmount(100, 1.005)).toBe(101);
    expect(lineAmount(1, 0.001)).toBe(0);
    expect(lineAmount(0, 5)).toBe(0);
  });
  it('floors with ceil(minPrice × qty)', () => {
    expect(lineFloor(1000, 0.455)).toBe(455);
    expect(lineFloor(999, 0.001)).toBe(1);
    expect(lineFloor(0, 3)).toBe(0);
  });
});

describe('formatRub', () => {
  it('formats with a plain space between thousands and a decimal comma', () => {
    expect(formatRub(120000)).toBe('1 200,00 ₽');
    expect(formatRub(5)).toBe('0,05 ₽');
    expect(formatRub(0)).toBe('0,00 ₽');
    expect(formatRub(123456789)).toBe('1 234 567,89 ₽');
    expect(formatRub(-120001)).toBe('-1 200,01 ₽');
  });
  it('refuses fractions of a kopeck', () => {
    expect(() => formatRub(1.5)).toThrow(RangeError);
  });
  it('formats percents with a comma', () => {
    expect(formatPercent(2.5)).toBe('2,5 %');
    expect(formatPercent(15)).toBe('15 %');
  });
});

describe('fiscalPositions', () => {
  it('gives one position when the paid amount divides by the quantity', () => {
    expect(fiscalPositions(16221, 3)).toEqual([{ qty: 3, price: 5407, amount: 16221 }]);
  });
  it('splits into q − k units at floor and k units one kopeck more', () => {
    // 10000 / 3 = 3333 rem 1 → 2 × 3333 + 1 × 3334.
    expect(fiscalPositions(10000, 3)).toEqual([
      { qty: 2, price: 3333, amount: 6666 },
      { qty: 1, price: 3334, amount: 3334 },
    ]);
    expect(fiscalPositions(2, 3)).toEqual([
      { qty: 1, price: 0, amount: 0 },
      { qty: 2, price: 1, amount: 2 },
    ]);
  });
  it('gives one position with a rounded unit price for a fractional quantity', () => {
    expect(fiscalPositions(35550, 0.455)).toEqual([{ qty: 0.455, price: 78132, amount: 35550 }]);
    expect(fiscalPositions(0, 1.5)).toEqual([{ qty: 1.5, price: 0, amount: 0 }]);
  });
  it('refuses negative amounts and bad quantities', () => {
    expect(() => fiscalPositions(-1, 1)).toThrow(RangeError);
    expect(() => fiscalPositions(100, 0)).toThrow(RangeError);
    expect(() => fiscalPositions(100, 0.0001)).toThrow(RangeError);
  });
});
