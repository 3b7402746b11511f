// A journal segment on disk: `seg-<firstSeq, 12 digits>.json` holding consecutive entries from
// `firstSeq`. Entries are immutable objects (a change makes a new one), so each is serialised
// once and its JSON reused when the segment is rewritten: an append costs one entry's stringify.
import type { JournalEntry, OutboxState } from '../../agent/ports.js';

export interface SegmentBody {
  firstSeq: number;
  entries: JournalEntry[];
}

const SEGMENT_NAME = /^seg-(\d{12,})\.json$/;
const SEGMENT_BACKUP_NAME = /^seg-(\d{12,})\.json\.bak$/;
const STATES: ReadonlySet<OutboxState> = new Set(['pending', 'synced', 'dead']);

export function segmentFileName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(12, '0')}.json`;
}

/** The firstSeq of a segment named by its file or its backup copy, or null for other files. */
export function segmentFirstSeqOf(fileName: string): number | null {
  const m = SEGMENT_NAME.exec(fileName) ?? SEGMENT_BACKUP_NAME.exec(fileName);
  return m ? Number(m[1]) : null;
}

/** Shape check of a decoded segment: consecutive seqs from `firstSeq`, entries that look like entries. */
export function isSegmentBody(body: unknown, expectedFirstSeq: number): body is SegmentBody {
  if (typeof body !== 'object' || body === null) return false;
  const { firstSeq, entries } = body as Partial<SegmentBody>;
  if (firstSeq !== expectedFirstSeq || !Array.isArray(entries)) return false;
  return entries.every((e, i) => isEntry(e) && e.tx.seq === expectedFirstSeq + i);
}

function isEntry(e: unknown): e is JournalEntry {
  if (typeof e !== 'object' || e === null) return false;
  const { tx, state, attempts } = e as Partial<JournalEntry>;
  return (
    typeof tx === 'object' &&
    tx !== null &&
    typeof tx.id === 'string' &&
    typeof tx.receiptId === 'string' &&
    Number.isSafeInteger(tx.seq) &&
    typeof state === 'string' &&
    STATES.has(state) &&
    typeof attempts === 'number'
  );
}

const entryJsonCache = new WeakMap<JournalEntry, string>();

/** An entry's JSON, computed once per (immutable) entry object. */
export function entryJson(entry: JournalEntry): string {
  let json = entryJsonCache.get(entry);
  if (json === undefined) {
    json = JSON.stringify(entry);
    entryJsonCache.set(entry, json);
  }
  return json;
}

/** About how many bytes the entries take in a segment file (UTF-16 length, a close proxy). */
export function entriesJsonLength(entries: readonly JournalEntry[]): number {
  let n = 0;
  for (const e of entries) n += entryJson(e).length + 1;
  return n;
}

export function serializeSegment(body: SegmentBody): string {
  return `{"firstSeq":${body.firstSeq},"entries":[${body.entries.map(entryJson).join(',')}]}`;
}
