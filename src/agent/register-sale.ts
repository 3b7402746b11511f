// POST /v1/sales: the agent calculates, prints the fiscal receipt with the prices after discount and a
// loyalty block, and confirms only after the register closed the receipt. A print intent is written
// before printing; whatever interrupts the print (crash, lost link, failed write) is settled from the
// register's last document before the next sale and at start: neither lost nor doubled.

import type { FiscalDocument, FiscalReceiptRequest, FiscalRegister } from '../../drivers/register/types.js';
import { REGISTER_LOCAL_CODES, RegisterError } from '../../drivers/register/types.js';
import { formatRub } from '../domain/index.js';
import { changeOf, checkPayments } from './payments-check.js';
import type { StateStore } from './ports.js';
import { judgeInterruptedPrint, type PrintIntent, type PrintIntents } from './register-sale-recovery.js';
import {
  fiscalForPrinted,
  fiscalOf,
  type PrintIntentView,
  printIntentViews,
  type ReviewDecision,
  type ReviewSettled,
} from './register-sale-review.js';
import { type CalculateRequest, type CalculateResponse, type Payment, TillError } from './till-api.js';
import type { TillService } from './till-service.js';

export type { PrintIntent, PrintIntents, PrintReview } from './register-sale-recovery.js';
export type {
  GivenFiscal,
  PrintIntentView,
  ReviewDecision,
  ReviewOutcome,
  ReviewSettled,
} from './register-sale-review.js';

export interface SaleRequest extends CalculateRequest {
  payments: Payment[];
  cashier?: { name: string; inn?: string };
  code?: string;
}

export interface SaleResponse extends CalculateResponse {
  fiscal: { fn: string; fd: string; fp: string; at: string };
  /** Cash to give back: Σ payments − toPay (0 when paid exactly). */
  change: number;
}

/** What settling interrupted prints did, by receipt id. */
export interface Settlement {
  confirmed: string[];
  dropped: string[];
  review: string[];
}

/** The part of a pino logger the service uses. */
export interface SaleLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class RegisterSaleService {
  /** One receipt at a time goes to the register; settling takes its turn in the same line. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: {
      till: TillService;
      register: FiscalRegister;
      intents: StateStore<PrintIntents>;
      now: () => Date;
      log?: SaleLog;
    },
  ) {}

  sell(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    return this.inTurn(() => this.sellNow(tillId, req));
  }

  /**
   * At start (and before every sale): each receipt whose printing began but whose confirm did not
   * happen is confirmed with the register's document when that document proves it was printed,
   * dropped when no document followed (it stays unconfirmed and expires), and otherwise left for a
   * human. Throws (502) when the register cannot be asked; the intents then wait.
   */
  recover(): Promise<Settlement> {
    return this.inTurn(() => this.settle());
  }

  /** The receipts interrupted while printing: those waiting for the register, then those for a person. */
  printIntents(): PrintIntentView[] {
    return printIntentViews(this.o.intents.read());
  }

  /** Whether the register may have printed this receipt and it is not settled yet. */
  holds(receiptId: string): boolean {
    const s = this.o.intents.read();
    return receiptId in s.printing || (s.review !== undefined && receiptId in s.review);
  }

