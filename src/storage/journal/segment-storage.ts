// What the journal needs from a segment's file: an append-only segment (log-segment-file.ts) or,
// in a read-only open only, a session-1 segment not migrated yet (legacy-json-segment.ts).
import type { JournalEntry } from '../../agent/ports.js';
import type { EntryStatus } from './log-records.js';

export interface SegmentStorage {
  readonly path: string;
  /** Every entry with its current state (throws DamagedFileError when no good copy is left). */
  readEntries(): Promise<JournalEntry[]>;
  /** The same, synchronously: for look-ups of entries no longer kept in memory. */
  readEntriesSync(): JournalEntry[];
  /** Durably records new states of entries of this segment; on failure the file keeps the old ones. */
  writeStatuses(statuses: EntryStatus[]): Promise<void>;
  /** Deletes the segment's files durably. */
  remove(): Promise<void>;
  /** Lets go of an open descriptor (the file stays). */
  release(): Promise<void>;
}
