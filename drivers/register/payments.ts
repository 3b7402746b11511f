// The payments rule of a fiscal receipt (DEVICES.md, "Payments and change"): the customer may hand
// over more cash than is due and the register gives the difference back as change; no other
// payment type may go above what is due, and together the payments must cover it. Pure, shared by
// the register driver (before sending) and the agent (before printing and at confirm).

export interface PaymentLike {
  type: string;
  /** Kopecks. */
  amount: number;
}

export type PaymentsVerdict =
  | { kind: 'ok'; paid: number; change: number }
  | { kind: 'below-due'; paid: number; due: number }
  | { kind: 'non-cash-above-due'; nonCash: number; due: number };

/** Checks payments (whole non-negative kopecks) against what is due; the change is Σ − due. */
export function judgePayments(payments: readonly PaymentLike[], due: number): PaymentsVerdict {
  let paid = 0;
  let nonCash = 0;
  for (const p of payments) {
    paid += p.amount;
    if (p.type !== 'cash') nonCash += p.amount;
  }
  if (nonCash > due) return { kind: 'non-cash-above-due', nonCash, due };
  if (paid < due) return { kind: 'below-due', paid, due };
  return { kind: 'ok', paid, change: paid - due };
}

/**
 * The order the register is paid in: every non-cash payment first, cash last, so no non-cash
 * payment ever meets a register that has nothing left due (the register refuses that).
 */
export function registerPaymentOrder<T extends PaymentLike>(payments: readonly T[]): T[] {
  return [...payments.filter((p) => p.type !== 'cash'), ...payments.filter((p) => p.type === 'cash')];
}
