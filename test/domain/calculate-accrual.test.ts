import { describe, expect, it } from 'vitest';
import { calculate } from '../../src/domain/index.js';
import { customer, input, line, program } from './fixtures.js';

const FULL = program();
const standard = customer({ tierId: 'standard', periodSpend: 0, balance: { available: 0, pending: 0 } });
const MONDAY_1430 = '2026-11-23T14:30:00+03:00';
const SUNDAY_1430 = '2026-11-22T14:30:00+03:00';
const cleaning = (qty: number) => line('c', 2000, qty, { category: 'cleaning' });

describe('accrual percent', () => {
  it('takes the tier percent below every threshold', () => {
    // 59999 × 5 % = 29.99 → 29.
    const r = calculate(input({ lines: [line('1', 63157, 1)] })); // silver: a − d = 63157 − 3158 = 59999
    expect(r.totals.accruedPoints).toBe(29);
    expect(r.applied.some((a) => a.kind === 'threshold')).toBe(false);
  });
  it('takes a threshold that beats the tier, judged on Σ (a − d)', () => {
    const r = calculate(input({ lines: [line('1', 63158, 1)] })); // a − d = 60000 → 10 %
    expect(r.totals.accruedPoints).toBe(60);
    expect(r.applied).toContainEqual({
      kind: 'threshold',
      id: 'threshold-60000',
      title: 'Начисление 10 % за покупку от 600,00 ₽',
    });
  });
  it('keeps a higher tier percent over a lower threshold', () => {
    const p = program({
      promotions: [],
      tiers: [{ id: 'vip', name: 'VIP', minSpend: 0, accrualPercent: 12 }],
    });
    const r = calculate(
      input({ program: p, customer: customer({ tierId: 'vip' }), lines: [line('1', 60000, 1)] }),
    );
    expect(r.totals.accruedPoints).toBe(72);
  });
  it('does not count tobacco toward a threshold', () => {
    const r = calculate(
      input({ customer: standard, lines: [line('1', 50000, 1), line('2', 50000, 1, { tags: ['tobacco'] })] }),
    );
    // Only 50000 may accrue: below 60000 → standard 3 % → 15.
    expect(r.totals.accruedPoints).toBe(15);
  });
  it('earns on the paid part only, unless onRedeemedPart', () => {
    const rich = customer({ tierId: 'standard', balance: { available: 1000, pending: 0 } });
    const lines = [line('1', 10000, 1)];
    expect(calculate(input({ customer: rich, redeem: { points: 50 }, lines })).totals.accruedPoints).toBe(1); // 5000 × 3 %
    const p = program({ promotions: [], accrual: { onRedeemedPart: true } });
    expect(
      calculate(input({ program: p, customer: rich, redeem: { points: 50 }, lines })).totals.accruedPoints,
    ).toBe(3);
  });
});

describe('multipliers', () => {
  it('doubles the cleaning line from 5 items', () => {
    const r = calculate(input({ program: FULL, customer: standard, lines: [cleaning(5)] }));
    expect(r.totals.accruedPoints).toBe(6); // 10000 × 3 % × 2
    expect(r.applied).toContainEqual({ kind: 'promotion', id: 'x2-cleaning', title: 'x2-cleaning' });
  });
  it('does not double below minQty', () => {
    expect(
      calculate(input({ program: FULL, customer: standard, lines: [cleaning(4)] })).totals.accruedPoints,
    ).toBe(2);
  });
  it('counts minQty over all matching lines', () => {
    const lines = [cleaning(3), line('d', 2000, 2, { category: 'cleaning' })];
    expect(calculate(input({ program: FULL, customer: standard, lines })).totals.accruedPoints).toBe(6);
  });
  it('does not stack two multipliers on one line (x2 and happy hours → x2)', () => {
    const r = calculate(input({ program: FULL, customer: standard, at: MONDAY_1430, lines: [cleaning(5)] }));
    expect(r.totals.accruedPoints).toBe(6);
  });
  it('takes the largest factor and lists only the promotion that set it', () => {
    const p = program({
      promotions: [
        { id: 'x2', kind: 'multiplier', factor: 2, match: { categories: ['cleaning'] } },
        { id: 'x3', kind: 'multiplier', factor: 3, match: { categories: ['cleaning'] } },
        { id: 'x1.5', kind: 'multiplier', factor: 1.5, match: {} },
      ],
    });
    const r = calculate(input({ program: p, customer: standard, lines: [cleaning(5)] }));
    expect(r.totals.accruedPoints).toBe(9); // 10000 × 3 % × 3
    expect(r.applied.filter((a) => a.kind === 'promotion').map((a) => a.id)).toEqual(['x3']);
  });

  it('applies happy hours on weekdays only, in the store zone', () => {
    const lines = [line('1', 10000, 1)];
    expect(
      calculate(input({ program: FULL, customer: standard, at: MONDAY_1430, lines })).totals.accruedPoints,
    ).toBe(6);
    expect(
      calculate(input({ program: FULL, customer: standard, at: SUNDAY_1430, lines })).totals.accruedPoints,
    ).toBe(3);
    // The same instant read in UTC is 11:30: outside the hours.
    expect(
      calculate(input({ program: FULL, customer: standard, at: MONDAY_1430, timezone: 'UTC', lines })).totals
        .accruedPoints,
    ).toBe(3);
  });
});

