// Session 1's journal segments, `seg-N.json`: one enveloped body {firstSeq, entries} that session 1
// replaced whole through the durable adapter (temp, fsync, `.bak`, rename). Nothing writes this
// format any more. A writable open migrates every such file to an append-only `seg-N.log`
// (legacy-migration.ts); a read-only open (the CLI beside an agent not yet started since the
// upgrade) reads it into a frozen snapshot and changes nothing on disk.
import { join } from 'node:path';
import type { JournalEntry } from '../../agent/ports.js';
import { StoreReadOnlyError } from '../errors.js';
import { DurableFileAdapter } from '../file/durable-file-adapter.js';
import type { StoreLogger } from '../logger.js';
import { isSegmentBody, type SegmentBody, segmentFileName, serializeSegment } from './segment-file.js';
import type { SegmentStorage } from './segment-storage.js';

export interface LegacySegment {
  /** The `seg-N.json` path (its backup copy is `<path>.bak`). */
  path: string;
  entries: JournalEntry[];
  /** Deletes the file and its backup copy durably (after the migrated copy is on disk). */
  remove(): Promise<void>;
}

/**
 * Reads a session-1 segment, recovering from its backup copy when the file is damaged (logged; a
 * writable read moves the damaged file aside). Null when neither file exists; throws
 * DamagedFileError when no good copy is left.
 */
export async function readLegacySegment(
  dir: string,
  firstSeq: number,
  logger: StoreLogger,
  readOnly: boolean,
): Promise<LegacySegment | null> {
  const file = new DurableFileAdapter<SegmentBody>(join(dir, segmentFileName(firstSeq)), {
    logger,
    readOnly,
    validate: (body: unknown): body is SegmentBody => isSegmentBody(body, firstSeq),
    serialize: serializeSegment,
  });
  const body = await file.read();
  if (body === null) return null;
  return { path: file.path, entries: body.entries, remove: () => file.remove() };
}

/** A session-1 segment as a read-only open sees it: its entries, held; every write refused. */
export class LegacySegmentSnapshot implements SegmentStorage {
  constructor(
    readonly path: string,
    private readonly entries: readonly JournalEntry[],
  ) {}

  async readEntries(): Promise<JournalEntry[]> {
    return [...this.entries];
  }

  readEntriesSync(): JournalEntry[] {
    return [...this.entries];
  }

  writeStatuses(): Promise<void> {
    return Promise.reject(new StoreReadOnlyError(`write ${this.path}`));
  }

  remove(): Promise<void> {
    return Promise.reject(new StoreReadOnlyError(`remove ${this.path}`));
  }

  async release(): Promise<void> {}
}
