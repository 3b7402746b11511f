// Confirm and cancel (POS-API.md). A confirm checks what the till may not do (a cancelled receipt,
// another till's, an expired points hold, a missing phone code, payments that do not cover it), then
// appends the sale — and the enrolment it causes — to the journal in one durable write: from there
// the receipt is confirmed, and a repeat answers the same. A cancel releases the hold and leaves a
// tombstone so a late confirm is refused.
import { AppError } from '../errors/catalogue.js';
import type { Fiscal, Tx } from '../protocol/sync.js';
import type { KnownCustomers } from './known-customers.js';
import { changeOf, checkPayments, dueAtConfirm } from './payments-check.js';
import type { PhoneCodeCheck } from './phone-code.js';
import type { PointsHolds } from './points-holds.js';
import type { OpenReceipt } from './ports.js';
import type { OpenGuard, ReceiptBook } from './receipt-book.js';
import { type SaleMeta, saleTxs } from './sale-tx.js';
import type { ConfirmRequest, ConfirmResponse } from './till-api.js';

// The guards' words per operation (built once: a confirm allocates nothing for them).
const TO_CONFIRM: OpenGuard = { missing: 'не рассчитан' };
/** A person settles a printed receipt: a cancel meanwhile does not stop it. */
const TO_SETTLE: OpenGuard = { missing: 'не рассчитан', cancelled: 'allow' };
/** Cancelling again answers the same. */
const TO_CANCEL: OpenGuard = { missing: 'не найден', cancelled: 'allow' };

/** What `confirmPrinted` let through that a till's confirm would have refused. */
export type PrintedConfirmWaiver = 'hold-expired' | 'cancelled';

export class Confirmer {
  constructor(
    private readonly o: {
      book: ReceiptBook;
      customers: KnownCustomers;
      holds: PointsHolds;
      codes: PhoneCodeCheck;
      sale: SaleMeta;
      now: () => Date;
      /** Called after each durable confirm (the sync client pushes soon after). */
      onJournalAppend?: () => void;
    },
  ) {}

  confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    return this.o.book.exclusive(receiptId, () => this.confirmNow(tillId, receiptId, req));
  }

  private async confirmNow(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    const done = this.o.book.saleOf(receiptId);
    if (done) return this.confirmResponse(done.tx);
    const open = this.o.book.openFor(tillId, receiptId, TO_CONFIRM);
    if (this.holdExpired(open)) {
      throw new AppError(
        'RECEIPT_EXPIRED',
        `Резерв баллов по чеку ${receiptId} истёк: рассчитайте чек заново`,
      );
    }
    if (req.payments && req.payments.length > 0) {
      const r = open.result;
      checkPayments(req.payments, dueAtConfirm(req.payments, r.totals.toPay, r.pointsPayment));
    }
    await this.o.codes.check(open, req.code);
    return this.recordSale(open, req);
  }

  /** The checks of confirm that need no write: a register sale runs them before printing. */
  precheckConfirm(tillId: string, receiptId: string, code: string | undefined): Promise<void> {
    return this.o.book.exclusive(receiptId, async () => {
      const open = this.o.book.openFor(tillId, receiptId, TO_CONFIRM);
      await this.o.codes.check(open, code);
    });
  }

  /**
   * Confirms a receipt the register has printed (a register sale, its recovery after a crash, or a
   * person settling one held for review). The fiscal document makes it a sale: the customer paid
   * what was printed. So an expired points hold does not stop it — the transaction still names the
   * hold and the redeemed points, and the cloud books them and records that the hold had expired
   * (any shortfall is owed) — and neither does a phone code, which was checked before printing.
   * A receipt cancelled meanwhile is a conflict only a person settles: refused unless
   * `evenIfCancelled`. `waived` names what a till's confirm would have refused.
   */
  confirmPrinted(
    tillId: string,
    receiptId: string,
    req: ConfirmRequest & { fiscal: Fiscal },
    o: { evenIfCancelled?: boolean } = {},
  ): Promise<ConfirmResponse & { waived: PrintedConfirmWaiver[] }> {
    return this.o.book.exclusive(receiptId, async () => {
      const done = this.o.book.saleOf(receiptId);
      if (done) return { ...this.confirmResponse(done.tx), waived: [] };
      const open = this.o.book.openFor(tillId, receiptId, o.evenIfCancelled ? TO_SETTLE : TO_CONFIRM);
      const waived: PrintedConfirmWaiver[] = [];
      if (open.status === 'cancelled') waived.push('cancelled');
      else if (this.holdExpired(open)) waived.push('hold-expired');
      return { ...(await this.recordSale(open, req)), waived };
    });
  }

  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }> {
    return this.o.book.exclusive(receiptId, async () => {
      this.o.book.refuseIfConfirmed(receiptId, ': оформите возврат');
      const open = this.o.book.openFor(tillId, receiptId, TO_CANCEL);
      if (open.status !== 'cancelled') await this.tombstone(open);
      return { receiptId, status: 'cancelled' as const };
    });
  }

  /**
   * The TTL reaper's cancel of a calculation it found expired. It takes its turn like a till's
   * cancel and does nothing when, meanwhile, the receipt was confirmed, cancelled or calculated again.
   */
  cancelOpen(seen: OpenReceipt): Promise<void> {
    return this.o.book.exclusive(seen.receiptId, async () => {
      if (this.o.book.saleOf(seen.receiptId)) return;
      const open = this.o.book.openReceipts.get(seen.receiptId);
      if (open?.status !== 'calculated' || open.expiresAt !== seen.expiresAt) return;
      await this.tombstone(open);
    });
  }

  /** The answer to a confirm, from what the journal stored. */
  confirmResponse(tx: Tx): ConfirmResponse {
    const res: ConfirmResponse = {
      receiptId: tx.receiptId,
      status: 'confirmed',
      totals: tx.totals,
      balance: this.o.customers.balanceOf(tx),
    };
    if (tx.payments && tx.payments.length > 0) {
      res.change = changeOf(tx.payments, dueAtConfirm(tx.payments, tx.totals.toPay, tx.pointsPayment));
    }
    return res;
  }

  /** Appends the sale (and its enrolment) to the journal: from here the receipt is confirmed. */
  private async recordSale(open: OpenReceipt, req: ConfirmRequest): Promise<ConfirmResponse> {
    const receiptId = open.receiptId;
    await this.o.book.journal.appendMany(saleTxs(open, req, this.o.sale));
    // The sale is durable from here. Removing the open receipt is housekeeping: the answer does not
    // wait for it (one fsync less per confirm); a copy a crash leaves behind is removed at start.
    void this.o.book.openReceipts.remove(receiptId).catch(() => undefined);
    this.o.onJournalAppend?.();
    const sale = this.o.book.saleOf(receiptId);
    if (!sale) throw new Error(`journal lost receipt ${receiptId} right after appending it`);
    return this.confirmResponse(sale.tx);
  }

  /** A calculation with a points hold past its lifetime: the cloud may have let the points go. */
  private holdExpired(open: OpenReceipt): boolean {
    return !!open.holdId && Date.parse(open.expiresAt) < this.o.now().getTime();
  }

  /** Releases the hold and keeps a tombstone so a late confirm is refused. */
  private async tombstone(open: OpenReceipt): Promise<void> {
    if (open.holdId) await this.o.holds.release(open.holdId);
    await this.o.book.openReceipts.put({ ...open, status: 'cancelled', holdId: undefined });
  }
}
