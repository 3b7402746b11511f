// A session-1 segment, `seg-N.json`: one enveloped body replaced whole through the durable adapter
// (temp, fsync, `.bak`, rename). Still read, and rewritten when one of its entries changes state;
// new entries never go here (they go to append-only segments).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../../agent/ports.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import { DurableFileAdapter } from '../file/durable-file-adapter.js';
import { decodeEnvelope } from '../file/envelope.js';
import type { StoreLogger } from '../logger.js';
import { type EntryStatus, withStatus } from './log-records.js';
import { isSegmentBody, type SegmentBody, segmentFileName, serializeSegment } from './segment-file.js';
import type { SegmentStorage } from './segment-storage.js';

export class JsonSegmentFile implements SegmentStorage {
  readonly format = 'json';

  private constructor(
    private readonly firstSeq: number,
    private readonly file: DurableFileAdapter<SegmentBody>,
  ) {}

  /** Reads the segment (recovering from its backup copy); null if neither file exists. */
  static async load(
    dir: string,
    firstSeq: number,
    logger: StoreLogger,
    readOnly: boolean,
  ): Promise<{ storage: JsonSegmentFile; entries: JournalEntry[] } | null> {
    const file = new DurableFileAdapter<SegmentBody>(join(dir, segmentFileName(firstSeq)), {
      logger,
      readOnly,
      validate: (body: unknown): body is SegmentBody => isSegmentBody(body, firstSeq),
      serialize: serializeSegment,
    });
    const body = await file.read();
    if (body === null) return null;
    return { storage: new JsonSegmentFile(firstSeq, file), entries: body.entries };
  }

  get path(): string {
    return this.file.path;
  }

  async readEntries(): Promise<JournalEntry[]> {
    const body = await this.file.read();
    if (body === null) throw new DamagedFileError(this.path, 'file and backup copy are gone');
    return body.entries;
  }

  readEntriesSync(): JournalEntry[] {
    const problems: string[] = [];
    // The file, else its backup copy: the same order the adapter reads them in.
    for (const path of [this.file.path, this.file.bakPath]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        problems.push(`${path}: missing`);
        continue;
      }
      const decoded = decodeEnvelope(bytes);
      if (decoded.ok && isSegmentBody(decoded.body, this.firstSeq)) return decoded.body.entries;
      problems.push(`${path}: ${decoded.ok ? 'unexpected content shape' : decoded.reason}`);
    }
    throw new DamagedFileError(this.path, problems.join('; '));
  }

  async writeStatuses(statuses: EntryStatus[]): Promise<void> {
    const entries = await this.readEntries();
    for (const s of statuses) {
      const at = s.seq - this.firstSeq;
      entries[at] = withStatus(entries[at]!, s);
    }
    await this.file.write({ firstSeq: this.firstSeq, entries });
  }

  remove(): Promise<void> {
    return this.file.remove();
  }

  async release(): Promise<void> {
    await this.file.idle();
  }
}
