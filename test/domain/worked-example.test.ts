import { describe, expect, it } from 'vitest';
import { calculate } from '../../src/domain/index.js';
import { customer, EXAMPLE_PROGRAM, input, line } from './fixtures.js';

describe('MECHANICS worked example', () => {
  const result = calculate(
    input({
      program: EXAMPLE_PROGRAM,
      customer: customer({ tierId: 'silver', balance: { available: 300, pending: 0 } }),
      redeem: { max: true },
      lines: [
        line('A', 8990, 3, { name: 'Молоко' }),
        line('B', 21500, 1, { name: 'Сигареты', tags: ['tobacco'] }),
        line('C', 129900, 0.455, { name: 'Сыр' }),
      ],
    }),
  );
  const [a, b, c] = result.lines;

  it('computes amounts and discounts', () => {
    expect([a!.amount, b!.amount, c!.amount]).toEqual([26970, 21500, 59105]);
    expect(result.totals.amount).toBe(107575);
    expect([a!.discount, b!.discount, c!.discount]).toEqual([1349, 0, 2955]);
    expect(result.totals.discount).toBe(4304);
  });

  it('redeems 300 points spread 9400 / 20600 with the leftover kopeck on A', () => {
    expect(result.totals.redeemedPoints).toBe(300);
    expect(result.totals.redeemedAmount).toBe(30000);
    expect([a!.redeemed, b!.redeemed, c!.redeemed]).toEqual([9400, 0, 20600]);
  });

  it('pays 16221 / 21500 / 35550, to pay 73271', () => {
    expect([a!.paid, b!.paid, c!.paid]).toEqual([16221, 21500, 35550]);
    expect(result.totals.toPay).toBe(73271);
  });

  it('accrues 77 points at the 15 % threshold, nothing for tobacco', () => {
    expect(result.totals.accruedPoints).toBe(77);
    expect(b!.accruedPoints).toBe(0);
    expect(a!.accruedPoints + c!.accruedPoints).toBe(77);
    // Spread by p_i: 77 × 16221 / 51771 = 24.13 → 24, the rest 53 on C.
    expect([a!.accruedPoints, c!.accruedPoints]).toEqual([24, 53]);
    expect(result.applied).toContainEqual(
      expect.objectContaining({ kind: 'threshold', title: expect.stringContaining('15 %') }),
    );
  });

  it('produces the fiscal positions', () => {
    expect(a!.fiscalPositions).toEqual([{ qty: 3, price: 5407, amount: 16221 }]);
    expect(b!.fiscalPositions).toEqual([{ qty: 1, price: 21500, amount: 21500 }]);
    expect(c!.fiscalPositions).toEqual([{ qty: 0.455, price: 78132, amount: 35550 }]);
  });

  it('lists the tier discount and the messages', () => {
    expect(result.applied[0]).toEqual({
      kind: 'tier',
      id: 'silver',
      title: 'Скидка уровня «Серебро» 5 %',
      amount: 4304,
    });
    expect(result.tier?.id).toBe('silver');
    expect(result.enrolled).toBe(false);
    expect(result.pointsPayment).toBeUndefined();
    expect(result.messages).toEqual([
      'Списано 300 баллов',
      'Начислено 77 баллов',
      // 300 − 300 + 77 earned (available at once: pendingDays 0).
      'Баланс после покупки: 77 баллов',
      // periodSpend 600000 + (107575 − 4304) → 296729 left to gold's 1000000.
      'До уровня «Золото» осталось 2 967,29 ₽',
    ]);
  });
});
