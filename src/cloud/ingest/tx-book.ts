// The transactions a batch deals with, in memory: which ids are already applied, the sales its
// returns refer to (matched by store and receipt: two stores may print the same receipt id), the
// returns already taken from those sales, and the enrolments of its receipts — plus what it applies
// itself, in order, so a later item of the same batch sees an earlier one.
import type { Points } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import { listOf } from './list-of.js';
import type { RecomputeDiff } from './recompute-diff.js';

export interface StoredTx {
  id: string;
  customerId: string | null;
  at: Date;
  programVersion: string;
  body: Tx;
  /** Points of an enrolment bonus inside its accrual that the cloud did not book (sales only). */
  refusedBonus: Points;
}

/** What an enrolment decided about its bonus, as its receipt's sale needs to know. */
export interface EnrolmentRecord {
  id: string;
  customerId: string | null;
  /** Points of the bonus the till counted inside the sale's accrual (the agent's way). */
  saleBonus: Points;
  /** The cloud granted this enrolment the bonus (false: the customer already had it). */
  granted: boolean;
}

export interface AppliedTx {
  tx: Tx;
  agentId: string;
  customerId: string | null;
  diff: RecomputeDiff | null;
}

/** A row of `transactions` as the batch loads it. */
export interface LoadedTxRow {
  id: string;
  kind: string;
  store_id: string;
  customer_id: string | null;
  at: Date;
  program_version: string;
  body: Tx;
  recompute_diff: RecomputeDiff | null;
  /** The enrolment bonus transaction of the row's customer (enrolments only). */
  bonus_tx: string | null;
}

export class TxBook {
  private readonly known = new Map<string, { customerId: string | null }>();
  private readonly sales = new Map<string, StoredTx>();
  private readonly returns = new Map<string, Tx[]>();
  private readonly enrolments = new Map<string, EnrolmentRecord>();
  private readonly applied: AppliedTx[] = [];

  /** `related` in ingest order: the first sale of a store's receipt is the one returns reverse. */
  constructor(existing: { id: string; customer_id: string | null }[], related: LoadedTxRow[]) {
    for (const e of existing) this.known.set(e.id, { customerId: e.customer_id });
    for (const r of related) {
      const stored: StoredTx = {
        id: r.id,
        customerId: r.customer_id,
        at: r.at,
        programVersion: r.program_version,
        body: r.body,
        refusedBonus: refusedBonusOf(r.recompute_diff),
      };
      this.remember(r.kind, stored, r.bonus_tx === r.id);
    }
  }

  /** The customer of an already applied id, or undefined when the id is new. */
  appliedBefore(id: string): { customerId: string | null } | undefined {
    return this.known.get(id);
  }

  /** The sale a return reverses: its original store's (its own when it names none) receipt. */
  saleOf(ret: Tx): StoredTx | undefined {
    return this.sales.get(key(originalStoreOf(ret), ret.receiptId));
  }

  /** The returns already applied to the sale `ret` reverses. */
  returnsBefore(ret: Tx): Tx[] {
    return this.returns.get(key(originalStoreOf(ret), ret.receiptId)) ?? [];
  }

  enrolmentOf(tx: Tx): EnrolmentRecord | undefined {
    return this.enrolments.get(key(tx.storeId, tx.receiptId));
  }

  /** Records an applied transaction (`granted`: for an enrolment, whether its bonus was granted). */
  record(a: AppliedTx, granted = false): void {
    this.applied.push(a);
    this.known.set(a.tx.id, { customerId: a.customerId });
    const stored: StoredTx = {
      id: a.tx.id,
      customerId: a.customerId,
      at: new Date(a.tx.at),
      programVersion: a.tx.programVersion,
      body: a.tx,
      refusedBonus: refusedBonusOf(a.diff),
    };
    this.remember(a.tx.kind, stored, granted);
  }

  /** What this batch applied, in order. */
  appliedTxs(): AppliedTx[] {
    return this.applied;
  }

  /** Files a loaded or just-applied transaction where the later items of the batch look for it. */
  private remember(kind: string, t: StoredTx, granted: boolean): void {
    if (kind === 'sale') this.addSale(t);
    else if (kind === 'return') this.addReturn(t.body);
    else if (kind === 'enrolment') this.addEnrolment(t.body, t.customerId, granted);
  }

  private addSale(s: StoredTx): void {
    const k = key(s.body.storeId, s.body.receiptId);
    // The first sale of a receipt counts, should a till ever send two.
    if (!this.sales.has(k)) this.sales.set(k, s);
  }

  private addReturn(ret: Tx): void {
    listOf(this.returns, key(originalStoreOf(ret), ret.receiptId)).push(ret);
  }

  private addEnrolment(tx: Tx, customerId: string | null, granted: boolean): void {
    const k = key(tx.storeId, tx.receiptId);
    if (this.enrolments.has(k)) return;
    this.enrolments.set(k, { id: tx.id, customerId, saleBonus: enrolmentBonusOf(tx).inSale, granted });
  }
}

/** A return names the store of its sale when it was sold elsewhere; else the sale is its own store's. */
export function originalStoreOf(ret: Tx): string {
  return ret.originalStoreId && ret.originalStoreId.length > 0 ? ret.originalStoreId : ret.storeId;
}

/**
 * The two ways a till sends an enrolment bonus: as the enrolment's own `totals.accruedPoints`
 * (granted as a lot by the enrolment), or — what the agent does — 0 there and `bonusPoints`
 * already counted inside its sale's accrual.
 */
export function enrolmentBonusOf(tx: Tx): { own: Points; inSale: Points } {
  const own = tx.totals.accruedPoints;
  return { own, inSale: own === 0 ? (tx.bonusPoints ?? 0) : 0 };
}

/** The enrolment bonus a sale's accrual carried and the cloud refused, as its diff records it. */
export function refusedBonusOf(diff: RecomputeDiff | null): Points {
  const d = diff?.differences.find((x) => x.field === REFUSED_BONUS_FIELD);
  return typeof d?.agent === 'number' ? d.agent : 0;
}

export const REFUSED_BONUS_FIELD = 'enrolmentBonus';

function key(storeId: string, receiptId: string): string {
  return JSON.stringify([storeId, receiptId]);
}
