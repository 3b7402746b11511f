// The outbox queue: pending entries in seq order. Kept as a sorted array — entries are appended
// with growing seqs, leave mostly from the front, and come back (resend) rarely.
import type { JournalEntry } from '../../agent/ports.js';

export class PendingList {
  private entries: JournalEntry[] = [];

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

  /** Adds entries (any order); keeps the list sorted by seq. */
  add(added: JournalEntry[]): void {
    if (added.length === 0) return;
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
    this.entries = this.entries.filter((e) => !seqs.has(e.tx.seq));
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
