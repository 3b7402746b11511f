import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPoints,
  formatPointsWithWord,
  formatQuantity,
  formatRubles,
  parseQuantity,
  parseRubles,
  parseWhole,
  pointsWord,
} from '../../src/web/cashier/money.js';

describe('parseRubles', () => {
  it.each([
    ['12,50', 1250],
    ['12.50', 1250],
    ['12,5', 1250],
    ['12.05', 1205],
    ['12', 1200],
    ['12,', 1200],
    ['0,01', 1],
    ['0', 0],
    ['1 200,00', 120000],
    ['1\u00a0200,50', 120050],
    ['12 345 678,90', 1234567890],
    ['  89,90  ', 8990],
    ['99 ₽', 9900],
    ['1200 руб.', 120000],
    ['0.29', 29],
    ['1.13', 113],
    ['4.35', 435],
  ])('%s → %i kopecks', (text, kopecks) => {
    expect(parseRubles(text)).toBe(kopecks);
  });

  it.each([
    [''],
    ['   '],
    ['-5'],
    ['12,345'],
    ['12.3.4'],
    ['12,50,1'],
    ['abc'],
    ['1e3'],
    ['0x10'],
    ['12 50'],
    ['1 2345'],
    [',50'],
    ['Infinity'],
    ['NaN'],
    ['99999999999999999999'],
  ])('rejects %j', (text) => {
    expect(parseRubles(text)).toBeNull();
  });

  it('rejects null and undefined without throwing', () => {
    expect(parseRubles(null)).toBeNull();
    expect(parseRubles(undefined)).toBeNull();
  });

  it('reads every two-decimal amount exactly (no float drift)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_99 }), fc.boolean(), (kopecks, dot) => {
        const text = `${Math.floor(kopecks / 100)}${dot ? '.' : ','}${String(kopecks % 100).padStart(2, '0')}`;
        expect(parseRubles(text)).toBe(kopecks);
      }),
    );
  });

  it('reads back what formatRubles wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (kopecks) => {
        expect(parseRubles(formatRubles(kopecks))).toBe(kopecks);
      }),
    );
  });
});

describe('formatRubles', () => {
  it.each([
    [0, '0,00 ₽'],
    [1, '0,01 ₽'],
    [50, '0,50 ₽'],
    [8990, '89,90 ₽'],
    [100000, '1 000,00 ₽'],
    [120000, '1 200,00 ₽'],
    [123456789, '1 234 567,89 ₽'],
    [-4304, '-43,04 ₽'],
  ])('%i → %s', (kopecks, text) => {
    expect(formatRubles(kopecks)).toBe(text);
  });

  it('uses a plain space, not a no-break space, between thousands', () => {
    expect(formatRubles(120000).charCodeAt(1)).toBe(0x20);
    expect(formatRubles(120000)).not.toMatch(/[\u00a0\u202f]/);
  });

  it('refuses a fractional or non-numeric amount (money is integer kopecks)', () => {
    expect(() => formatRubles(12.5)).toThrow(TypeError);
    expect(() => formatRubles(Number.NaN)).toThrow(TypeError);
    expect(() => formatRubles('100' as unknown as number)).toThrow(TypeError);
  });
});

describe('quantities', () => {
  it.each([
    ['3', 3],
    ['0,345', 0.345],
    ['0.345', 0.345],
    ['1,5', 1.5],
    ['1 000', 1000],
    ['2,100', 2.1],
  ])('%s → %d', (text, qty) => {
    expect(parseQuantity(text)).toBe(qty);
  });

  it.each([['0'], ['0,000'], ['-1'], ['1,2345'], [''], ['x'], ['1/2']])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeNull();
  });

  it('parses any three-decimal quantity to the same double as the decimal literal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), (thousandths) => {
        const literal = `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}`;
        expect(parseQuantity(literal.replace('.', ','))).toBe(Number(literal));
      }),
    );
  });

  it.each([
    [3, '3'],
    [0.345, '0,345'],
    [1.5, '1,5'],
    [2.01, '2,01'],
  ])('formats %d as %s', (qty, text) => {
    expect(formatQuantity(qty)).toBe(text);
  });
});

describe('points', () => {
  it('parses whole points, with group spaces, and nothing else', () => {
    expect(parseWhole('200')).toBe(200);
    expect(parseWhole('1 500')).toBe(1500);
    expect(parseWhole('0')).toBe(0);
    expect(parseWhole('1,5')).toBeNull();
    expect(parseWhole('-3')).toBeNull();
    expect(parseWhole('')).toBeNull();
  });

  it('formats with thousands and the right Russian plural', () => {
    expect(formatPoints(1500)).toBe('1 500');
    expect(formatPoints(-20)).toBe('-20');
    expect(() => formatPoints(1.5)).toThrow(TypeError);
    const words = [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1500].map((n) => `${n} ${pointsWord(n)}`);
    expect(words).toEqual([
      '0 баллов',
      '1 балл',
      '2 балла',
      '4 балла',
      '5 баллов',
      '11 баллов',
      '12 баллов',
      '14 баллов',
      '21 балл',
      '22 балла',
      '25 баллов',
      '101 балл',
      '111 баллов',
      '1500 баллов',
    ]);
    expect(formatPointsWithWord(1501)).toBe('1 501 балл');
  });
});
