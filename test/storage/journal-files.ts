// Reading and writing journal segments in the tests: what is on disk in either format, and data
// directories as session 1 wrote them (whole-file `seg-N.json` rewritten per append, with `.bak`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry } from '../../src/agent/ports.js';
import { parseLog } from '../../src/storage/file/append-log.js';
import { DurableFileAdapter } from '../../src/storage/file/durable-file-adapter.js';
import { decodeEnvelope } from '../../src/storage/file/envelope.js';
import { replayRecords } from '../../src/storage/journal/log-records.js';
import {
  type SegmentBody,
  segmentFileName,
  segmentOfFileName,
  serializeSegment,
} from '../../src/storage/journal/segment-file.js';
import { MemoryLogger, saleTx } from './helpers.js';

/** The entries a segment file holds now, whichever its format. */
export async function segmentEntriesOnDisk(dir: string, name: string): Promise<JournalEntry[]> {
  const bytes = await readFile(join(dir, name));
  const segment = segmentOfFileName(name);
  if (!segment) throw new Error(`${name} is not a segment file`);
  if (segment.format === 'log') return replayRecords(name, segment.firstSeq, parseLog(name, bytes).records);
  const decoded = decodeEnvelope(bytes);
  if (!decoded.ok) throw new Error(decoded.reason);
  return (decoded.body as SegmentBody).entries;
}

export function segmentFiles(names: string[]): string[] {
  return names.filter((n) => /^seg-\d+\.(json|log)$/.test(n));
}

/**
 * A journal directory as session 1 left it after `count` sales: each append rewrote the active
 * `seg-N.json` through the durable adapter, so every segment written twice or more has a `.bak`
 * holding the version before its last append.
 */
export async function sessionOneJournal(
  dir: string,
  count: number,
  segmentSize: number,
  entryOf: (n: number) => JournalEntry = (n) => ({
    tx: { ...saleTx(n), seq: n },
    state: 'pending',
    attempts: 0,
  }),
): Promise<void> {
  const logger = new MemoryLogger();
  for (let first = 1; first <= count; first += segmentSize) {
    const file = new DurableFileAdapter<SegmentBody>(join(dir, segmentFileName(first)), {
      logger,
      serialize: serializeSegment,
    });
    const entries: JournalEntry[] = [];
    for (let n = first; n < first + segmentSize && n <= count; n++) {
      entries.push(entryOf(n));
      await file.write({ firstSeq: first, entries: [...entries] });
    }
  }
}
