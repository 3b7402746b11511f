import { describe, expect, it } from 'vitest';
import { calculate } from '../../src/domain/index.js';
import { customer, input, line, program } from './fixtures.js';

const rich = customer({ tierId: 'standard', periodSpend: 0, balance: { available: 100000, pending: 0 } });

describe('redemption', () => {
  it('limits the points by maxPercent of the base', () => {
    // Standard tier: no discount; 50 % of 10000 = 5000 kopecks = 50 points.
    const r = calculate(input({ customer: rich, redeem: { max: true }, lines: [line('1', 10000, 1)] }));
    expect(r.totals).toMatchObject({ redeemedPoints: 50, redeemedAmount: 5000, toPay: 5000 });
  });

  it('lets maxPercent 100 pay the whole receipt with points', () => {
    const p = program({ promotions: [], redemption: { maxPercent: 100 } });
    const r = calculate(
      input({ program: p, customer: rich, redeem: { max: true }, lines: [line('1', 12345, 1)] }),
    );
    // floor(12345 / 100) = 123 points; the 45 kopecks that are not a whole point stay to pay.
    expect(r.totals).toMatchObject({ redeemedPoints: 123, redeemedAmount: 12300, toPay: 45 });
    const whole = calculate(
      input({ program: p, customer: rich, redeem: { max: true }, lines: [line('1', 10000, 2)] }),
    );
    expect(whole.totals.toPay).toBe(0);
    expect(whole.lines[0]!.fiscalPositions).toEqual([{ qty: 2, price: 0, amount: 0 }]);
    expect(whole.totals.accruedPoints).toBe(0);
  });

  it('takes the smallest of asked, balance, percent and room', () => {
    const ask = (points: number, available = 100000) =>
      calculate(
        input({
          customer: customer({ tierId: 'standard', balance: { available, pending: 0 } }),
          redeem: { points },
          lines: [line('1', 10000, 1, { minPrice: 9000 })],
        }),
      ).totals.redeemedPoints;
    expect(ask(5)).toBe(5);
    expect(ask(5, 3)).toBe(3);
    expect(ask(0)).toBe(0);
    // The room above the floor is 1000 kopecks = 10 points (less than 50 % = 50 points).
    expect(ask(1000)).toBe(10);
    expect(ask(1000, -20)).toBe(0);
  });

  it('spends nothing below minPoints', () => {
    const p = program({ promotions: [], redemption: { maxPercent: 50, minPoints: 10 } });
    const r = calculate(
      input({ program: p, customer: rich, redeem: { points: 9 }, lines: [line('1', 10000, 1)] }),
    );
    expect(r.totals.redeemedPoints).toBe(0);
    const ok = calculate(
      input({ program: p, customer: rich, redeem: { points: 10 }, lines: [line('1', 10000, 1)] }),
    );
    expect(ok.totals.redeemedPoints).toBe(10);
  });

  it('spends nothing for a one-kopeck receipt', () => {
    const r = calculate(input({ customer: rich, redeem: { max: true }, lines: [line('1', 1, 1)] }));
    expect(r.totals).toMatchObject({ redeemedPoints: 0, toPay: 1 });
  });

  it('spends nothing without a customer, when redeem is not allowed, or when not asked', () => {
    const lines = [line('1', 10000, 1)];
    expect(calculate(input({ customer: null, redeem: { max: true }, lines })).totals.redeemedPoints).toBe(0);
    expect(
      calculate(input({ customer: rich, redeem: { max: true }, redeemAllowed: false, lines })).totals
        .redeemedPoints,
    ).toBe(0);
    expect(calculate(input({ customer: rich, lines })).totals.redeemedPoints).toBe(0);
  });

  describe('offline', () => {
    const lines = [line('1', 100000, 1)];
    it('spends nothing with the default offline allowance 0', () => {
      expect(
        calculate(input({ customer: rich, redeem: { max: true }, offline: true, lines })).totals
          .redeemedPoints,
      ).toBe(0);
    });
    it('takes the program allowance minus what was already redeemed offline', () => {
      const p = program({ promotions: [], redemption: { maxPercent: 50, offlineMaxPoints: 200 } });
      const run = (since: number) =>
        calculate(
          input({
            program: p,
            customer: rich,
            redeem: { max: true },
            offline: true,
            offlineRedeemedSinceSync: since,
            lines,
          }),
        ).totals.redeemedPoints;
      expect(run(0)).toBe(200);
      expect(run(150)).toBe(50);
      expect(run(250)).toBe(0);
    });
    it('prefers the customer allowance from the cloud', () => {
      const c = customer({
        tierId: 'standard',
        balance: { available: 1000, pending: 0 },
        offlineAllowance: 100,
      });
      const r = calculate(
        input({ customer: c, redeem: { max: true }, offline: true, offlineRedeemedSinceSync: 30, lines }),
      );
      expect(r.totals.redeemedPoints).toBe(70);
    });
    it('ignores the allowance online', () => {
      const r = calculate(input({ customer: rich, redeem: { max: true }, offline: false, lines }));
      expect(r.totals.redeemedPoints).toBe(500);
    });
  });

  it('shows points as a payment in fiscalMode "payment"', () => {
    const p = program({ promotions: [], redemption: { maxPercent: 50, fiscalMode: 'payment' } });
    const r = calculate(
      input({ program: p, customer: rich, redeem: { points: 30 }, lines: [line('1', 10000, 3)] }),
    );
    expect(r.pointsPayment).toEqual({ type: 'other', amount: 3000 });
    expect(r.lines[0]).toMatchObject({ amount: 30000, discount: 0, redeemed: 3000, paid: 27000 });
    // The fiscal price stays before points: 3 × 10000.
    expect(r.lines[0]!.fiscalPositions).toEqual([{ qty: 3, price: 10000, amount: 30000 }]);
    expect(r.totals.toPay).toBe(27000);
  });

  it('has no points payment in the default discount mode', () => {
    const r = calculate(input({ customer: rich, redeem: { points: 30 }, lines: [line('1', 10000, 3)] }));
    expect(r.pointsPayment).toBeUndefined();
    expect(r.lines[0]!.fiscalPositions).toEqual([{ qty: 3, price: 9000, amount: 27000 }]);
  });
});
