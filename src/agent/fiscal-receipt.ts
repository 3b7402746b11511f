// What the register prints for a sale through it: the positions with the prices after discount (the
// calculation's fiscal positions), the payments, and a non-fiscal loyalty block in words the
// register's code page can print.
import type { FiscalReceiptRequest } from '../../drivers/register/types.js';
import { formatRub } from '../domain/index.js';
import type { SaleRequest } from './register-sale-api.js';
import type { CalculateResponse } from './till-api.js';

/** The register's receipt for a sale: one position per fiscal position of each calculated line. */
export function fiscalRequest(req: SaleRequest, calc: CalculateResponse): FiscalReceiptRequest {
  const byId = new Map(req.lines.map((l) => [l.lineId, l]));
  const lines: FiscalReceiptRequest['lines'] = [];
  for (const line of calc.lines) {
    const name = byId.get(line.lineId)?.name ?? line.lineId;
    for (const p of line.fiscalPositions) lines.push({ name, qty: p.qty, price: p.price, amount: p.amount });
  }
  // A zero payment is how some tills say "not used"; the register refuses zero payments.
  const payments: FiscalReceiptRequest['payments'] = req.payments
    .filter((p) => p.amount > 0)
    .map((p) => ({ type: p.type, amount: p.amount }));
  // Points shown as a payment (fiscalMode "payment") are added by the agent, not by the till.
  if (calc.pointsPayment) payments.push({ type: 'other', amount: calc.pointsPayment.amount });
  const request: FiscalReceiptRequest = {
    receiptId: req.receiptId,
    kind: 'sale',
    lines,
    payments,
    footer: loyaltyFooter(calc),
  };
  if (req.cashier) request.cashier = req.cashier;
  return request;
}

/** The non-fiscal block printed inside the receipt: who, what the card gave, points and progress. */
export function loyaltyFooter(calc: CalculateResponse): string[] {
  const c = calc.customer;
  if (!c && calc.messages.length === 0) return [];
  const who = c ? [`Покупатель: ${c.displayName}${c.cardLast4 ? `, карта ****${c.cardLast4}` : ''}`] : [];
  return [
    'Программа лояльности',
    ...who,
    ...(calc.totals.discount > 0 ? [`Скидка по карте: ${formatRub(calc.totals.discount)}`] : []),
    ...calc.messages,
  ].map(forReceiptPaper);
}

/** Registers print in code page 866, which has no ₽, guillemets or long dashes: spell them plainly. */
const PAPER_SPELLING: [RegExp, string][] = [
  [/₽/g, 'руб.'],
  [/[«»„“”]/g, '"'],
  [/[−–—]/g, '-'],
];

export function forReceiptPaper(text: string): string {
  return PAPER_SPELLING.reduce((t, [from, to]) => t.replace(from, to), text);
}
