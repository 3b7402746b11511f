// The outbox queue: pending entries in seq order. Kept as a sorted array — entries are appended
// with growing seqs, leave mostly from the front, and come back (resend) rarely. Indexed by
// customer too: the till asks for one customer's unsynced effect on every identify and calculate.
import type { JournalEntry } from '../../agent/ports.js';
import { customerKeyOf } from '../../protocol/customer-key.js';

export class PendingList {
  private entries: JournalEntry[] = [];
  /** customer key → seqs of that customer's pending entries */
  private readonly byCustomer = new Map<string, Set<number>>();

  get size(): number {
    return this.entries.length;
  }

  first(): JournalEntry | undefined {
    return this.entries[0];
  }

  /** The oldest `limit`, as a new array. */
  take(limit: number): JournalEntry[] {
    return this.entries.slice(0, Math.max(0, limit));
  }

  /** The pending entries of these customers, oldest first. */
  ofCustomers(keys: readonly string[]): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const key of new Set(keys)) {
      for (const seq of this.byCustomer.get(key) ?? []) {
        const entry = this.get(seq);
        if (entry) out.push(entry);
      }
    }
    return out.sort((a, b) => a.tx.seq - b.tx.seq);
  }

  /** Adds entries (any order); keeps the list sorted by seq. */
  add(added: JournalEntry[]): void {
    if (added.length === 0) return;
    for (const e of added) this.index(e);
    const last = this.entries[this.entries.length - 1];
    const sorted = [...added].sort((a, b) => a.tx.seq - b.tx.seq);
    // The common case (fresh appends) extends the tail; only a resend needs a merge.
    if (!last || sorted[0]!.tx.seq > last.tx.seq) {
      for (const e of sorted) this.entries.push(e);
    } else this.entries = [...this.entries, ...sorted].sort((a, b) => a.tx.seq - b.tx.seq);
  }

  get(seq: number): JournalEntry | undefined {
    const i = this.indexOf(seq);
    return i >= 0 ? this.entries[i] : undefined;
  }

  /** Replaces the entry with the same seq (a newer version of a still pending entry). */
  replace(entry: JournalEntry): void {
    const i = this.indexOf(entry.tx.seq);
    if (i >= 0) this.entries[i] = entry;
  }

  removeSeqs(seqs: ReadonlySet<number>): void {
    if (seqs.size === 0) return;
    this.entries = this.entries.filter((e) => {
      if (!seqs.has(e.tx.seq)) return true;
      this.unindex(e);
      return false;
    });
  }

  private index(entry: JournalEntry): void {
    const key = customerKeyOf(entry.tx.customer);
    if (key === null) return;
    const seqs = this.byCustomer.get(key);
    if (seqs) seqs.add(entry.tx.seq);
    else this.byCustomer.set(key, new Set([entry.tx.seq]));
  }

  private unindex(entry: JournalEntry): void {
    const key = customerKeyOf(entry.tx.customer);
    const seqs = key === null ? undefined : this.byCustomer.get(key);
    if (!seqs) return;
    seqs.delete(entry.tx.seq);
    if (seqs.size === 0) this.byCustomer.delete(key!);
  }

  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.entries[mid]!.tx.seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
