import { describe, expect, it } from 'vitest';
import { calculate, DomainError, validateReceiptLines } from '../../src/domain/index.js';
import type { CalculationInput } from '../../src/domain/types.js';
import { input, line } from './fixtures.js';

function detailsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('RECEIPT_INVALID');
    return (err as DomainError).details ?? [];
  }
  throw new Error('accepted');
}

describe('receipt validation', () => {
  it('refuses an empty receipt', () => {
    expect(detailsOf(() => calculate(input({ lines: [] })))).toEqual(['lines must not be empty']);
    expect(detailsOf(() => validateReceiptLines('x'))).toEqual(['lines must be an array']);
  });

  it('names every bad field of every line', () => {
    const details = detailsOf(() =>
      validateReceiptLines([
        { lineId: '1', sku: 'A', name: 'a', price: 100, qty: 0 },
        { lineId: '1', sku: 'B', name: 'b', price: -1, qty: 0.4555 },
        { lineId: '3', sku: '', name: 'c', price: 1.5, qty: 1, minPrice: 5 },
        { lineId: '4', sku: 'D', price: 100, qty: 2, minPrice: 101, tags: ['ok', 5] },
        'nope',
        { lineId: '6', sku: 'F', price: 100 },
      ]),
    );
    expect(details).toEqual([
      'lines/0/qty must be > 0',
      'lines/1/lineId duplicates lines/0/lineId',
      'lines/1/price must be ≥ 0',
      'lines/1/qty must have at most 3 decimals',
      'lines/2/sku must not be empty',
      'lines/2/price must be an integer',
      'lines/3/tags[1] must be a non-empty string',
      'lines/3/minPrice must not exceed price',
      'lines/4 must be an object',
      'lines/5/qty is required',
    ]);
  });

  it('refuses a line whose amount cannot be computed exactly', () => {
    expect(detailsOf(() => validateReceiptLines([{ lineId: '1', sku: 'A', price: 9e15, qty: 2 }]))).toEqual([
      'lines/0/price times qty is too large',
    ]);
  });

  it('accepts 3 decimals and keeps optional fields', () => {
    const [l] = validateReceiptLines([
      {
        lineId: '1',
        sku: 'C',
        name: 'Сыр',
        price: 129900,
        qty: 0.455,
        category: 'dairy',
        tags: [],
        minPrice: 0,
      },
    ]);
    expect(l).toEqual({
      lineId: '1',
      sku: 'C',
      name: 'Сыр',
      price: 129900,
      qty: 0.455,
      category: 'dairy',
      tags: [],
      minPrice: 0,
    });
  });

  it('refuses a bad time, zone, redeem request, customer and coupons', () => {
    const bad = {
      ...input(),
      at: '2026-11-22 14:05',
      redeem: { points: -1 },
      customer: { periodSpend: 1, balance: { available: 1.5, pending: 0 } },
      coupons: [{ code: 'X', status: 'maybe' }],
      offlineRedeemedSinceSync: -5,
    } as unknown as CalculationInput;
    expect(detailsOf(() => calculate(bad))).toEqual([
      'at must be an ISO-8601 instant with an offset, e.g. "2026-11-22T14:05:00+03:00"',
      'redeem must be {"points": N} with an integer N ≥ 0, or {"max": true}',
      'customer.balance must hold integer available and pending points',
      'offlineRedeemedSinceSync must be an integer ≥ 0',
      'coupons/0 must have a code and a status valid|unknown|used|expired',
    ]);
    expect(detailsOf(() => calculate(input({ timezone: 'Nowhere/City' })))).toEqual([
      'timezone must be an IANA time zone such as "Europe/Moscow"',
    ]);
  });

  it('does not modify its input', () => {
    const i = input({
      redeem: { max: true },
      lines: [line('1', 8990, 3), line('2', 100, 1, { tags: ['tobacco'] })],
    });
    const before = structuredClone(i);
    calculate(i);
    expect(i).toEqual(before);
  });
});
