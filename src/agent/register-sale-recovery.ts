// What happened to a receipt whose printing began but whose confirm did not happen (crash, lost
// link, failed write)? The register's last fiscal document is the only witness, so the judgement is
// strict: "printed" needs the right document number AND the right total; anything else that is not
// clearly "not printed" goes to a human instead of being confirmed or printed a second time.
import type { FiscalDocument } from '../../drivers/register/types.js';
import type { Payment } from './till-api.js';

/** A receipt being printed: written durably before the register is told to print. */
export interface PrintIntent {
  receiptId: string;
  tillId: string;
  startedAt: string;
  /** The register's last fiscal document before printing ('' when it had none). */
  fdBefore: string;
  /** Σ of the fiscal positions: the total the register's document must show. */
  total: number;
  payments: Payment[];
}

/** An interrupted print the agent could not settle by itself: never printed again, never guessed. */
export interface PrintReview extends PrintIntent {
  reason: string;
  lastDocument: FiscalDocument | null;
  since: string;
  /** Other receipts that were printing at the same time: the last document may be any one's. */
  alsoPrinting?: string[];
}

export interface PrintIntents {
  printing: Record<string, PrintIntent>;
  review?: Record<string, PrintReview>;
}

/**
 * The stored document, or null when it does not have the shape of one (a damaged file). Only the
 * outline is checked: the entries were written by this code and the file's checksum guards them.
 */
export function normalizePrintIntents(stored: unknown): PrintIntents | null {
  if (!isRecord(stored) || !isRecord(stored.printing)) return null;
  if (stored.review !== undefined && !isRecord(stored.review)) return null;
  const entries = [...Object.values(stored.printing), ...Object.values(stored.review ?? {})];
  if (!entries.every((e) => isRecord(e) && typeof e.receiptId === 'string')) return null;
  return stored as unknown as PrintIntents;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type PrintVerdict =
  | { kind: 'printed'; document: FiscalDocument }
  | { kind: 'not-printed'; reason: string }
  | { kind: 'unclear'; reason: string };

/**
 * Documents one receipt can add: at most a shift-opening report (the driver opens the shift on
 * demand) and the receipt itself.
 */
const MAX_DOCUMENTS_PER_RECEIPT = 2;

export function judgeInterruptedPrint(intent: PrintIntent, last: FiscalDocument | null): PrintVerdict {
  const before = documentNumber(intent.fdBefore);
  const after = last ? documentNumber(last.fd) : 0;
  if (before === null || after === null) {
    return {
      kind: 'unclear',
      reason: `unreadable document numbers (before "${intent.fdBefore}", now "${last?.fd}")`,
    };
  }
  if (after === before) return { kind: 'not-printed', reason: `no fiscal document after ${before}` };
  if (!last || after < before) {
    return {
      kind: 'unclear',
      reason: `the register's last document ${after} precedes ${before} (another FN?)`,
    };
  }
  const added = after - before;
  if (added <= MAX_DOCUMENTS_PER_RECEIPT && last.total === intent.total && intent.total > 0) {
    return { kind: 'printed', document: last };
  }
  // A zero-total document right after ours can only be the shift report opened for this receipt:
  // the receipt itself, had it been closed, would have come after it.
  if (added === 1 && last.total === 0 && intent.total > 0) {
    return { kind: 'not-printed', reason: `only a report (${after}) followed ${before}` };
  }
  return {
    kind: 'unclear',
    reason: `last document ${after} (total ${last.total}) does not match the receipt (total ${intent.total}, after ${before})`,
  };
}

/** '' (no document yet) is 0; anything that is not a whole number is unreadable. */
function documentNumber(fd: string): number | null {
  if (fd === '') return 0;
  return /^\d{1,15}$/.test(fd) ? Number(fd) : null;
}
