// The page's "Получено наличными" field: what it sends and the change it shows, figures by hand.
import { describe, expect, it } from 'vitest';
import { cashGiven, changeHint } from '../../src/web/cashier/cash.js';

describe('cash handed over', () => {
  it('300 or 300,00 for 256,21 ₽: cash 300,00, change 43,79', () => {
    expect(cashGiven('300', 25621)).toEqual({ kind: 'cash', amount: 30000, change: 4379 });
    expect(cashGiven(' 300,00 ₽ ', 25621)).toEqual({ kind: 'cash', amount: 30000, change: 4379 });
    expect(changeHint('300', 25621)).toBe('Сдача: 43,79 ₽');
    expect(cashGiven('256,21', 25621)).toEqual({ kind: 'cash', amount: 25621, change: 0 });
  });

  it('empty sends no payments; less than due or nonsense is refused with a Russian hint', () => {
    expect(cashGiven('', 25621)).toEqual({ kind: 'none' });
    expect(cashGiven('   ', 25621)).toEqual({ kind: 'none' });
    expect(changeHint('', 25621)).toBe('');
    expect(cashGiven('256,20', 25621)).toEqual({
      kind: 'error',
      message: 'Наличных 256,20 ₽ меньше суммы к оплате 256,21 ₽.',
    });
    expect(cashGiven('три', 25621).kind).toBe('error');
    expect(cashGiven('0', 25621).kind).toBe('error');
  });
});
