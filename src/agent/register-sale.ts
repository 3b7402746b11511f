// POST /v1/sales: the agent calculates, prints the fiscal receipt with the prices after discount and a
// loyalty block, and confirms only after the register closed the receipt. A print intent is written
// before printing; whatever interrupts the print (crash, lost link, failed write) is settled from the
// register's last document before the next sale and at start: neither lost nor doubled.

import type { FiscalDocument, FiscalRegister } from '../../drivers/register/types.js';
import { REGISTER_LOCAL_CODES, RegisterError } from '../../drivers/register/types.js';
import { OneAtATime } from '../../drivers/serial/one-at-a-time.js';
import { AppError } from '../errors/catalogue.js';
import { fiscalRequest } from './fiscal-receipt.js';
import { changeOf, checkPayments } from './payments-check.js';
import type { StateStore } from './ports.js';
import { PrintReviewSettler } from './print-review-settler.js';
import { type PrintedSale, printedFiscal } from './printed-sale.js';
import type { SaleLog, SaleRequest, SaleResponse, Settlement } from './register-sale-api.js';
import { judgeInterruptedPrint, type PrintIntent, type PrintIntents } from './register-sale-recovery.js';
import {
  fiscalOf,
  type PrintIntentView,
  printIntentViews,
  type ReviewDecision,
  type ReviewSettled,
} from './register-sale-review.js';
import type { CalculateResponse } from './till-api.js';

export { forReceiptPaper, loyaltyFooter } from './fiscal-receipt.js';
export type { SaleLog, SaleRequest, SaleResponse, Settlement } from './register-sale-api.js';
export type { PrintIntent, PrintIntents, PrintReview } from './register-sale-recovery.js';
export type {
  GivenFiscal,
  PrintIntentView,
  ReviewDecision,
  ReviewOutcome,
  ReviewSettled,
} from './register-sale-review.js';

export class RegisterSaleService {
  /** One receipt at a time goes to the register; settling takes its turn in the same line. */
  private readonly queue = new OneAtATime();
  private readonly reviews: PrintReviewSettler;

  constructor(
    private readonly o: {
      /** The till, through the narrow port of a printed sale. */
      till: PrintedSale;
      register: FiscalRegister;
      intents: StateStore<PrintIntents>;
      now: () => Date;
      log?: SaleLog;
    },
  ) {
    this.reviews = new PrintReviewSettler(o);
  }

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

  /** A person settles a receipt held for review (print-review-settler.ts), in the register's line. */
  settleReview(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled> {
    return this.inTurn(() => this.reviews.settle(receiptId, decision));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  private async sellNow(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    // A repeat of a confirmed sale needs no register; anything else waits until earlier prints are settled.
    const earlier = this.confirmedSale(req.receiptId);
    if (earlier) return earlier;
    await this.settle();
    const review = this.o.intents.read().review?.[req.receiptId];
    if (review) {
      throw new AppError(
        'RECEIPT_NEEDS_REVIEW',
        `Печать чека ${req.receiptId} была прервана: чек нужно проверить вручную по журналу кассы`,
        { lastDocument: review.lastDocument, reason: review.reason },
      );
    }
    // From its calculation to its confirm the receipt is this sale's: a till's confirm, cancel or
    // recalculation of it waits, and then sees the sale.
    return this.o.till.exclusive(req.receiptId, () => this.sellReceipt(tillId, req));
  }

  private async sellReceipt(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    const done = this.confirmedSale(req.receiptId);
    if (done) return done;

    const calc = await this.o.till.calculate(tillId, req);
    checkPayments(req.payments, calc.totals.toPay); // cash may exceed (change), nothing else may
    await this.o.till.precheckConfirm(tillId, req.receiptId, req.code);

    const request = fiscalRequest(req, calc);
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
    return this.finishPrinted(intent, doc, calc);
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
    const settled = this.confirmedSale(intent.receiptId);
    if (settled) return settled;
    throw registerFailure(err);
  }

  /**
   * The register printed the receipt: confirm it and answer the sale, or, when the till refuses the
   * confirm, hold it for a person (409); when the disk fails, keep the intent to repeat it (503).
   */
  private async finishPrinted(
    intent: PrintIntent,
    doc: FiscalDocument,
    calc: CalculateResponse,
  ): Promise<SaleResponse> {
    const fiscal = fiscalOf(doc);
    try {
      await this.confirmFiscal(intent, fiscal);
    } catch (err) {
      if (err instanceof AppError) {
        // Fiscal but refused by the loyalty side (cancelled meanwhile, calculation lost): a human decides.
        const reason = `printed as fiscal document ${doc.fd} but the confirm was refused: ${err.code} ${err.message}`;
        await this.toReview(intent, doc, reason);
        throw new AppError(
          'RECEIPT_NEEDS_REVIEW',
          `Чек ${intent.receiptId} напечатан (ФД ${doc.fd}), но не проведён в программе лояльности: ` +
            `${err.message}. Чек нужно проверить вручную`,
          { fiscal, reason },
        );
      }
      // A local fault (disk): the intent stays, so repeating the same sale confirms it without printing.
      throw new AppError(
        'CONFIRM_PENDING',
        `Чек ${intent.receiptId} напечатан (ФД ${doc.fd}), но ещё не сохранён: отправьте ту же продажу ещё раз`,
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
      if (printedFiscal(this.o.till, intent.receiptId)) {
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
          if (!(err instanceof AppError)) throw err; // a local fault: try again next time
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
   * till cancelled meanwhile, or whose calculation is gone, is refused (AppError).
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

  /** A repeat of a sale confirmed with its fiscal document; 409 when it was confirmed without one. */
  private confirmedSale(receiptId: string): SaleResponse | null {
    const found = this.o.till.lookUp(receiptId);
    if (found.status !== 'confirmed') return null;
    if (!found.fiscal)
      throw new AppError('RECEIPT_CONFIRMED', `Чек ${receiptId} уже проведён без кассового аппарата`);
    return { ...found.view, fiscal: found.fiscal, change: changeOf(found.payments, found.view.totals.toPay) };
  }

  private async lastDocumentOrThrow(): Promise<FiscalDocument | null> {
    try {
      return await this.o.register.lastDocument();
    } catch (err) {
      throw registerFailure(err);
    }
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

function registerFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof RegisterError) {
    return new AppError('REGISTER_ERROR', `Ошибка кассового аппарата ${err.deviceCode}: ${err.message}`, {
      deviceCode: err.deviceCode,
      deviceText: err.message,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new AppError('REGISTER_ERROR', `Кассовый аппарат недоступен: ${text}`, {
    deviceCode: REGISTER_LOCAL_CODES.DISCONNECTED,
    deviceText: text,
  });
}
