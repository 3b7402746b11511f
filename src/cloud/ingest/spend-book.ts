// Purchase spend of a batch's customers, in memory: the entries that can fall inside any tier window
// the batch looks at, plus the ones it adds (dated by their sale, like `spend_entries`).
import type { Kopecks } from '../../domain/types.js';
import { addDays } from '../time.js';
import { listOf } from './list-of.js';

export interface SpendEntry {
  customerId: string;
  at: Date;
  amount: Kopecks;
  txId: string | null;
}

export class SpendBook {
  private readonly byCustomer = new Map<string, SpendEntry[]>();
  private readonly added: SpendEntry[] = [];

  /** `loaded` must hold every entry later than the earliest window start the batch will ask about. */
  constructor(loaded: SpendEntry[]) {
    for (const e of loaded) listOf(this.byCustomer, e.customerId).push(e);
  }

  add(entry: SpendEntry): void {
    if (entry.amount === 0) return;
    listOf(this.byCustomer, entry.customerId).push(entry);
    this.added.push(entry);
  }

  /**
   * Spend in the window that ends at `at`: after at − days, up to `at` (a sale booked later but
   * dated later does not count) — the cloud's own view of the tier when a receipt was made.
   */
  periodAt(customerId: string, at: Date, days: number): Kopecks {
    const since = addDays(at, -days).getTime();
    const until = at.getTime();
    let total = 0;
    for (const e of this.byCustomer.get(customerId) ?? []) {
      const t = e.at.getTime();
      if (t > since && t <= until) total += e.amount;
    }
    return Math.max(0, total);
  }

  addedEntries(): SpendEntry[] {
    return this.added;
  }
}
