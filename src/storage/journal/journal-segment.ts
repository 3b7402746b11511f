// What the journal keeps in memory about one segment: its seq range, its file, and the summary
// that compaction needs (how many entries are not synced yet, when the last one was synced). The
// entries themselves stay in memory only while the segment takes appends (`recent`); after that,
// its pending and dead entries live in the outbox structures and the synced ones are on disk.
import type { JournalEntry } from '../../agent/ports.js';
import type { SegmentStorage } from './segment-storage.js';

export class JournalSegment<S extends SegmentStorage = SegmentStorage> {
  /** Pending and dead entries: the segment is kept until this is 0. */
  unsynced = 0;
  /** The latest sync time (ms) of its entries; +Infinity when one has no readable time (never expires). */
  lastSyncedMs = Number.NEGATIVE_INFINITY;
  /** Every entry, while this is the segment appends go to (the newest receipts are asked for most). */
  recent: JournalEntry[] | null = null;

  constructor(
    readonly firstSeq: number,
    public count: number,
    readonly storage: S,
  ) {}

  get lastSeq(): number {
    return this.firstSeq + this.count - 1;
  }

  /** Counts an entry in (at load and append) or its new state (after a change). */
  noteState(entry: JournalEntry, before?: JournalEntry): void {
    const wasOpen = before !== undefined && before.state !== 'synced';
    const isOpen = entry.state !== 'synced';
    if (before === undefined && isOpen) this.unsynced++;
    if (wasOpen && !isOpen) this.unsynced--;
    if (!isOpen) this.lastSyncedMs = Math.max(this.lastSyncedMs, syncedMs(entry));
  }
}

function syncedMs(entry: JournalEntry): number {
  const at = Date.parse(entry.syncedAt ?? entry.tx.at);
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/** The segment holding `seq` among segments in seq order (binary search), if any. */
export function segmentOfSeq<S extends JournalSegment>(segments: readonly S[], seq: number): S | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = segments[mid]!;
    if (seq < s.firstSeq) hi = mid - 1;
    else if (seq > s.lastSeq) lo = mid + 1;
    else return s;
  }
  return undefined;
}
