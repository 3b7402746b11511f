// A person settles a receipt held for review after comparing the register's journal: printed → it
// is confirmed with its fiscal document (whatever happened to its points hold or a cancel meanwhile:
// the customer paid the printed amount); not printed → it is cancelled and its hold released, as a
// till's cancel does. Repeating the same decision answers the same; the opposite one is 409.

import { AppError } from '../errors/catalogue.js';
import type { StateStore } from './ports.js';
import { type PrintedSale, printedFiscal } from './printed-sale.js';
import type { SaleLog } from './register-sale-api.js';
import type { PrintIntents } from './register-sale-recovery.js';
import { fiscalForPrinted, type ReviewDecision, type ReviewSettled } from './register-sale-review.js';

export class PrintReviewSettler {
  constructor(
    private readonly o: {
      till: PrintedSale;
      intents: StateStore<PrintIntents>;
      log?: SaleLog;
    },
  ) {}

  async settle(receiptId: string, decision: ReviewDecision): Promise<ReviewSettled> {
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
      settled = { receiptId, status: 'confirmed', fiscal: printedFiscal(this.o.till, receiptId) ?? fiscal };
    } else {
      // Its calculation may be gone (a damaged open-receipt file): then there is nothing to cancel.
      if (this.o.till.lookUp(receiptId).status !== 'unknown')
        await this.o.till.cancel(review.tillId, receiptId);
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
      throw new AppError(
        'RECEIPT_PRINTING',
        `Чек ${receiptId} будет решён по последнему документу кассового аппарата, а не вручную: подключите кассовый аппарат`,
      );
    }
    const found = this.o.till.lookUp(receiptId);
    const status = found.status;
    const fiscal = status === 'confirmed' ? found.fiscal : undefined;
    if (decision.outcome === 'printed' && status === 'confirmed') {
      return { receiptId, status: 'confirmed', ...(fiscal && { fiscal }) };
    }
    if (decision.outcome === 'not-printed' && status === 'cancelled')
      return { receiptId, status: 'cancelled' };
    if (status === 'confirmed' || status === 'cancelled') {
      throw new AppError(
        'RECEIPT_NOT_IN_REVIEW',
        `Чек ${receiptId} уже ${status === 'confirmed' ? 'проведён: отменить продажу можно возвратом' : 'отменён'}`,
        { status },
      );
    }
    throw new AppError('RECEIPT_NOT_FOUND', `Чек ${receiptId} не ждёт проверки вручную`);
  }
}