  /**
   * A person who compared the register's journal settles a receipt held for review: printed → it is
   * confirmed with its fiscal document (whatever happened to its points hold or a cancel meanwhile:
   * the customer paid the printed amount); not printed → it is cancelled and its hold released, as
   * a till's cancel does. Repeating the same decision answers the same; the opposite one is 409.
   */
  settleReview(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled> {
    return this.inTurn(() => this.settleReviewNow(receiptId, decision));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sellNow(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    // A repeat of a confirmed sale needs no register; anything else waits until earlier prints are settled.
    const earlier = await this.confirmedSale(req.receiptId);
    if (earlier) return earlier;
    await this.settle();
    const review = this.o.intents.read().review?.[req.receiptId];
    if (review) {
      throw new TillError(
        409,
        'RECEIPT_NEEDS_REVIEW',
        `Receipt ${req.receiptId} was interrupted while printing and needs a check by hand: ${review.reason}`,
        { lastDocument: review.lastDocument },
      );
    }
    // From its calculation to its confirm the receipt is this sale's: a till's confirm, cancel or
    // recalculation of it waits, and then sees the sale.
    return this.o.till.exclusive(req.receiptId, () => this.sellReceipt(tillId, req));
  }

  private async sellReceipt(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    const done = await this.confirmedSale(req.receiptId);
    if (done) return done;

    const calc = await this.o.till.calculate(tillId, req);
    checkPayments(req.payments, calc.totals.toPay); // cash may exceed (change), nothing else may
    await this.o.till.precheckConfirm(tillId, req.receiptId, req.code);

    const request = this.fiscalRequest(req, calc);
    const before = await this.lastDocumentOrThrow();
    const intent: PrintIntent = {
      receiptId: req.receiptId,
      tillId,
      startedAt: this.o.now().toISOString(),
      fdBefore: before?.fd ?? '',
      total: request.lines.reduce((s, l) => s + l.amount, 0),
      payments: req.payments,
    };
    await this.o.intents.update((s) => {
      s.printing[req.receiptId] = intent;
    });
    let doc: FiscalDocument;
    try {
      doc = await this.o.register.printReceipt(request);
    } catch (err) {
      return this.afterPrintFailure(err, intent);
    }
    return this.confirmPrinted(intent, doc, calc);
  }

  /**
   * The driver promises nothing fiscal is left open, but not that nothing was closed (a link lost
   * after the close, an unreadable answer): ask the register before calling the sale failed.
   */
  private async afterPrintFailure(err: unknown, intent: PrintIntent): Promise<SaleResponse> {
    const neverSent = err instanceof RegisterError && err.deviceCode === REGISTER_LOCAL_CODES.INVALID_REQUEST;
    if (neverSent) {
      await this.dropIntent(intent.receiptId);
      throw registerFailure(err);
    }
    // When the register cannot be asked now, the intent waits for the next sale or the next start.
    await this.settle().catch(() => undefined);
    const settled = await this.confirmedSale(intent.receiptId);
    if (settled) return settled;
    throw registerFailure(err);
  }

  private async confirmPrinted(
    intent: PrintIntent,
    doc: FiscalDocument,
    calc: CalculateResponse,
  ): Promise<SaleResponse> {
    const fiscal = fiscalOf(doc);
    try {
      await this.confirmFiscal(intent, fiscal);
    } catch (err) {
      if (err instanceof TillError) {
        // Fiscal but refused by the loyalty side (cancelled meanwhile, calculation lost): a human decides.
        const reason = `printed as fiscal document ${doc.fd} but the confirm was refused: ${err.code} ${err.message}`;
        await this.toReview(intent, doc, reason);
        throw new TillError(409, 'RECEIPT_NEEDS_REVIEW', `Receipt ${intent.receiptId} ${reason}`, { fiscal });
      }
      // A local fault (disk): the intent stays, so repeating the same sale confirms it without printing.
      throw new TillError(
        503,
        'CONFIRM_PENDING',
        `Receipt ${intent.receiptId} was printed as fiscal document ${doc.fd} but not recorded yet: send the same sale again`,
        { fiscal, reason: (err as Error).message },
      );
    }
    await this.dropIntent(intent.receiptId);
    return { ...calc, status: 'confirmed', fiscal, change: changeOf(intent.payments, calc.totals.toPay) };
  }

  private async settle(): Promise<Settlement> {
    const intents = Object.values(this.o.intents.read().printing);
    const out: Settlement = { confirmed: [], dropped: [], review: [] };
    if (intents.length === 0) return out;
    const last = await this.lastDocumentOrThrow();
    for (const intent of intents) {
      if (this.o.till.fiscalOf(intent.receiptId)) {
        // Confirmed before the crash, which came before the intent was dropped.
        await this.dropIntent(intent.receiptId);
        out.confirmed.push(intent.receiptId);
        continue;
      }
      let verdict = judgeInterruptedPrint(intent, last);
      const others = intents.filter((i) => i.receiptId !== intent.receiptId).map((i) => i.receiptId);
      if (verdict.kind === 'printed' && others.length > 0) {
        verdict = { kind: 'unclear', reason: `${intents.length} receipts were printing at once` };
      }
      if (verdict.kind === 'not-printed') {
        await this.dropIntent(intent.receiptId);
        out.dropped.push(intent.receiptId);
        this.o.log?.warn(
          { receiptId: intent.receiptId, reason: verdict.reason },
          'interrupted print: not printed',
        );
      } else if (verdict.kind === 'unclear') {
        await this.toReview(intent, last, verdict.reason, others);
        out.review.push(intent.receiptId);
      } else {
        try {
          await this.confirmFiscal(intent, fiscalOf(verdict.document));
        } catch (err) {
          if (!(err instanceof TillError)) throw err; // a local fault: try again next time
          await this.toReview(
            intent,
            verdict.document,
            `printed but the confirm was refused: ${err.code} ${err.message}`,
          );
          out.review.push(intent.receiptId);
          continue;
        }
        await this.dropIntent(intent.receiptId);
        out.confirmed.push(intent.receiptId);
        this.o.log?.warn(
          { receiptId: intent.receiptId, fd: verdict.document.fd },
          'interrupted print: confirmed from the register',
        );
      }
    }
    return out;
  }

  /**
   * A receipt the register printed is a sale: it is confirmed even when its points hold expired
   * meanwhile (logged; the cloud books the points and records the late hold). Only a receipt the
   * till cancelled meanwhile, or whose calculation is gone, is refused (TillError).
   */
  private async confirmFiscal(intent: PrintIntent, fiscal: SaleResponse['fiscal']): Promise<void> {
    const done = await this.o.till.confirmPrinted(intent.tillId, intent.receiptId, {
      fiscal,
      payments: intent.payments,
    });
    if (done.waived.length > 0) {
      this.o.log?.warn(
        { receiptId: intent.receiptId, fd: fiscal.fd, waived: done.waived },
        'printed receipt confirmed although its points hold had expired: the cloud records the difference',
      );
    }
  }

  private async settleReviewNow(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled> {
    const review = this.o.intents.read().review?.[receiptId];
    if (!review) return this.settledBefore(receiptId, decision);
    let settled: ReviewSettled;
    if (decision.outcome === 'printed') {
      const fiscal = fiscalForPrinted(review, decision.fiscal);
      await this.o.till.confirmPrinted(
        review.tillId,
        receiptId,
        { fiscal, payments: review.payments },
        { evenIfCancelled: true },
      );
      settled = { receiptId, status: 'confirmed', fiscal: this.o.till.fiscalOf(receiptId) ?? fiscal };
    } else {
      try {
        await this.o.till.cancel(review.tillId, receiptId);
      } catch (err) {
        // Its calculation is gone (a damaged open-receipt file): there is nothing left to cancel.
        if (!(err instanceof TillError && err.code === 'RECEIPT_NOT_FOUND')) throw err;
      }
      settled = { receiptId, status: 'cancelled' };
    }
    await this.o.intents.update((s) => {
      delete s.review?.[receiptId];
    });
    this.o.log?.warn(
      { receiptId, outcome: decision.outcome, fd: settled.fiscal?.fd ?? null, reason: review.reason },
      'receipt held for review settled by hand',
    );
    return settled;
  }

  /** A decision about a receipt no longer (or never) held: the same answer again, or why not. */
  private async settledBefore(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled> {
    if (receiptId in this.o.intents.read().printing) {
      throw new TillError(
        409,
        'RECEIPT_PRINTING',
        `Receipt ${receiptId} waits to be settled from the register's last document, not by hand: connect the register`,
      );
    }
    const fiscal = this.o.till.fiscalOf(receiptId);
    const status = fiscal ? 'confirmed' : await this.receiptStatus(receiptId);
    if (decision.outcome === 'printed' && status === 'confirmed') {
      return { receiptId, status: 'confirmed', ...(fiscal && { fiscal }) };
    }
    if (decision.outcome === 'not-printed' && status === 'cancelled')
      return { receiptId, status: 'cancelled' };
    if (status === 'confirmed' || status === 'cancelled') {
      throw new TillError(
        409,
        'RECEIPT_NOT_IN_REVIEW',
        `Receipt ${receiptId} was already ${status}${status === 'confirmed' ? ': a return undoes a sale' : ''}`,
        { status },
      );
    }
    throw new TillError(404, 'RECEIPT_NOT_IN_REVIEW', `Receipt ${receiptId} is not held for review`);
  }

  private async receiptStatus(receiptId: string): Promise<string | null> {
    try {
      return (await this.o.till.get(receiptId)).status;
    } catch (err) {
      if (err instanceof TillError && err.status === 404) return null;
      throw err;
    }
  }

  private async confirmedSale(receiptId: string): Promise<SaleResponse | null> {
    try {
      const view = await this.o.till.get(receiptId);
      if (view.status !== 'confirmed') return null;
      const fiscal = this.o.till.fiscalOf(receiptId);
      if (!fiscal)
        throw new TillError(
          409,
          'RECEIPT_CONFIRMED',
          `Receipt ${receiptId} was confirmed without the register`,
        );
      const { synced: _synced, ...rest } = view;
      return { ...rest, fiscal, change: changeOf(this.o.till.paymentsOf(receiptId), view.totals.toPay) };
    } catch (err) {
      if (err instanceof TillError && err.status === 404) return null;
      throw err;
    }
  }

  private async lastDocumentOrThrow(): Promise<FiscalDocument | null> {
    try {
      return await this.o.register.lastDocument();
    } catch (err) {
      throw registerFailure(err);
    }
  }

  private fiscalRequest(req: SaleRequest, calc: CalculateResponse): FiscalReceiptRequest {
    const byId = new Map(req.lines.map((l) => [l.lineId, l]));
    const lines: FiscalReceiptRequest['lines'] = [];
    for (const line of calc.lines) {
      const name = byId.get(line.lineId)?.name ?? line.lineId;
      for (const p of line.fiscalPositions)
        lines.push({ name, qty: p.qty, price: p.price, amount: p.amount });
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

  private async toReview(
    intent: PrintIntent,
    last: FiscalDocument | null,
    reason: string,
    alsoPrinting: string[] = [],
  ): Promise<void> {
    await this.o.intents.update((s) => {
      delete s.printing[intent.receiptId];
      s.review ??= {};
      s.review[intent.receiptId] = {
        ...intent,
        reason,
        lastDocument: last,
        since: this.o.now().toISOString(),
        ...(alsoPrinting.length > 0 && { alsoPrinting }),
      };
    });
    this.o.log?.error(
      { receiptId: intent.receiptId, reason, lastFd: last?.fd ?? null, total: intent.total },
      'interrupted print needs a check by hand: compare the register journal with the receipt',
    );
  }

  private async dropIntent(receiptId: string): Promise<void> {
    await this.o.intents.update((s) => {
      delete s.printing[receiptId];
    });
  }
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

function registerFailure(err: unknown): TillError {
  if (err instanceof TillError) return err;
  if (err instanceof RegisterError) {
    return new TillError(502, 'REGISTER_ERROR', `Register error ${err.deviceCode}: ${err.message}`, {
      deviceCode: err.deviceCode,
      deviceText: err.message,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new TillError(502, 'REGISTER_ERROR', `Register unavailable: ${text}`, {
    deviceCode: REGISTER_LOCAL_CODES.DISCONNECTED,
    deviceText: text,
  });
}
