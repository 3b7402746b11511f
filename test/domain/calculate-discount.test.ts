import { describe, expect, it } from 'vitest';
import { calculate } from '../../src/domain/index.js';
import type { CouponState } from '../../src/domain/types.js';
import { customer, input, line, program } from './fixtures.js';

const FULL = program(); // with the MECHANICS promotions (yellow tags run in November 2026)

describe('best discount wins', () => {
  it('gives each line the best of tier and promotion, without stacking', () => {
    const r = calculate(
      input({
        program: FULL,
        lines: [line('1', 10000, 1, { tags: ['yellow-price'] }), line('2', 10000, 1)],
      }),
    );
    expect(r.lines.map((l) => l.discount)).toEqual([1500, 500]);
    expect(r.applied).toEqual([
      { kind: 'tier', id: 'silver', title: 'Скидка уровня «Серебро» 5 %', amount: 500 },
      { kind: 'promotion', id: 'yellow-tags', title: 'yellow-tags', amount: 1500 },
    ]);
  });

  it('does not apply a promotion outside its window', () => {
    const r = calculate(
      input({
        program: FULL,
        at: '2026-12-01T12:00:00+03:00',
        lines: [line('1', 10000, 1, { tags: ['yellow-price'] })],
      }),
    );
    expect(r.lines[0]!.discount).toBe(500);
  });

  it('gives the birthday discount in the window when it beats the tier', () => {
    const r = calculate(input({ customer: customer({ birthday: '11-24' }), lines: [line('1', 10000, 1)] }));
    expect(r.lines[0]!.discount).toBe(1000);
    expect(r.applied[0]).toMatchObject({ kind: 'birthday', amount: 1000 });
  });

  it('keeps the tier on an equal percent (gold 10 % vs birthday 10 %)', () => {
    const r = calculate(
      input({ customer: customer({ tierId: 'gold', birthday: '11-22' }), lines: [line('1', 10000, 1)] }),
    );
    expect(r.lines[0]!.discount).toBe(1000);
    expect(r.applied.map((a) => a.kind)).toEqual(['tier']);
  });

  it('gives no personal discount without a customer, but promotions still apply', () => {
    const r = calculate(
      input({
        program: FULL,
        customer: null,
        lines: [line('1', 10000, 1), line('2', 10000, 1, { tags: ['yellow-price'] })],
      }),
    );
    expect(r.lines.map((l) => l.discount)).toEqual([0, 1500]);
    expect(r.totals.accruedPoints).toBe(0);
    expect(r.tier).toBeNull();
  });

  it('rounds half up per line and handles a one-kopeck line', () => {
    // 5 % of 30 = 1.5 → 2; 5 % of 1 = 0.05 → 0.
    const r = calculate(input({ lines: [line('1', 30, 1), line('2', 1, 1)] }));
    expect(r.lines.map((l) => l.discount)).toEqual([2, 0]);
  });
});

describe('floors (minPrice)', () => {
  it('caps the discount so the line stays at its floor', () => {
    const r = calculate(input({ lines: [line('1', 10000, 1, { minPrice: 9700 })] }));
    expect(r.lines[0]!.discount).toBe(300);
  });

  it('lets a floor equal to the price absorb every discount and every point', () => {
    const r = calculate(input({ redeem: { max: true }, lines: [line('1', 10000, 2, { minPrice: 10000 })] }));
    expect(r.lines[0]).toMatchObject({ amount: 20000, discount: 0, redeemed: 0, paid: 20000 });
    expect(r.totals.redeemedPoints).toBe(0);
    expect(r.messages.some((m) => m.startsWith('Списано'))).toBe(false);
  });

  it('uses ceil(minPrice × qty) for weighed goods, never above the amount', () => {
    // a = round(1 × 0.4) = 0, ceil(1 × 0.4) = 1 → the floor is limited to the amount.
    const r = calculate(
      input({ lines: [line('1', 1, 0.4, { minPrice: 1 }), line('2', 10000, 0.333, { minPrice: 9999 })] }),
    );
    expect(r.lines[0]).toMatchObject({ amount: 0, discount: 0, paid: 0 });
    // a = 3330, floor = ceil(3329.667) = 3330 → no discount.
    expect(r.lines[1]).toMatchObject({ amount: 3330, discount: 0 });
  });
});

