import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/catalogue.js';
import {
  kopecksToRubles,
  parseQuantity,
  quantityText,
  rublesToKopecks,
} from '../../../src/http/evotor/decimal.js';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('rubles → kopecks', () => {
  it('converts strings and numbers exactly, without float drift', () => {
    expect(rublesToKopecks('89.90', 'price')).toBe(8990);
    expect(rublesToKopecks(89.9, 'price')).toBe(8990);
    // 0.29 * 100 is 28.999999999999996 in binary floating point.
    expect(rublesToKopecks(0.29, 'price')).toBe(29);
    expect(rublesToKopecks(1.15, 'price')).toBe(115);
    expect(rublesToKopecks(215, 'price')).toBe(21500);
    expect(rublesToKopecks('1299', 'price')).toBe(129900);
    expect(rublesToKopecks(' 12.3 ', 'price')).toBe(1230);
    expect(rublesToKopecks('54,07', 'price')).toBe(5407);
    expect(rublesToKopecks('0.100000', 'price')).toBe(10);
    expect(rublesToKopecks(0, 'price')).toBe(0);
  });

  it('refuses fractions of a kopeck, negatives, exponents and junk, naming the field', () => {
    for (const bad of [
      '12.345',
      12.345,
      '-1.00',
      -1,
      1e21,
      1e-7,
      'abc',
      '',
      '1.2.3',
      Number.NaN,
      Infinity,
      '0x10',
    ]) {
      const err = refusal(() => rublesToKopecks(bad, 'positions/2/price'));
      expect(err.status).toBe(400);
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(/^positions\/2\/price: /);
    }
  });

  it('round-trips every kopeck amount through its ruble text and through a JSON number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_00 }), (kopecks) => {
        const text = kopecksToRubles(kopecks);
        expect(text).toMatch(/^\d+\.\d{2}$/);
        expect(rublesToKopecks(text, 'x')).toBe(kopecks);
        expect(rublesToKopecks(Number(text), 'x')).toBe(kopecks);
      }),
    );
  });

  it('writes rubles with two decimals', () => {
    expect(kopecksToRubles(0)).toBe('0.00');
    expect(kopecksToRubles(5)).toBe('0.05');
    expect(kopecksToRubles(78132)).toBe('781.32');
    expect(kopecksToRubles(-150)).toBe('-1.50');
  });
});

describe('quantities', () => {
  it('accepts up to 3 decimals and keeps them exact', () => {
    expect(parseQuantity('0.455', 'q')).toBe(0.455);
    expect(parseQuantity(0.455, 'q')).toBe(0.455);
    expect(parseQuantity('3', 'q')).toBe(3);
    expect(parseQuantity('1.500', 'q')).toBe(1.5);
    expect(quantityText(0.455)).toBe('0.455');
    expect(quantityText(3)).toBe('3');
    expect(quantityText(1.5)).toBe('1.5');
  });

  it('refuses zero, more than 3 decimals and junk', () => {
    for (const bad of ['0', 0, '0.0004', 0.4555, '-1', 'kg']) {
      expect(refusal(() => parseQuantity(bad, 'positions/0/quantity')).message).toMatch(
        /^positions\/0\/quantity: должно быть количеством > 0/,
      );
    }
  });
});