describe('bonus points', () => {
  it('adds a bonus promotion once when its minQty is reached', () => {
    const fuel = (qty: number) => [line('f', 5500, qty, { sku: 'AI-95' })];
    // 165000 ≥ 100000 → 20 %: 330 + 50.
    const r = calculate(input({ program: FULL, customer: standard, lines: fuel(30) }));
    expect(r.totals.accruedPoints).toBe(380);
    expect(r.applied).toContainEqual({ kind: 'promotion', id: 'fuel-30l', title: 'fuel-30l', points: 50 });
    // 29.999 l: a = roundHalfUp(164994.5) = 164995 → 329 points, no bonus.
    expect(
      calculate(input({ program: FULL, customer: standard, lines: fuel(29.999) })).totals.accruedPoints,
    ).toBe(329);
  });

  it('gives the birthday bonus in the window only while unused', () => {
    const p = program({
      promotions: [],
      birthday: { daysBefore: 3, daysAfter: 3, discountPercent: 0, bonusPoints: 100 },
    });
    const lines = [line('1', 10000, 1)];
    const run = (birthday: string, used?: boolean) =>
      calculate(
        input({
          program: p,
          customer: customer({ tierId: 'standard', birthday, birthdayBonusUsed: used }),
          lines,
        }),
      );
    const inWindow = run('11-25');
    expect(inWindow.totals.accruedPoints).toBe(103);
    expect(inWindow.applied).toContainEqual({
      kind: 'birthday',
      id: 'birthday',
      title: 'Бонус ко дню рождения',
      points: 100,
    });
    expect(run('11-25', true).totals.accruedPoints).toBe(3);
    expect(run('11-26').totals.accruedPoints).toBe(3);
  });

  it('gives the birthday bonus across the new year', () => {
    const p = program({
      promotions: [],
      birthday: { daysBefore: 3, daysAfter: 3, discountPercent: 10, bonusPoints: 100 },
    });
    const r = calculate(
      input({
        program: p,
        at: '2026-12-30T12:00:00+03:00',
        customer: customer({ tierId: 'standard', birthday: '01-01' }),
        lines: [line('1', 10000, 1)],
      }),
    );
    expect(r.lines[0]!.discount).toBe(1000);
    expect(r.totals.accruedPoints).toBe(100 + 2); // 9000 × 3 % = 2.7 → 2
    expect(r.applied.filter((a) => a.kind === 'birthday')).toEqual([
      { kind: 'birthday', id: 'birthday', title: 'Скидка ко дню рождения 10 %', amount: 1000, points: 100 },
    ]);
  });

  it('never rewards tobacco, not even with a bonus', () => {
    const p = program({ promotions: [{ id: 'any', kind: 'bonus', points: 10, match: {} }] });
    const r = calculate(input({ program: p, lines: [line('1', 10000, 1, { tags: ['tobacco'] })] }));
    expect(r.totals.accruedPoints).toBe(0);
    expect(r.applied).toEqual([]);
  });
});

