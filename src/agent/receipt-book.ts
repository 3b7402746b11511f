// The till's one record of where each receipt stands: its calculation (open receipts) or its sale
// (the journal), the guards every operation on a receipt shares (404 none, 409 confirmed, cancelled,
// another till's), and the per-receipt lock that lets one operation at a time act on a receipt.
import { AppError } from '../errors/catalogue.js';
import { KeyedLock } from './keyed-lock.js';
import type { Journal, JournalEntry, OpenReceipt, OpenReceipts } from './ports.js';

/** How a guard words its 404 and treats a cancelled calculation. */
export interface OpenGuard {
  /** The 404 when there is no calculation: "не рассчитан" (to confirm) or "не найден" (to cancel, to read). */
  missing: 'не рассчитан' | 'не найден';
  /** A cancelled calculation: refused with 409 RECEIPT_CANCELLED (the default), or handed back. */
  cancelled?: 'refuse' | 'allow';
}

export class ReceiptBook {
  /**
   * One operation at a time per receipt (calculate, confirm, cancel, returns against it, a register
   * sale) and per returnId: each waits on the cloud or the disk between its checks and its write.
   */
  private readonly lock = new KeyedLock();

  constructor(
    readonly journal: Journal,
    readonly openReceipts: OpenReceipts,
  ) {}

  /**
   * Runs `work` as the only operation on the receipt: calls about it made from inside `work` are
   * part of it and run at once; every other one waits until `work` has ended.
   */
  exclusive<T>(receiptId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run([receiptKey(receiptId)], work);
  }

  /** A return: the only operation on its original receipt and on its returnId. */
  exclusiveReturn<T>(receiptId: string, returnId: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run([receiptKey(receiptId), `return:${returnId}`], work);
  }

  /** Receipts (and returnIds) with an operation running or waiting: 0 when the till is idle. */
  get inProgress(): number {
    return this.lock.size;
  }

  // ------------------------------------------------------------------ look-ups (never throw)

  /** The journal's sale of this receipt: from its append on, the receipt is confirmed. */
  saleOf(receiptId: string): JournalEntry | undefined {
    return this.journal.byReceipt(receiptId).find((e) => e.tx.kind === 'sale');
  }

  // ------------------------------------------------------------------ the guards, once

  /** 409 RECEIPT_CONFIRMED when the journal has the sale; `advice` tells the cashier what to do instead. */
  refuseIfConfirmed(receiptId: string, advice = ''): void {
    if (this.saleOf(receiptId)) {
      throw new AppError('RECEIPT_CONFIRMED', `Чек ${receiptId} уже проведён${advice}`);
    }
  }

  /** The calculation of a receipt, whatever its till or status: 404 when there is none. */
  calculation(receiptId: string, missing: OpenGuard['missing']): OpenReceipt {
    const open = this.openReceipts.get(receiptId);
    if (!open) throw new AppError('RECEIPT_NOT_FOUND', `Чек ${receiptId} ${missing}`);
    return open;
  }

  /**
   * The calculation this till may act on: 404 when there is none; 409 when it is cancelled (unless
   * `guard.cancelled` allows it) or open on another till.
   */
  openFor(tillId: string, receiptId: string, guard: OpenGuard): OpenReceipt {
    const open = this.calculation(receiptId, guard.missing);
    refuseForeignOrCancelled(open, tillId, guard.cancelled === 'allow' ? null : '');
    return open;
  }

  /**
   * The earlier calculation a till's calculate replaces, if any: 409 when it was cancelled (a new
   * receipt id is needed) or is open on another till.
   */
  previousFor(tillId: string, receiptId: string): OpenReceipt | undefined {
    const open = this.openReceipts.get(receiptId);
    if (open) refuseForeignOrCancelled(open, tillId, ': начните новый чек');
    return open;
  }
}

/** 409 for a calculation cancelled (when `cancelledAdvice` is not null) or open on another till. */
function refuseForeignOrCancelled(open: OpenReceipt, tillId: string, cancelledAdvice: string | null): void {
  if (cancelledAdvice !== null && open.status === 'cancelled') {
    throw new AppError('RECEIPT_CANCELLED', `Чек ${open.receiptId} отменён${cancelledAdvice}`);
  }
  if (open.tillId !== tillId) {
    throw new AppError('RECEIPT_OTHER_TILL', `Чек ${open.receiptId} открыт на другой кассе`);
  }
}

/** The lock key of everything about one receipt (its sale and the returns against it). */
function receiptKey(receiptId: string): string {
  return `receipt:${receiptId}`;
}
