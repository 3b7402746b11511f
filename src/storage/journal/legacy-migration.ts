// Migrates session-1 segments (`seg-N.json`, legacy-json-segment.ts) to append-only `seg-N.log`
// once, at a writable open, so the journal itself only ever handles one segment format.
//
// Crash-safe and idempotent: every legacy file is read (and checked) before anything changes, so a
// damaged one stops the start with the directory untouched. Then, per segment, the log copy is
// written atomically (temp, fsync, rename, fsync the directory) BEFORE the json and its `.bak` are
// deleted. A crash in between leaves both: the next open finds a log holding exactly the json's
// entries and only deletes the json. A log holding other entries for the same seqs is not a copy
// of it: the start is refused (StoreCorruptError), as for any overlap.
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { JournalEntry } from '../../agent/ports.js';
import { StoreCorruptError } from '../errors.js';
import { AppendLogWriter, readLog } from '../file/append-log.js';
import type { StoreLogger } from '../logger.js';
import { type LegacySegment, readLegacySegment } from './legacy-json-segment.js';
import { addRecord, replayRecords } from './log-records.js';
import { logSegmentFileName, segmentOfFileName } from './segment-file.js';

/** The first seqs of the session-1 segments among `names` (a lone `.bak` counts), ascending. */
export function legacySegmentsIn(names: readonly string[]): number[] {
  const seqs = new Set<number>();
  for (const name of names) {
    const segment = segmentOfFileName(name);
    if (segment?.format === 'json') seqs.add(segment.firstSeq);
  }
  return [...seqs].sort((a, b) => a - b);
}

/**
 * Rewrites every session-1 segment of `dir` as an append-only segment and deletes the old files.
 * Returns how many segments were migrated. Throws DamagedFileError (a legacy file without a good
 * copy, a damaged log) or StoreCorruptError (a log that is not a copy of the legacy segment).
 */
export async function migrateLegacySegments(
  dir: string,
  names: readonly string[],
  logger: StoreLogger,
): Promise<number> {
  const legacy: LegacySegment[] = [];
  for (const firstSeq of legacySegmentsIn(names)) {
    const read = await readLegacySegment(dir, firstSeq, logger, false);
    if (read) legacy.push(read);
  }
  const logs = new Set(names.filter((n) => segmentOfFileName(n)?.format === 'log'));
  for (const segment of legacy) {
    const firstSeq = segment.entries[0]?.tx.seq;
    if (firstSeq !== undefined) {
      const logName = logSegmentFileName(firstSeq);
      const logPath = join(dir, logName);
      if (logs.has(logName)) await checkIsCopy(logPath, firstSeq, segment);
      else await AppendLogWriter.replace(logPath, addRecord(segment.entries));
    }
    await segment.remove();
    logger.info(
      { file: segment.path, entries: segment.entries.length },
      'journal segment migrated from the session-1 format to an append-only segment',
    );
  }
  return legacy.length;
}

/** A log beside a legacy segment is the copy an interrupted migration wrote, or damage. */
async function checkIsCopy(logPath: string, firstSeq: number, segment: LegacySegment): Promise<void> {
  const log = await readLog(logPath);
  const entries: JournalEntry[] = log ? replayRecords(logPath, firstSeq, log.records) : [];
  if (log?.tornTail || !isDeepStrictEqual(entries, segment.entries)) {
    throw new StoreCorruptError(
      logPath,
      `its seqs overlap ${segment.path}, a session-1 segment holding other entries`,
    );
  }
}
