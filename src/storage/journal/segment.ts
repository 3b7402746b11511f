// One journal segment in memory: lowdb holds its entries, the durable adapter owns its file. A
// change is written first and becomes lowdb's data only once on disk, so what readers see is
// always durable.
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { JournalEntry } from '../../agent/ports.js';
import { DurableFileAdapter } from '../file/durable-file-adapter.js';
import type { StoreLogger } from '../logger.js';
import { isSegmentBody, type SegmentBody, segmentFileName, serializeSegment } from './segment-file.js';

export class Segment {
  private constructor(
    readonly firstSeq: number,
    private readonly db: Low<SegmentBody>,
    readonly file: DurableFileAdapter<SegmentBody>,
  ) {}

  private static adapter(dir: string, firstSeq: number, logger: StoreLogger, readOnly: boolean) {
    return new DurableFileAdapter<SegmentBody>(join(dir, segmentFileName(firstSeq)), {
      logger,
      readOnly,
      validate: (body: unknown): body is SegmentBody => isSegmentBody(body, firstSeq),
      serialize: serializeSegment,
    });
  }

  /** Reads an existing segment (recovering from its backup copy); null if neither file exists. */
  static async load(
    dir: string,
    firstSeq: number,
    logger: StoreLogger,
    readOnly: boolean,
  ): Promise<Segment | null> {
    const file = Segment.adapter(dir, firstSeq, logger, readOnly);
    const db = new Low<SegmentBody>(file, { firstSeq, entries: [] });
    await db.read();
    return file.source === 'none' ? null : new Segment(firstSeq, db, file);
  }

  /** Creates a segment with its first entries in one durable write. */
  static async create(dir: string, entries: JournalEntry[], logger: StoreLogger): Promise<Segment> {
    const firstSeq = entries[0]!.tx.seq;
    const file = Segment.adapter(dir, firstSeq, logger, false);
    const body: SegmentBody = { firstSeq, entries };
    await file.write(body);
    return new Segment(firstSeq, new Low<SegmentBody>(file, body), file);
  }

  get entries(): readonly JournalEntry[] {
    return this.db.data.entries;
  }

  /** The seq of the last entry (firstSeq - 1 when empty). */
  get lastSeq(): number {
    return this.firstSeq + this.db.data.entries.length - 1;
  }

  entryAt(seq: number): JournalEntry | undefined {
    return this.db.data.entries[seq - this.firstSeq];
  }

  /** Durably replaces the entries; on failure nothing changes. */
  async replaceEntries(entries: JournalEntry[]): Promise<void> {
    const body: SegmentBody = { firstSeq: this.firstSeq, entries };
    await this.file.write(body);
    this.db.data = body;
  }

  /** Deletes the segment's file and backup copy durably. */
  remove(): Promise<void> {
    return this.file.remove();
  }
}
