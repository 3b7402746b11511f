// The till's payments against what a receipt asks (POS-API.md): cash may exceed what is due — the
// difference is the change — no other payment type may, and less than due is refused. Used by
// POST /v1/sales before printing and by confirm; the answers carry the change.

import { judgePayments, type PaymentLike } from '../../drivers/register/payments.js';
import { formatRub } from '../domain/index.js';
import { AppError } from '../errors/catalogue.js';

/**
 * Checks `payments` against `due` and returns the change (Σ payments − due). Refuses with 400
 * PAYMENTS_MISMATCH (a Russian message for the cashier, the figures in details) otherwise.
 */
export function checkPayments(payments: readonly PaymentLike[], due: number): number {
  const verdict = judgePayments(payments, due);
  if (verdict.kind === 'ok') return verdict.change;
  if (verdict.kind === 'below-due') {
    throw new AppError(
      'PAYMENTS_MISMATCH',
      `Оплачено ${formatRub(verdict.paid)}, а к оплате ${formatRub(due)}: не хватает ${formatRub(due - verdict.paid)}`,
      { toPay: due, paid: verdict.paid },
    );
  }
  throw new AppError(
    'PAYMENTS_MISMATCH',
    `Безналичная оплата ${formatRub(verdict.nonCash)} больше суммы к оплате ${formatRub(due)}: сдачу можно дать только с наличных`,
    { toPay: due, nonCash: verdict.nonCash },
  );
}

/**
 * What a confirm's payments must cover. When points are shown as a payment (fiscal mode
 * "payment"), the printed total is toPay plus the points, and a till may list the points as an
 * `other` payment: if its `other` payments reach the points amount, they count in what is due.
 */
export function dueAtConfirm(
  payments: readonly PaymentLike[],
  toPay: number,
  pointsPayment: { amount: number } | undefined,
): number {
  const points = pointsPayment?.amount ?? 0;
  if (points === 0) return toPay;
  const other = payments.filter((p) => p.type === 'other').reduce((s, p) => s + p.amount, 0);
  return other >= points ? toPay + points : toPay;
}

/** The change of a recorded sale: what its payments gave above what was due (0 without payments). */
export function changeOf(payments: readonly PaymentLike[] | undefined, due: number): number {
  if (!payments || payments.length === 0) return 0;
  const verdict = judgePayments(payments, due);
  return verdict.kind === 'ok' ? verdict.change : 0;
}
