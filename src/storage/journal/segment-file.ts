// The names and shapes of journal segments on disk. Two formats hold consecutive entries from
// `firstSeq`:
//   seg-<firstSeq, 12 digits>.log   append-only records (log-segment-file.ts), written since session 2;
//   seg-<firstSeq, 12 digits>.json  one enveloped body {firstSeq, entries} replaced whole (+ `.bak`),
//                                   the session-1 format: migrated to `.log` at the first writable open
//                                   (legacy-migration.ts), never written.
// Entries are immutable objects: a change makes a new one.
import type { JournalEntry, OutboxState } from '../../agent/ports.js';

export interface SegmentBody {
  firstSeq: number;
  entries: JournalEntry[];
}

export type SegmentFormat = 'json' | 'log';

const SEGMENT_NAME = /^seg-(\d{12,})\.(json|log)$/;
const SEGMENT_BACKUP_NAME = /^seg-(\d{12,})\.json\.bak$/;
const STATES: ReadonlySet<OutboxState> = new Set(['pending', 'synced', 'dead']);

/** The session-1 (whole-file, legacy) segment name. */
export function segmentFileName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(12, '0')}.json`;
}

/** The append-only segment name. */
export function logSegmentFileName(firstSeq: number): string {
  return `seg-${String(firstSeq).padStart(12, '0')}.log`;
}

/** The segment a file belongs to (the file itself or a json backup copy), or null for other files. */
export function segmentOfFileName(fileName: string): { firstSeq: number; format: SegmentFormat } | null {
  const m = SEGMENT_NAME.exec(fileName);
  if (m) return { firstSeq: Number(m[1]), format: m[2] as SegmentFormat };
  const bak = SEGMENT_BACKUP_NAME.exec(fileName);
  return bak ? { firstSeq: Number(bak[1]), format: 'json' } : null;
}

/** Shape check of a decoded segment: consecutive seqs from `firstSeq`, entries that look like entries. */
export function isSegmentBody(body: unknown, expectedFirstSeq: number): body is SegmentBody {
  if (typeof body !== 'object' || body === null) return false;
  const { firstSeq, entries } = body as Partial<SegmentBody>;
  if (firstSeq !== expectedFirstSeq || !Array.isArray(entries)) return false;
  return entries.every((e, i) => isEntry(e) && e.tx.seq === expectedFirstSeq + i);
}

export function isOutboxState(s: unknown): s is OutboxState {
  return typeof s === 'string' && STATES.has(s as OutboxState);
}

export function isEntry(e: unknown): e is JournalEntry {
  if (typeof e !== 'object' || e === null) return false;
  const { tx, state, attempts } = e as Partial<JournalEntry>;
  return (
    typeof tx === 'object' &&
    tx !== null &&
    typeof tx.id === 'string' &&
    typeof tx.receiptId === 'string' &&
    Number.isSafeInteger(tx.seq) &&
    isOutboxState(state) &&
    typeof attempts === 'number'
  );
}

export function serializeSegment(body: SegmentBody): string {
  return JSON.stringify({ firstSeq: body.firstSeq, entries: body.entries });
}
