// Reads a journal directory at open: session-1 segments are migrated first (writable opens), then
// every segment is read (a bounded number at once) and handed to the journal to index, and the
// seqs are checked to follow each other. Memory keeps only what the journal is meant to hold: a
// segment's entries that are not synced, or every entry of the newest one (it takes the appends).
import { readdir } from 'node:fs/promises';
import type { JournalEntry } from '../../agent/ports.js';
import { StoreCorruptError } from '../errors.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import type { StoreLogger } from '../logger.js';
import { JournalSegment } from './journal-segment.js';
import { LegacySegmentSnapshot, readLegacySegment } from './legacy-json-segment.js';
import { legacySegmentsIn, migrateLegacySegments } from './legacy-migration.js';
import { LogSegmentFile } from './log-segment-file.js';
import { segmentOfFileName } from './segment-file.js';

/** Segments read in parallel at open (bounded so a big backlog does not open hundreds of files at once). */
const LOAD_CONCURRENCY = 16;

export interface LoadOptions {
  logger: StoreLogger;
  readOnly: boolean;
  /** Called once per segment read, with every entry of it (for the journal's indexes). */
  onSegment: (segment: JournalSegment, entries: readonly JournalEntry[]) => void;
}

export interface LoadedJournal {
  /** Every segment, in seq order. */
  segments: JournalSegment[];
  /** The entries memory keeps, per segment (see the file comment). */
  kept: JournalEntry[][];
  /** The newest segment when it is append-only: appends go there while it has room. */
  active: JournalSegment<LogSegmentFile> | null;
}

type Loaded =
  | { kind: 'log'; segment: JournalSegment<LogSegmentFile>; kept: JournalEntry[] }
  | { kind: 'legacy'; segment: JournalSegment; kept: JournalEntry[] };

/** Loads `dir` (see the file comment); damage is a StoreCorruptError naming the file. */
export async function loadSegments(dir: string, options: LoadOptions): Promise<LoadedJournal> {
  try {
    return await loadDir(dir, options);
  } catch (e) {
    if (e instanceof DamagedFileError) throw new StoreCorruptError(e.file, e.reason);
    throw e;
  }
}

async function loadDir(dir: string, options: LoadOptions): Promise<LoadedJournal> {
  let names = await listNames(dir, options.readOnly);
  if (!options.readOnly && legacySegmentsIn(names).length > 0) {
    await migrateLegacySegments(dir, names, options.logger);
    names = await listNames(dir, false);
  }
  const found = new Map<string, { firstSeq: number; legacy: boolean }>();
  for (const name of names) {
    const segment = segmentOfFileName(name);
    if (segment) {
      found.set(`${segment.format}:${segment.firstSeq}`, {
        firstSeq: segment.firstSeq,
        legacy: segment.format === 'json',
      });
    }
  }
  // Read-only, a legacy file beside a log of the same seqs is an interrupted migration: the log is
  // its copy (or damage, which the next writable open refuses). Either way the log is what counts.
  for (const key of found.keys()) if (key.startsWith('log:')) found.delete(`json:${key.slice(4)}`);
  const files = [...found.values()].sort((a, b) => a.firstSeq - b.firstSeq);
  const newest = files.at(-1)?.firstSeq;
  const loaded: (Loaded | null)[] = new Array(files.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const { firstSeq, legacy } = files[i]!;
      loaded[i] = await loadOne(dir, firstSeq, legacy, firstSeq === newest, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, files.length) }, worker));
  const present = loaded.filter((s): s is Loaded => s !== null);
  const segments = present.map((s) => s.segment);
  checkContinuity(segments, options.logger);
  const last = present.at(-1);
  let active: JournalSegment<LogSegmentFile> | null = null;
  if (last?.kind === 'log') {
    active = last.segment;
    // The newest log takes the next appends; if it was not the newest file, its entries were not kept.
    active.recent = last.kept.length === active.count ? last.kept : await active.storage.readEntries();
  }
  return { segments, kept: present.map((s) => s.kept), active };
}

async function listNames(dir: string, readOnly: boolean): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && readOnly) return [];
    throw e;
  }
}

async function loadOne(
  dir: string,
  firstSeq: number,
  legacy: boolean,
  newest: boolean,
  { logger, readOnly, onSegment }: LoadOptions,
): Promise<Loaded | null> {
  const keep = (entries: JournalEntry[]) => (newest ? entries : entries.filter((e) => e.state !== 'synced'));
  if (legacy) {
    // Only a read-only open still finds one (a writable open migrated them all).
    const read = await readLegacySegment(dir, firstSeq, logger, true);
    if (read === null) return null;
    const storage = new LegacySegmentSnapshot(read.path, read.entries);
    const segment = new JournalSegment(firstSeq, read.entries.length, storage);
    onSegment(segment, read.entries);
    return { kind: 'legacy', segment, kept: keep(read.entries) };
  }
  const read = await LogSegmentFile.load(dir, firstSeq, logger, readOnly);
  if (read === null) return null;
  const segment = new JournalSegment(firstSeq, read.entries.length, read.storage);
  onSegment(segment, read.entries);
  return { kind: 'log', segment, kept: keep(read.entries) };
}

/** Overlapping segments cannot be ordered: refuse. A gap (a segment restored from an older copy) is logged. */
function checkContinuity(segments: readonly JournalSegment[], logger: StoreLogger): void {
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1]!;
    const cur = segments[i]!;
    if (cur.firstSeq <= prev.lastSeq) {
      throw new StoreCorruptError(
        cur.storage.path,
        `its seqs overlap ${prev.storage.path} (up to ${prev.lastSeq})`,
      );
    }
    if (cur.firstSeq > prev.lastSeq + 1) {
      logger.error(
        { file: prev.storage.path, missingFrom: prev.lastSeq + 1, missingTo: cur.firstSeq - 1 },
        'journal has a gap in seq: transactions missing (a segment was restored from an older copy); the cloud may hold them',
      );
    }
  }
}
