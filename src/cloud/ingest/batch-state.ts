// Everything one batch reads and changes, in memory: loaded in a few queries (batch-load.ts), changed
// by the apply-* functions item by item in seq order, written back in a few multi-row statements
// (batch-write.ts). One database transaction covers the three steps.
import type { Program } from '../../domain/types.js';
import type { LedgerEntry } from '../store/ledger.js';
import type { CouponBook } from './coupon-book.js';
import type { CustomerBook } from './customer-book.js';
import type { HoldBook } from './hold-book.js';
import type { LotBook } from './lot-book.js';
import type { SpendBook } from './spend-book.js';
import type { TxBook } from './tx-book.js';

export interface RejectedTx {
  txId: string;
  reason: string;
  body: unknown;
}

export class BatchState {
  readonly ledger: LedgerEntry[] = [];
  readonly rejected: RejectedTx[] = [];

  constructor(
    readonly agentId: string,
    readonly now: Date,
    readonly timezone: string,
    /** The program of each version the batch names; null when this cloud never had it. */
    private readonly programs: Map<string, Program | null>,
    /** The rules used when a Tx names a version the cloud does not know. */
    readonly currentProgram: Program,
    readonly customers: CustomerBook,
    readonly lots: LotBook,
    readonly spend: SpendBook,
    readonly holds: HoldBook,
    readonly coupons: CouponBook,
    readonly txs: TxBook,
  ) {}

  program(version: string): Program | null {
    return this.programs.get(version) ?? null;
  }

  /** A line of the points history; a zero move is not worth one. */
  record(entry: LedgerEntry): void {
    if (entry.points !== 0) this.ledger.push(entry);
  }
}