describe('enrolment', () => {
  const lines = (price: number) => [line('1', price, 1)];
  it('enrols from autoEnrollMinAmount and adds the welcome points', () => {
    const r = calculate(input({ program: FULL, customer: null, enrolling: true, lines: lines(200000) }));
    expect(r.enrolled).toBe(true);
    // Base tier 3 %, threshold 20 % → 400, plus 150.
    expect(r.totals.accruedPoints).toBe(550);
    expect(r.lines[0]!.accruedPoints).toBe(550);
    expect(r.applied).toContainEqual({
      kind: 'enrollment',
      id: 'enrollment',
      title: 'Приветственные баллы',
      points: 150,
    });
    expect(r.tier?.id).toBe('standard');
    expect(r.messages[0]).toBe('Добро пожаловать в программу лояльности!');
  });
  it('does not enrol below the amount and then earns nothing', () => {
    const r = calculate(input({ program: FULL, customer: null, enrolling: true, lines: lines(199999) }));
    expect(r.enrolled).toBe(false);
    expect(r.totals.accruedPoints).toBe(0);
    expect(r.tier).toBeNull();
  });
  it('an unknown card below the amount is not enrolled but still earns at the base tier, without the bonus', () => {
    const r = calculate(
      input({
        program: FULL,
        customer: customer({ tierId: undefined, periodSpend: 0 }),
        enrolling: true,
        lines: lines(86000),
      }),
    );
    expect(r.enrolled).toBe(false);
    // 860 ₽ reaches the 800 ₽ threshold: 15 % of 86000 kopecks = 129 points; no welcome points.
    expect(r.totals.accruedPoints).toBe(129);
    expect(r.applied.some((a) => a.kind === 'enrollment')).toBe(false);
  });
  it('does not let an enrolling customer redeem or take a tier discount', () => {
    const r = calculate(
      input({
        customer: customer({ tierId: 'gold', balance: { available: 1000, pending: 0 } }),
        enrolling: true,
        redeem: { max: true },
        lines: lines(300000),
      }),
    );
    expect(r.totals).toMatchObject({ discount: 0, redeemedPoints: 0 });
    expect(r.enrolled).toBe(true);
  });
  it('does not count tobacco toward the enrolment amount', () => {
    const r = calculate(
      input({
        program: FULL,
        customer: null,
        enrolling: true,
        lines: [line('1', 250000, 1, { tags: ['tobacco'] })],
      }),
    );
    expect(r.enrolled).toBe(false);
  });
});

describe('per-line accrual', () => {
  it('spreads the total (with bonuses) by p × factor and sums exactly', () => {
    const r = calculate(
      input({
        program: FULL,
        customer: standard,
        lines: [cleaning(5), line('2', 10000, 1), line('f', 5500, 30, { sku: 'AI-95' })],
      }),
    );
    const sum = r.lines.reduce((s, l) => s + l.accruedPoints, 0);
    expect(sum).toBe(r.totals.accruedPoints);
    // 185000 ≥ 100000 → 20 %: (10000×2 + 10000 + 165000) × 20 % = 390, + 50 bonus = 440.
    expect(r.totals.accruedPoints).toBe(440);
    // Weights 20000 : 10000 : 165000 → 45.1 / 22.5 / 372.3 → 45 / 23 / 372 (remainders .13 / .56 / .31).
    expect(r.lines.map((l) => l.accruedPoints)).toEqual([45, 23, 372]);
  });
  it('puts a bonus on the lines by amount when everything was paid with points', () => {
    const p = program({
      promotions: [{ id: 'any', kind: 'bonus', points: 10, match: {} }],
      redemption: { maxPercent: 100 },
    });
    const r = calculate(
      input({
        program: p,
        customer: customer({ tierId: 'standard', balance: { available: 1000, pending: 0 } }),
        redeem: { max: true },
        lines: [line('1', 10000, 1), line('2', 30000, 1)],
      }),
    );
    expect(r.totals.toPay).toBe(0);
    expect(r.lines.map((l) => l.accruedPoints)).toEqual([3, 7]);
  });
});
