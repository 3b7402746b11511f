// A TillApi stand-in for the bridge tests: records every call and answers like the engine for the
// worked example of MECHANICS.md (silver tier 5 %, tobacco exempt, max 50 % in points, balance
// 300, threshold 15 % from 800 ₽), including fiscal positions and the 404/409 answers.
import type {
  CalculateRequest,
  CalculateResponse,
  ConfirmRequest,
  ConfirmResponse,
  CustomerQuery,
  CustomerView,
  IdentifyResponse,
  ReceiptView,
  ReturnRequest,
  ReturnResponse,
  TillApi,
} from '../../../src/agent/till-api.js';
import type { FiscalPosition, LineResult } from '../../../src/domain/types.js';
import { AppError } from '../../../src/errors/catalogue.js';

export type Call =
  | { op: 'calculate'; tillId: string; req: CalculateRequest }
  | { op: 'confirm'; tillId: string; receiptId: string; req: ConfirmRequest }
  | { op: 'cancel'; tillId: string; receiptId: string }
  | { op: 'createReturn'; tillId: string; req: ReturnRequest };

export const silverCustomer: CustomerView = {
  id: 'c-42',
  displayName: 'Анна К.',
  cardLast4: '0015',
  tier: { id: 'silver', name: 'Серебро', discountPercent: 5, accrualPercent: 5 },
  nextTier: { id: 'gold', name: 'Золото', remaining: 120000 },
  balance: { available: 300, pending: 0 },
  birthdayWindow: false,
  redeemNeedsCode: false,
};

const roundDiv = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));

/** Largest-remainder spread of `total` over `weights` (ties: the earlier). */
function spread(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  const order = weights
    .map((w, i) => ({ i, rem: (total * w) % sum }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left-- <= 0) break;
    parts[i]!++;
  }
  return parts;
}

function fiscalPositions(paid: number, qty: number): FiscalPosition[] {
  if (Number.isInteger(qty)) {
    const unit = Math.floor(paid / qty);
    const k = paid % qty;
    const out: FiscalPosition[] = [{ qty: qty - k, price: unit, amount: (qty - k) * unit }];
    if (k) out.push({ qty: k, price: unit + 1, amount: k * (unit + 1) });
    return out.filter((p) => p.qty > 0);
  }
  return [{ qty, price: roundDiv(paid * 1000, Math.round(qty * 1000)), amount: paid }];
}

export class FakeTill implements TillApi {
  readonly calls: Call[] = [];
  private readonly receipts = new Map<
    string,
    { calc: CalculateResponse; state: 'calculated' | 'confirmed' | 'cancelled' }
  >();
  private readonly returned = new Map<string, number>();
  private readonly returns = new Map<string, ReturnResponse>();
  /** The next call throws this instead of answering. */
  failNext: Error | null = null;

  private takeFailure(): void {
    const err = this.failNext;
    this.failNext = null;
    if (err) throw err;
  }

  async identify(_tillId: string, _q: CustomerQuery): Promise<IdentifyResponse> {
    return { customer: silverCustomer, source: 'cloud' };
  }

