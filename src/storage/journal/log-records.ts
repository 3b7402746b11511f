// The records of an append-only segment (`seg-N.log`): `{"add":[entry…]}` appends entries with
// the next seqs, `{"set":[status…]}` records new states of entries already in the segment. The
// segment's entries are the adds replayed with every later set applied.
import type { JournalEntry, OutboxState } from '../../agent/ports.js';
import { encodeLogRecord } from '../file/append-log.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import { isEntry, isOutboxState } from './segment-file.js';

/** Everything of an entry but its transaction: what a cloud answer or a resend changes. */
export interface EntryStatus {
  seq: number;
  state: OutboxState;
  attempts: number;
  syncedAt?: string;
  lastError?: string;
}

export function statusOf(entry: JournalEntry): EntryStatus {
  const { tx, ...rest } = entry;
  return { seq: tx.seq, ...rest };
}

export function withStatus(entry: JournalEntry, status: EntryStatus): JournalEntry {
  const { seq: _seq, ...rest } = status;
  return { tx: entry.tx, ...rest };
}

export function addRecord(entries: readonly JournalEntry[]): Buffer {
  return encodeLogRecord(JSON.stringify({ add: entries }));
}

export function setRecord(statuses: readonly EntryStatus[]): Buffer {
  return encodeLogRecord(JSON.stringify({ set: statuses }));
}

/**
 * Rebuilds a segment's entries from its records. A record that passed its checksum but does not
 * fit (wrong seq, unknown state) was not written by us: the file is refused as damaged.
 */
export function replayRecords(path: string, firstSeq: number, records: readonly unknown[]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  records.forEach((record, i) => {
    const bad = (why: string) => new DamagedFileError(path, `record ${i + 1}: ${why}`);
    if (typeof record !== 'object' || record === null) throw bad('not an object');
    const { add, set } = record as { add?: unknown; set?: unknown };
    if (Array.isArray(add) && set === undefined) {
      for (const e of add) {
        if (!isEntry(e)) throw bad('an added entry has the wrong shape');
        if (e.tx.seq !== firstSeq + entries.length) {
          throw bad(`added seq ${e.tx.seq} where ${firstSeq + entries.length} was due`);
        }
        entries.push(e);
      }
    } else if (Array.isArray(set) && add === undefined) {
      for (const s of set) {
        if (!isStatus(s)) throw bad('a status has the wrong shape');
        const at = s.seq - firstSeq;
        const entry = entries[at];
        if (!entry) throw bad(`status for seq ${s.seq}, not (yet) in this segment`);
        entries[at] = withStatus(entry, s);
      }
    } else throw bad('neither an add nor a set');
  });
  return entries;
}

function isStatus(s: unknown): s is EntryStatus {
  if (typeof s !== 'object' || s === null) return false;
  const { seq, state, attempts, syncedAt, lastError } = s as Partial<EntryStatus>;
  return (
    Number.isSafeInteger(seq) &&
    isOutboxState(state) &&
    typeof attempts === 'number' &&
    (syncedAt === undefined || typeof syncedAt === 'string') &&
    (lastError === undefined || typeof lastError === 'string')
  );
}
