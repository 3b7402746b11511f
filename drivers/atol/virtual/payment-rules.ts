// How the virtual register takes a payment (99) into an open receipt, as DEVICES.md describes a
// real one: cash may go above what remains due (the difference is the change it prints); any other
// payment type above what remains due is refused with NonCashAboveDue and changes nothing.

import type { JournalPayment } from './journal.js';

/** Payment type code of cash (99 type 1). */
export const CASH_PAYMENT_TYPE = 1;

/**
 * Refusal of a non-cash payment above what remains due. The code is our choice (check it against the
 * model's manual): DEVICES.md names the rule but not its code; it sits beside 114 "payments below total".
 */
export const NON_CASH_ABOVE_DUE = 115;

export type PaymentOutcome =
  | { accepted: true; remainder: number; change: number }
  | { accepted: false; error: number };

/** Registers `payment` into `payments` (mutated only when accepted) for a receipt of `total`. */
export function takePayment(
  payments: JournalPayment[],
  total: number,
  payment: JournalPayment,
): PaymentOutcome {
  const paidBefore = sumOf(payments);
  const dueBefore = Math.max(0, total - paidBefore);
  if (payment.type !== CASH_PAYMENT_TYPE && payment.amount > dueBefore) {
    return { accepted: false, error: NON_CASH_ABOVE_DUE };
  }
  payments.push(payment);
  const paid = paidBefore + payment.amount;
  return { accepted: true, remainder: Math.max(0, total - paid), change: Math.max(0, paid - total) };
}

/** The change a closed receipt prints: Σ payments − total (never negative). */
export function changeOf(payments: readonly JournalPayment[], total: number): number {
  return Math.max(0, sumOf(payments) - total);
}

function sumOf(payments: readonly JournalPayment[]): number {
  return payments.reduce((s, p) => s + p.amount, 0);
}