  async calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    this.calls.push({ op: 'calculate', tillId, req });
    this.takeFailure();
    const customer = req.customer ? silverCustomer : null;
    const exempt = req.lines.map((l) => (l.tags ?? []).includes('tobacco'));
    const amounts = req.lines.map((l) => roundDiv(l.price * Math.round(l.qty * 1000), 1000));
    const discounts = amounts.map((a, i) => (customer && !exempt[i] ? roundDiv(a * 5, 100) : 0));
    const net = amounts.map((a, i) => a - discounts[i]!);
    const base = net.reduce((s, n, i) => s + (exempt[i] ? 0 : n), 0);
    const asked = req.redeem ? ('max' in req.redeem ? Number.POSITIVE_INFINITY : req.redeem.points) : 0;
    const points = customer
      ? Math.min(asked, customer.balance.available, Math.floor((base * 50) / 100 / 100))
      : 0;
    const redeemed = spread(
      points * 100,
      net.map((n, i) => (exempt[i] ? 0 : n)),
    );
    const paid = net.map((n, i) => n - redeemed[i]!);
    const percent = customer ? (base >= 80000 ? 15 : 5) : 0;
    const weights = paid.map((p, i) => (exempt[i] ? 0 : p * percent));
    const accrued = Math.floor(weights.reduce((a, b) => a + b, 0) / 10000);
    const accruedPerLine = spread(accrued, weights);
    const lines: LineResult[] = req.lines.map((l, i) => ({
      lineId: l.lineId,
      amount: amounts[i]!,
      discount: discounts[i]!,
      redeemed: redeemed[i]!,
      paid: paid[i]!,
      accruedPoints: accruedPerLine[i]!,
      fiscalPositions: fiscalPositions(paid[i]!, l.qty),
    }));
    const sum = (f: (l: LineResult) => number) => lines.reduce((s, l) => s + f(l), 0);
    const calc: CalculateResponse = {
      receiptId: req.receiptId,
      status: 'calculated',
      offline: false,
      customer,
      lines,
      totals: {
        amount: sum((l) => l.amount),
        discount: sum((l) => l.discount),
        redeemedPoints: points,
        redeemedAmount: points * 100,
        toPay: sum((l) => l.paid),
        accruedPoints: accrued,
      },
      applied: customer
        ? [{ kind: 'tier', id: 'silver', title: 'Серебро 5 %', amount: sum((l) => l.discount) }]
        : [],
      coupons: (req.coupons ?? []).map((code) => ({ code, status: 'unknown' as const })),
      // The engine's wording of the points (src/domain/messages.ts), for the numbers these tests use.
      messages: [
        ...(points > 0 ? [`Списано ${points} баллов`] : []),
        ...(accrued > 0 ? [`Начислено ${accrued} баллов`] : []),
        ...(customer ? ['До уровня «Золото» осталось 1 200,00 ₽'] : []),
      ],
      expiresAt: '2026-11-22T14:20:00+03:00',
    };
    const existing = this.receipts.get(req.receiptId);
    if (existing && existing.state !== 'calculated')
      throw new AppError('RECEIPT_CONFIRMED', 'already closed');
    this.receipts.set(req.receiptId, { calc, state: 'calculated' });
    return calc;
  }

  async confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    this.calls.push({ op: 'confirm', tillId, receiptId, req });
    this.takeFailure();
    const r = this.receipts.get(receiptId);
    if (!r) throw new AppError('RECEIPT_NOT_FOUND', `No receipt ${receiptId}`);
    if (r.state === 'cancelled') throw new AppError('RECEIPT_CANCELLED', 'cancelled');
    r.state = 'confirmed';
    const t = r.calc.totals;
    return {
      receiptId,
      status: 'confirmed',
      totals: t,
      balance: { available: 300 - t.redeemedPoints + t.accruedPoints, pending: 0 },
    };
  }

  async cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }> {
    this.calls.push({ op: 'cancel', tillId, receiptId });
    const r = this.receipts.get(receiptId);
    if (!r) throw new AppError('RECEIPT_NOT_FOUND', `No receipt ${receiptId}`);
    if (r.state === 'confirmed') throw new AppError('RECEIPT_CONFIRMED', 'use a return');
    r.state = 'cancelled';
    return { receiptId, status: 'cancelled' };
  }

  async get(receiptId: string): Promise<ReceiptView> {
    const r = this.receipts.get(receiptId);
    if (!r) throw new AppError('RECEIPT_NOT_FOUND', `No receipt ${receiptId}`);
    return { ...r.calc, status: r.state, synced: false };
  }

  async createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    this.calls.push({ op: 'createReturn', tillId, req });
    this.takeFailure();
    const done = this.returns.get(req.returnId);
    if (done) return done;
    const r = this.receipts.get(req.receiptId);
    if (!r) throw new AppError('RECEIPT_NOT_FOUND', `No sale ${req.receiptId}`);
    if (r.state !== 'confirmed')
      throw new AppError('RECEIPT_NOT_FOUND', `Sale ${req.receiptId} not confirmed`);
    const lines = (req.lines ?? r.calc.lines.map((l) => ({ lineId: l.lineId, qty: Number.NaN }))).map(
      (want) => {
        const sold = r.calc.lines.find((l) => l.lineId === want.lineId);
        if (!sold) throw new AppError('RETURN_INVALID', `No line ${want.lineId}`);
        const soldQty = this.qtyOf(r.calc, want.lineId);
        const key = `${req.receiptId}/${want.lineId}`;
        const before = this.returned.get(key) ?? 0;
        const k = Number.isNaN(want.qty) ? soldQty - before : Math.round(want.qty * 1000);
        if (before + k > soldQty)
          throw new AppError('RETURN_EXCEEDS_SALE', `More than sold of ${want.lineId}`);
        this.returned.set(key, before + k);
        return {
          lineId: want.lineId,
          qty: k / 1000,
          paid: roundDiv(sold.paid * k, soldQty),
          redeemed: roundDiv(sold.redeemed * k, soldQty),
          accruedPoints: roundDiv(sold.accruedPoints * k, soldQty),
        };
      },
    );
    const refund = {
      amount: lines.reduce((s, l) => s + l.paid, 0),
      pointsReturned: Math.floor(lines.reduce((s, l) => s + l.redeemed, 0) / 100),
      pointsReversed: lines.reduce((s, l) => s + l.accruedPoints, 0),
    };
    const answer: ReturnResponse = { returnId: req.returnId, status: 'confirmed', refund, lines };
    this.returns.set(req.returnId, answer);
    return answer;
  }

  /** Sold quantity of a line in thousandths (from its fiscal positions). */
  private qtyOf(calc: CalculateResponse, lineId: string): number {
    const line = calc.lines.find((l) => l.lineId === lineId)!;
    return line.fiscalPositions.reduce((s, p) => s + Math.round(p.qty * 1000), 0);
  }
}
