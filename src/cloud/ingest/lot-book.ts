// The point lots of a batch's customers, in memory: the same rules as the `point_lots` table
// (src/cloud/store/point-lots.ts) applied without a query per move. Only lots with something left
// (remaining ≠ 0) matter to balances, spending and debts, so only those are loaded. Each list is in
// id order: the loaded lots first (by id), then the ones this batch adds, which the database will
// number after them.
import type { Points } from '../../domain/types.js';
import type { Balance, LotKind, NewLot } from '../store/point-lots.js';
import { listOf } from './list-of.js';

export interface LotRow {
  id: number;
  customer_id: string;
  kind: LotKind;
  points: number;
  remaining: number;
  available_at: Date;
  expires_at: Date | null;
  source_tx: string | null;
}

export interface Lot {
  /** Null until written: a lot this batch adds. */
  id: number | null;
  customerId: string;
  kind: LotKind;
  points: Points;
  remaining: Points;
  availableAt: Date;
  expiresAt: Date | null;
  sourceTx: string | null;
  createdAt: Date;
  /** A loaded lot whose `remaining` this batch changed. */
  changed: boolean;
}

export interface TakeOptions {
  sourceTx: string | null;
  /** This transaction's own lots go first, whatever their state. */
  preferTx?: string;
  /** Pending lots may be taken too (a return reverses earnings not yet available). */
  includePending?: boolean;
}

export class LotBook {
  private readonly byCustomer = new Map<string, Lot[]>();
  private readonly added: Lot[] = [];

  constructor(
    rows: LotRow[],
    private readonly now: Date,
  ) {
    const sorted = [...rows].sort((a, b) => a.id - b.id);
    for (const r of sorted) {
      listOf(this.byCustomer, r.customer_id).push({
        id: r.id,
        customerId: r.customer_id,
        kind: r.kind,
        points: r.points,
        remaining: r.remaining,
        availableAt: r.available_at,
        expiresAt: r.expires_at,
        sourceTx: r.source_tx,
        createdAt: now,
        changed: false,
      });
    }
  }

  /** The balance as of `at` (default: now), from what is left of each lot now. */
  balance(customerId: string, at: Date = this.now): Balance {
    let available = 0;
    let pending = 0;
    for (const lot of this.byCustomer.get(customerId) ?? []) {
      if (lot.remaining === 0 || (lot.expiresAt !== null && lot.expiresAt <= at)) continue;
      if (lot.availableAt <= at) available += lot.remaining;
      else pending += lot.remaining;
    }
    return { available, pending };
  }

  /** Adds a positive lot; an outstanding debt is paid from it first (oldest debt first). */
  add(lot: NewLot): void {
    if (lot.points <= 0) return;
    let remaining = lot.points;
    for (const debt of listOf(this.byCustomer, lot.customerId)) {
      if (remaining === 0) break;
      if (debt.remaining >= 0) continue;
      const pay = Math.min(remaining, -debt.remaining);
      this.change(debt, pay);
      remaining -= pay;
    }
    this.push({ ...lot, remaining, createdAt: this.now, id: null, changed: false });
  }

  /**
   * Takes `points`: the preferred transaction's lots first, then available before pending, soonest
   * to expire first (never-expiring last), oldest first. What cannot be covered becomes a debt lot.
   * Returns the debt added.
   */
  take(customerId: string, points: Points, opts: TakeOptions): Points {
    if (points <= 0) return 0;
    const lots = listOf(this.byCustomer, customerId);
    const candidates = lots
      .map((lot, position) => ({ lot, position }))
      .filter(
        ({ lot }) =>
          lot.remaining > 0 &&
          !this.expired(lot) &&
          (lot.availableAt <= this.now || this.preferred(lot, opts) || opts.includePending === true),
      )
      .sort(
        (a, b) =>
          Number(this.preferred(b.lot, opts)) - Number(this.preferred(a.lot, opts)) ||
          Number(a.lot.availableAt > this.now) - Number(b.lot.availableAt > this.now) ||
          expiryOrder(a.lot.expiresAt, b.lot.expiresAt) ||
          a.position - b.position,
      );
    let left = points;
    for (const { lot } of candidates) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      this.change(lot, -take);
      left -= take;
    }
    if (left > 0) {
      this.push({
        id: null,
        customerId,
        kind: 'debt',
        points: -left,
        remaining: -left,
        availableAt: this.now,
        expiresAt: null,
        sourceTx: opts.sourceTx,
        createdAt: this.now,
        changed: false,
      });
    }
    return left;
  }

  /** Loaded lots whose remaining moved. */
  changedLots(): Lot[] {
    const out: Lot[] = [];
    for (const lots of this.byCustomer.values()) for (const l of lots) if (l.changed) out.push(l);
    return out;
  }

  /** Lots this batch adds, in the order they were added. */
  addedLots(): Lot[] {
    return this.added;
  }

  private preferred(lot: Lot, opts: TakeOptions): boolean {
    return opts.preferTx !== undefined && lot.sourceTx === opts.preferTx;
  }

  private expired(lot: Lot): boolean {
    return lot.expiresAt !== null && lot.expiresAt <= this.now;
  }

  private change(lot: Lot, by: Points): void {
    lot.remaining += by;
    if (lot.id !== null) lot.changed = true;
  }

  private push(lot: Lot): void {
    listOf(this.byCustomer, lot.customerId).push(lot);
    this.added.push(lot);
  }
}

/** expires_at ASC NULLS LAST. */
function expiryOrder(a: Date | null, b: Date | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a.getTime() - b.getTime();
}
