// Identify and calculate (POS-API.md): the customer online or from the cache, coupons checked, the
// engine run, points held in the cloud for an online redemption, the calculation written durably.
// All cloud calls of one request share one online deadline (MECHANICS "Offline").
import { calculate, DomainError } from '../domain/index.js';
import type { CalculationInput, CalculationResult } from '../domain/types.js';
import { AppError } from '../errors/catalogue.js';
import { checkCoupons } from './coupon-check.js';
import type { CustomerResolver } from './customer-resolver.js';
import { customerView } from './customer-view.js';
import type { KnownCustomers } from './known-customers.js';
import { OnlineDeadline } from './online-deadline.js';
import type { PointsHolds } from './points-holds.js';
import type { CloudGateway, OpenReceipt } from './ports.js';
import type { ProgramHolder } from './program-holder.js';
import type { ReceiptBook } from './receipt-book.js';
import { calculationView } from './receipt-views.js';
import type { CalculateRequest, CalculateResponse, CustomerQuery, IdentifyResponse } from './till-api.js';

export class Calculator {
  private readonly calculatedListeners = new Set<(tillId: string, res: CalculateResponse) => void>();

  constructor(
    private readonly o: {
      book: ReceiptBook;
      customers: KnownCustomers;
      holds: PointsHolds;
      resolver: CustomerResolver;
      program: ProgramHolder;
      cloud: CloudGateway | null;
      cloudOnline: () => boolean;
      timezone: string;
      receiptTtlSec: number;
      now: () => Date;
      onlineDeadlineMs?: number;
      monotonic?: () => number;
    },
  ) {}

  /** Devices that show the receipt (customer display) listen here; a failing listener is ignored. */
  onCalculated(cb: (tillId: string, res: CalculateResponse) => void): () => void {
    this.calculatedListeners.add(cb);
    return () => this.calculatedListeners.delete(cb);
  }

  async identify(tillId: string, q: CustomerQuery): Promise<IdentifyResponse> {
    const resolved = await this.o.resolver.resolve(tillId, q, { budget: this.onlineBudget() });
    if (!resolved.customer)
      throw new AppError('CUSTOMER_NOT_FOUND', 'Покупатель с такой картой или телефоном не найден');
    const at = this.o.now().toISOString();
    const { snapshot } = this.o.customers.snapshotOf(resolved);
    return {
      customer: customerView(this.o.program.current(), resolved, snapshot, at, this.o.timezone),
      source: resolved.source === 'cloud' ? 'cloud' : 'cache',
    };
  }

  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    return this.o.book.exclusive(req.receiptId, () => this.calculateNow(tillId, req));
  }

  private async calculateNow(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    const book = this.o.book;
    book.refuseIfConfirmed(req.receiptId);
    const previous = book.previousFor(tillId, req.receiptId);
    const now = this.o.now();
    const at = req.at ?? now.toISOString();
    const program = this.o.program.current();

    // Every cloud call below shares this one budget: a hanging cloud costs the deadline once.
    const budget = this.onlineBudget();
    const resolved = req.customer
      ? await this.o.resolver.resolve(tillId, req.customer, { receiptId: req.receiptId, budget })
      : null;
    const coupons = await checkCoupons(this.o.cloud, req.coupons ?? [], resolved?.customer?.id, budget);
    let offline = resolved ? resolved.offline : !this.o.cloud || !this.o.cloudOnline();
    if (coupons.offline) offline = true;

    const who = resolved ? this.o.customers.snapshotOf(resolved, offline) : null;
    const base: CalculationInput = {
      program,
      lines: req.lines,
      at,
      timezone: this.o.timezone,
      customer: who?.snapshot ?? null,
      redeem: req.redeem,
      coupons: coupons.states,
      offline,
      offlineRedeemedSinceSync: who?.offlineRedeemed ?? 0,
      redeemAllowed: !!resolved?.customer && !(resolved.via === 'phone' && offline),
      enrolling: !!resolved && !resolved.customer,
    };
    let result = run(base);
    // An unknown phone that does not reach the enrolment amount is not a customer of this sale.
    let customerResolved = resolved;
    if (resolved && !resolved.customer && resolved.via === 'phone' && !result.enrolled) {
      customerResolved = null;
      result = run({ ...base, customer: null, enrolling: false, redeemAllowed: false });
    }

    // Online redemption holds the points in the cloud until the receipt is confirmed or cancelled.
    let holdId: string | undefined;
    if (previous?.holdId) await this.o.holds.release(previous.holdId, budget);
    if (result.totals.redeemedPoints > 0 && !offline && this.o.cloud && resolved?.customer) {
      const hold = await this.o.holds.place(
        req.receiptId,
        resolved.customer.id,
        result.totals.redeemedPoints,
        budget,
      );
      if (hold.kind === 'held') holdId = hold.holdId;
      else if (hold.kind === 'insufficient') {
        result = run({ ...base, redeem: undefined });
        result.messages.unshift('Недостаточно баллов для оплаты: баллы не списаны');
      } else {
        // The cloud did not answer in time: judge the receipt as offline, with the offline allowance.
        offline = true;
        result = run({ ...base, offline: true });
      }
    }

    const expiresAt = new Date(now.getTime() + this.o.receiptTtlSec * 1000).toISOString();
    const open: OpenReceipt = {
      receiptId: req.receiptId,
      tillId,
      status: 'calculated',
      createdAt: now.toISOString(),
      expiresAt,
      at,
      offline,
      programVersion: program.version,
      customer: customerResolved
        ? {
            id: customerResolved.customer?.id,
            card: customerResolved.card,
            phone: customerResolved.phone,
            tierId: result.tier?.id,
            known: !!customerResolved.customer,
            via: customerResolved.via,
          }
        : null,
      lines: req.lines,
      redeem: req.redeem,
      coupons: coupons.states,
      holdId,
      result,
    };
    const view =
      customerResolved && who
        ? customerView(program, customerResolved, who.snapshot, at, this.o.timezone)
        : null;
    open.customerView = view;
    await book.openReceipts.put(open);
    const response = calculationView(open, view, 'calculated');
    for (const l of this.calculatedListeners) {
      try {
        l(tillId, response);
      } catch {
        // a display problem never fails a receipt
      }
    }
    return response;
  }

  private onlineBudget(): OnlineDeadline {
    return new OnlineDeadline(this.o.onlineDeadlineMs ?? 800, this.o.monotonic);
  }
}

/** The engine, its refusals (a bad line, a bad redemption) as the till's 400. */
function run(input: CalculationInput): CalculationResult {
  try {
    return calculate(input);
  } catch (err) {
    if (err instanceof DomainError) throw new AppError(err.code, err.message, err.details);
    throw err;
  }
}
