// A receipt held for review (the agent could not tell whether the register printed it) is settled
// by a person who compared the register's journal: printed → confirmed with its fiscal document,
// not printed → cancelled. Here: what that person is shown (never the one-time code), and which
// fiscal document a "printed" decision is confirmed with.
import type { FiscalDocument } from '../../drivers/register/types.js';
import { AppError } from '../errors/catalogue.js';
import type { Fiscal } from '../protocol/sync.js';
import { judgeInterruptedPrint, type PrintIntents, type PrintReview } from './register-sale-recovery.js';
import type { Payment } from './till-api.js';

export type ReviewOutcome = 'printed' | 'not-printed';

/**
 * A fiscal document as the person read it in the register's journal. `fn` defaults to the FN of
 * the register's last document; `at` to that document's time when it is the same document.
 */
export interface GivenFiscal {
  fd: string;
  fp: string;
  fn?: string;
  at?: string;
}

export interface ReviewDecision {
  outcome: ReviewOutcome;
  fiscal?: GivenFiscal;
}

export interface ReviewSettled {
  receiptId: string;
  status: 'confirmed' | 'cancelled';
  fiscal?: Fiscal;
}

/** An interrupted print as store IT sees it: ids, amounts and the register's witness. */
export interface PrintIntentView {
  receiptId: string;
  tillId: string;
  /** printing: waits for the register to be asked; review: waits for a person. */
  state: 'printing' | 'review';
  startedAt: string;
  fdBefore: string;
  /** Kopecks the fiscal document must show. */
  total: number;
  payments: Payment[];
  reason?: string;
  since?: string;
  lastDocument?: FiscalDocument | null;
}

/** Every intent, those waiting for the register first, each group oldest first. */
export function printIntentViews(s: PrintIntents): PrintIntentView[] {
  const byStart = (a: PrintIntentView, b: PrintIntentView) => a.startedAt.localeCompare(b.startedAt);
  const printing = Object.values(s.printing).map(
    (i): PrintIntentView => ({
      receiptId: i.receiptId,
      tillId: i.tillId,
      state: 'printing',
      startedAt: i.startedAt,
      fdBefore: i.fdBefore,
      total: i.total,
      payments: i.payments,
    }),
  );
  const review = Object.values(s.review ?? {}).map(
    (r): PrintIntentView => ({
      receiptId: r.receiptId,
      tillId: r.tillId,
      state: 'review',
      startedAt: r.startedAt,
      fdBefore: r.fdBefore,
      total: r.total,
      payments: r.payments,
      reason: r.reason,
      since: r.since,
      lastDocument: r.lastDocument,
    }),
  );
  return [...printing.sort(byStart), ...review.sort(byStart)];
}

/**
 * The document a receipt the person says was printed is confirmed with: the one they give, or
 * else the register's last document when it is recognisably this receipt (right number range and
 * total, and no other receipt was printing at the same time). Anything else is refused (409) so a
 * sale is never tied to another receipt's document.
 */
export function fiscalForPrinted(review: PrintReview, given: GivenFiscal | undefined): Fiscal {
  const last = review.lastDocument;
  if (!given) {
    const alone = (review.alsoPrinting ?? []).length === 0;
    if (last && alone && judgeInterruptedPrint(review, last).kind === 'printed') return fiscalOf(last);
    const seen = last ? `документ ${last.fd} на сумму ${last.total}` : 'документа нет';
    throw new AppError(
      'FISCAL_DOCUMENT_REQUIRED',
      `Последний документ кассового аппарата (${seen}) нельзя уверенно признать чеком ${review.receiptId} ` +
        `(сумма ${review.total}, печатался после документа ${review.fdBefore || '—'}` +
        `${alone ? '' : `, вместе с ${review.alsoPrinting?.join(', ')}`}): найдите чек в журнале ` +
        `кассового аппарата и укажите номер и фискальный признак документа (fd, fp) и время (at)`,
      { lastDocument: last, total: review.total, fdBefore: review.fdBefore },
    );
  }
  const sameAsLast = last !== null && last.fd === given.fd;
  if (sameAsLast && last.fp !== given.fp) {
    throw new AppError(
      'FISCAL_DOCUMENT_MISMATCH',
      `У документа ${last.fd} фискальный признак ${last.fp}, а не ${given.fp}`,
      { lastDocument: last },
    );
  }
  const fn = given.fn ?? last?.fn;
  const at = given.at ?? (sameAsLast ? last.at : undefined);
  if (!fn || !at) {
    throw new AppError(
      'FISCAL_DOCUMENT_INCOMPLETE',
      `Документ ${given.fd} — не последний на кассовом аппарате: укажите ${[!fn && 'номер ФН (fn)', !at && 'время (at)'].filter(Boolean).join(' и ')}, как напечатано на чеке`,
    );
  }
  return { fn, fd: given.fd, fp: given.fp, at };
}

export function fiscalOf(doc: FiscalDocument): Fiscal {
  return { fn: doc.fn, fd: doc.fd, fp: doc.fp, at: doc.at };
}
