// Checks a receipt request before anything reaches the register, so an inconsistent receipt is
// refused whole instead of failing half-way through printing.

import { judgePayments } from '../register/payments.js';
import { type FiscalReceiptRequest, REGISTER_LOCAL_CODES } from '../register/types.js';
import { registerError } from './errors.js';

/** The register takes quantities in thousandths. */
export function quantityInThousandths(qty: number): number | null {
  const milli = Math.round(qty * 1000);
  if (!Number.isFinite(qty) || qty <= 0 || Math.abs(milli - qty * 1000) > 1e-6 || milli <= 0) return null;
  return milli;
}

/**
 * Σ line amounts and the change, after checking every line and the payments: they cover the total,
 * and only cash goes above it (the register prints the change).
 */
export function validateReceipt(r: FiscalReceiptRequest): { total: number; change: number } {
  const invalid = (detail: string) => registerError(REGISTER_LOCAL_CODES.INVALID_REQUEST, detail);
  if (r.lines.length === 0) throw invalid('a receipt needs at least one line');
  let total = 0;
  r.lines.forEach((line, i) => {
    const where = `line ${i + 1} (${line.name})`;
    if (line.name.trim() === '') throw invalid(`line ${i + 1} has no name`);
    if (!Number.isSafeInteger(line.price) || line.price < 0)
      throw invalid(`${where}: price must be whole kopecks`);
    if (!Number.isSafeInteger(line.amount) || line.amount < 0)
      throw invalid(`${where}: amount must be whole kopecks`);
    const milli = quantityInThousandths(line.qty);
    if (milli === null) throw invalid(`${where}: quantity must be positive with at most 3 decimals`);
    if (Math.abs(line.price * milli - line.amount * 1000) >= 1000) {
      throw invalid(`${where}: amount ${line.amount} is not price ${line.price} × qty ${line.qty}`);
    }
    total += line.amount;
  });
  for (const payment of r.payments) {
    if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) {
      throw invalid(`payment ${payment.type}: amount must be positive whole kopecks`);
    }
  }
  const verdict = judgePayments(r.payments, total);
  if (verdict.kind === 'below-due') {
    throw invalid(`payments ${verdict.paid} are below the receipt total ${total}`);
  }
  if (verdict.kind === 'non-cash-above-due') {
    throw invalid(
      `non-cash payments ${verdict.nonCash} exceed the receipt total ${total}: only cash gives change`,
    );
  }
  return { total, change: verdict.change };
}
