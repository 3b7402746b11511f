// The customers a batch names, in memory: found by id, else card, else phone (as findCustomer), or
// created at the base tier when the cloud does not know them. Cards and phones change hands only
// through here during ingest, so the loaded owners plus this batch's changes are the whole truth.
// Every change is counted in order ("touch") so that the change feed hands customers out in the
// order the one-by-one path would have.
import { randomUUID } from 'node:crypto';
import type { TxCustomer } from '../../protocol/sync.js';
import type { CustomerRow } from '../store/customers.js';

export interface BookedCustomer {
  row: CustomerRow;
  /** Created by this batch (inserted at the end). */
  created: boolean;
  /** Phone, birthday year or enrolment bonus changed on a loaded customer. */
  changed: boolean;
  /** Position of the last touch in this batch; null when untouched. */
  lastTouch: number | null;
}

export interface ResolvedCustomer {
  customer: BookedCustomer;
  created: boolean;
}

/** A card this batch linked to a customer. */
export interface LinkedCard {
  card: string;
  customerId: string;
}

export class CustomerBook {
  private readonly byId = new Map<string, BookedCustomer>();
  private readonly cardOwner = new Map<string, string>();
  private readonly phoneOwner = new Map<string, string>();
  private readonly newCards: LinkedCard[] = [];
  private touches = 0;

  constructor(
    rows: CustomerRow[],
    cards: { card: string; customer_id: string }[],
    private readonly now: Date,
  ) {
    for (const row of rows) {
      this.byId.set(row.id, { row, created: false, changed: false, lastTouch: null });
      if (row.phone) this.phoneOwner.set(row.phone, row.id);
    }
    for (const c of cards) this.cardOwner.set(c.card, c.customer_id);
  }

  get(id: string): BookedCustomer | undefined {
    return this.byId.get(id);
  }

  /** By id, else card, else phone. */
  find(who: TxCustomer): BookedCustomer | null {
    const byId = who.id ? this.byId.get(who.id) : undefined;
    if (byId) return byId;
    const byCard = who.card ? this.cardOwner.get(who.card) : undefined;
    if (byCard) return this.byId.get(byCard) ?? null;
    const byPhone = who.phone ? this.phoneOwner.get(who.phone) : undefined;
    if (byPhone) return this.byId.get(byPhone) ?? null;
    return null;
  }

  /**
   * The customer a Tx names, or a new one at the base tier. A new card shown for a known customer
   * joins them (unless someone else owns it); a phone joins a customer without one if it is free.
   * `memberSince` dates a created customer: the time of the Tx that named them.
   */
  resolve(who: TxCustomer, memberSince: Date): ResolvedCustomer | null {
    if (!who.id && !who.card && !who.phone) return null;
    const found = this.find(who);
    if (found) {
      if (who.card) this.attachCard(found.row.id, who.card);
      if (who.phone && !found.row.phone && !this.phoneOwner.has(who.phone)) {
        found.row.phone = who.phone;
        this.phoneOwner.set(who.phone, found.row.id);
        this.markChanged(found);
      }
      return { customer: found, created: false };
    }
    // An id the cloud does not know (e.g. created by another cloud instance) is kept, not invented anew.
    const row: CustomerRow = {
      id: who.id ?? `c-${randomUUID()}`,
      name: '',
      phone: who.phone ?? null,
      birthday: null,
      birthday_bonus_year: null,
      offline_allowance: null,
      enrolment_bonus_tx: null,
      created_at: memberSince,
      updated_at: this.now,
      change_seq: 0,
      deleted: false,
    };
    const customer: BookedCustomer = { row, created: true, changed: false, lastTouch: null };
    this.byId.set(row.id, customer);
    if (row.phone) this.phoneOwner.set(row.phone, row.id);
    if (who.card) this.attachCard(row.id, who.card);
    this.touch(row.id);
    return { customer, created: true };
  }

  setBirthdayBonusYear(id: string, year: number): void {
    const c = this.byId.get(id)!;
    c.row.birthday_bonus_year = year;
    this.markChanged(c);
  }

  setEnrolmentBonusTx(id: string, txId: string): void {
    const c = this.byId.get(id)!;
    c.row.enrolment_bonus_tx = txId;
    this.markChanged(c);
  }

  /** The customer changed: the change feed must hand them out again. */
  touch(id: string): void {
    const c = this.byId.get(id)!;
    c.lastTouch = ++this.touches;
    c.row.updated_at = this.now;
  }

  /** Created customers, in creation order. */
  createdCustomers(): BookedCustomer[] {
    return [...this.byId.values()].filter((c) => c.created);
  }

  /** Loaded customers this batch changed or touched. */
  changedCustomers(): BookedCustomer[] {
    return [...this.byId.values()].filter((c) => !c.created && (c.changed || c.lastTouch !== null));
  }

  /** Every touched customer, least recently touched first: the order of their new change_seq. */
  touchedInOrder(): BookedCustomer[] {
    return [...this.byId.values()]
      .filter((c) => c.lastTouch !== null)
      .sort((a, b) => a.lastTouch! - b.lastTouch!);
  }

  /** Cards this batch linked, in order. */
  linkedCards(): LinkedCard[] {
    return this.newCards;
  }

  private attachCard(customerId: string, card: string): void {
    if (this.cardOwner.has(card)) return;
    this.cardOwner.set(card, customerId);
    this.newCards.push({ card, customerId });
  }

  private markChanged(c: BookedCustomer): void {
    if (!c.created) c.changed = true;
  }
}
