import { describe, expect, it } from 'vitest';
import { calculate, formatPoints, pluralRu } from '../../src/domain/index.js';
import { customer, input, line, program } from './fixtures.js';

describe('Russian plurals', () => {
  it('chooses балл / балла / баллов', () => {
    const word = (n: number) => pluralRu(n, 'балл', 'балла', 'баллов');
    expect([0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1000].map(word)).toEqual([
      'баллов',
      'балл',
      'балла',
      'балла',
      'баллов',
      'баллов',
      'баллов',
      'баллов',
      'балл',
      'балла',
      'баллов',
      'балл',
      'баллов',
      'баллов',
    ]);
    expect(formatPoints(1500)).toBe('1 500 баллов');
    expect(formatPoints(21)).toBe('21 балл');
  });
});

describe('receipt messages', () => {
  it('tells points earned, the balance after the sale and the progress to the next tier', () => {
    const r = calculate(
      input({
        customer: customer({
          tierId: undefined,
          periodSpend: 870000,
          balance: { available: 42, pending: 5 },
        }),
        lines: [line('1', 10000, 1)],
        redeem: { points: 1 },
      }),
    );
    // silver: 10000 − 500 − 100 = 9400 paid → 4 points, available at once: 42 − 1 + 4 = 45;
    // gold at 1000000: tier spend counts amount − discount = 9500 → 1000000 − 870000 − 9500 = 120500.
    expect(r.messages).toEqual([
      'Списано 1 балл',
      'Начислено 4 балла',
      'Баланс после покупки: 45 баллов',
      'До уровня «Золото» осталось 1 205,00 ₽',
    ]);
  });

  it('says when earned points become available', () => {
    // silver: 95000 after discount → 15 % → 142 points.
    const p = program({ promotions: [], accrual: { pendingDays: 14 } });
    const r = calculate(input({ program: p, lines: [line('1', 100000, 1)] }));
    expect(r.messages).toContain('Начислено 142 балла (станут доступны через 14 дней)');
  });

  it('has no tier progress at the top tier and no customer lines without a customer', () => {
    const gold = calculate(input({ customer: customer({ tierId: 'gold' }), lines: [line('1', 10000, 1)] }));
    expect(gold.messages.some((m) => m.startsWith('До уровня'))).toBe(false);
    expect(calculate(input({ customer: null, lines: [line('1', 10000, 1)] })).messages).toEqual([]);
  });

  it('welcomes a new member with the bonus usable next time', () => {
    const r = calculate(
      input({ program: program(), customer: null, enrolling: true, lines: [line('1', 200000, 1)] }),
    );
    expect(r.messages).toEqual([
      'Добро пожаловать в программу лояльности!',
      'Приветственный бонус: 150 баллов, можно потратить со следующей покупки',
      'Начислено 550 баллов',
    ]);
  });
});