describe('tag rules', () => {
  it('never discounts, redeems or rewards tobacco', () => {
    const r = calculate(
      input({
        redeem: { max: true },
        customer: customer({ tierId: 'gold', birthday: '11-22', balance: { available: 100000, pending: 0 } }),
        coupons: [{ code: 'ALL', status: 'valid', percent: 50 }],
        lines: [line('1', 150000, 2, { tags: ['tobacco'] })],
      }),
    );
    expect(r.lines[0]).toMatchObject({ discount: 0, redeemed: 0, paid: 300000, accruedPoints: 0 });
    expect(r.totals).toMatchObject({ redeemedPoints: 0, accruedPoints: 0 });
    expect(r.coupons).toEqual([{ code: 'ALL', status: 'not-applicable' }]);
  });

  it('discounts and redeems alcohol but does not reward it', () => {
    const r = calculate(
      input({ redeem: { points: 10 }, lines: [line('1', 100000, 1, { tags: ['alcohol'] })] }),
    );
    expect(r.lines[0]).toMatchObject({ discount: 5000, redeemed: 1000, accruedPoints: 0 });
    expect(r.totals.accruedPoints).toBe(0);
  });

  it('lets a forbidding tag win over an allowing one on the same line', () => {
    const r = calculate(input({ lines: [line('1', 100000, 1, { tags: ['alcohol', 'gift-certificate'] })] }));
    expect(r.lines[0]!.discount).toBe(0);
  });
});

describe('coupons', () => {
  const run = (coupons: CouponState[], lines = [line('1', 10000, 1), line('2', 30000, 1)]) =>
    calculate(input({ coupons, lines }));

  it('applies a percent coupon that beats the tier', () => {
    const r = run([{ code: 'P20', status: 'valid', percent: 20, title: 'Скидка 20 %' }]);
    expect(r.lines.map((l) => l.discount)).toEqual([2000, 6000]);
    expect(r.coupons).toEqual([{ code: 'P20', status: 'applied' }]);
    expect(r.applied).toEqual([{ kind: 'coupon', id: 'P20', title: 'Скидка 20 %', amount: 8000 }]);
  });

  it('does not spend a percent coupon the tier already beats', () => {
    const r = run([{ code: 'P3', status: 'valid', percent: 3 }]);
    expect(r.lines.map((l) => l.discount)).toEqual([500, 1500]);
    expect(r.coupons).toEqual([{ code: 'P3', status: 'not-applicable' }]);
  });

  it('applies only the best of two percent coupons', () => {
    const r = run([
      { code: 'P20', status: 'valid', percent: 20 },
      { code: 'P25', status: 'valid', percent: 25 },
    ]);
    expect(r.totals.discount).toBe(10000);
    expect(r.coupons).toEqual([
      { code: 'P20', status: 'not-applicable' },
      { code: 'P25', status: 'applied' },
    ]);
  });

  it('passes unknown, used and expired coupons through and refuses an unmet minAmount', () => {
    const r = run([
      { code: 'U', status: 'unknown' },
      { code: 'X', status: 'used', percent: 50 },
      { code: 'E', status: 'expired', amount: 500 },
      { code: 'MIN', status: 'valid', percent: 30, minAmount: 40001 },
      { code: 'BAD', status: 'valid' },
    ]);
    expect(r.coupons.map((c) => c.status)).toEqual([
      'unknown',
      'used',
      'expired',
      'not-applicable',
      'not-applicable',
    ]);
    expect(r.totals.discount).toBe(2000);
  });

  it('counts minAmount on Σ a of the discountable lines (met at exactly the amount)', () => {
    const r = run([{ code: 'MIN', status: 'valid', percent: 30, minAmount: 40000 }]);
    expect(r.coupons[0]!.status).toBe('applied');
  });

  it('spreads a fixed coupon after the percent discount, by the remaining amounts', () => {
    const r = run([{ code: 'F10', status: 'valid', amount: 1000 }]);
    // After 5 %: 9500 and 28500 → 250 and 750.
    expect(r.lines.map((l) => l.discount)).toEqual([750, 2250]);
    expect(r.totals.discount).toBe(3000);
    expect(r.applied).toContainEqual({
      kind: 'coupon',
      id: 'F10',
      title: 'Купон F10 на 10,00 ₽',
      amount: 1000,
    });
    expect(r.coupons).toEqual([{ code: 'F10', status: 'applied' }]);
  });

  it('caps a fixed coupon at what the lines can absorb above their floors', () => {
    const r = run(
      [{ code: 'F', status: 'valid', amount: 100000 }],
      [line('1', 10000, 1, { minPrice: 9000 }), line('2', 5000, 1, { tags: ['tobacco'] })],
    );
    expect(r.lines[0]!.discount).toBe(1000);
    expect(r.lines[1]!.discount).toBe(0);
    expect(r.applied).toContainEqual(expect.objectContaining({ kind: 'coupon', id: 'F', amount: 500 }));
  });

  it('marks a fixed coupon not applicable when no line can give anything', () => {
    const r = run([{ code: 'F', status: 'valid', amount: 100 }], [line('1', 10000, 1, { minPrice: 10000 })]);
    expect(r.coupons).toEqual([{ code: 'F', status: 'not-applicable' }]);
    expect(r.totals.discount).toBe(0);
  });

  it('uses a repeated code once', () => {
    const r = run([
      { code: 'F', status: 'valid', amount: 100 },
      { code: 'F', status: 'valid', amount: 100 },
    ]);
    expect(r.coupons.map((c) => c.status)).toEqual(['applied', 'not-applicable']);
    expect(r.totals.discount).toBe(2000 + 100);
  });
});
