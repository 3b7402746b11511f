// The entries of the few sealed segments read from disk last (least recently used goes first):
// a return, a re-sent confirm or a receipt reprint usually asks about the same old receipt a few
// times in a row, and the synced entries are not kept in memory otherwise.
import type { JournalEntry } from '../../agent/ports.js';

export const DEFAULT_CACHED_SEGMENTS = 4;

export class SegmentEntriesCache {
  /** firstSeq → entries; Map iteration order is insertion order, so the first key is the oldest use. */
  private readonly bySegment = new Map<number, readonly JournalEntry[]>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.bySegment.size;
  }

  /** Entries held, for the memory figures. */
  get entryCount(): number {
    let n = 0;
    for (const entries of this.bySegment.values()) n += entries.length;
    return n;
  }

  get(firstSeq: number): readonly JournalEntry[] | undefined {
    const entries = this.bySegment.get(firstSeq);
    if (entries) {
      this.bySegment.delete(firstSeq);
      this.bySegment.set(firstSeq, entries);
    }
    return entries;
  }

  set(firstSeq: number, entries: readonly JournalEntry[]): void {
    this.bySegment.delete(firstSeq);
    this.bySegment.set(firstSeq, entries);
    while (this.bySegment.size > this.capacity) {
      this.bySegment.delete(this.bySegment.keys().next().value!);
    }
  }

  /** Forgets a segment whose file changed or went away. */
  delete(firstSeq: number): void {
    this.bySegment.delete(firstSeq);
  }
}
