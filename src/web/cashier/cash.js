// Cash handed over by the customer: what the cashier typed in "Получено наличными" turned into the
// confirm's payments and the change to give back. Empty = no payments sent (the agent checks nothing).

import { formatRubles, parseRubles } from './money.js';

/**
 * @param {string | null | undefined} text what the cashier typed
 * @param {number} toPay kopecks due, from the calculation
 * @returns {{ kind: 'none' } | { kind: 'error', message: string } | { kind: 'cash', amount: number, change: number }}
 */
export function cashGiven(text, toPay) {
  if (!text || text.trim() === '') return { kind: 'none' };
  const amount = parseRubles(text);
  if (amount === null || amount <= 0) {
    return { kind: 'error', message: 'Наличные: сумма в рублях, например 300 или 300,00.' };
  }
  if (amount < toPay) {
    return {
      kind: 'error',
      message: `Наличных ${formatRubles(amount)} меньше суммы к оплате ${formatRubles(toPay)}.`,
    };
  }
  return { kind: 'cash', amount, change: amount - toPay };
}

/**
 * The line under the field while typing: the change, or why the amount does not do.
 * @param {string | null | undefined} text
 * @param {number} toPay
 */
export function changeHint(text, toPay) {
  const given = cashGiven(text, toPay);
  if (given.kind === 'none') return '';
  if (given.kind === 'error') return given.message;
  return `Сдача: ${formatRubles(given.change)}`;
}
