// An append-only segment, `seg-N.log` (log-records.ts): a confirm appends one small record and
// fdatasyncs it, so its cost does not depend on how full the segment, the queue or the cache is.
// A torn last record found at open was never acknowledged: it is cut off (logged); a damaged record
// with more after it refuses the start (DamagedFileError naming the file).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalEntry } from '../../agent/ports.js';
import {
  AppendLogWriter,
  parseLog,
  readFileOrNull,
  readFileOrNullSync,
  readLog,
  truncateLog,
} from '../file/append-log.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import { fsyncDir } from '../file/fsync-dir.js';
import type { StoreLogger } from '../logger.js';
import { addRecord, type EntryStatus, replayRecords, setRecord, withStatus } from './log-records.js';
import { logSegmentFileName } from './segment-file.js';
import type { SegmentStorage } from './segment-storage.js';

export class LogSegmentFile implements SegmentStorage {
  private constructor(
    readonly dir: string,
    private readonly firstSeq: number,
    private writer: AppendLogWriter,
  ) {}

  /**
   * Reads the segment. A torn last record is dropped (and cut off the file unless read-only); a
   * file left without any good record never held an acknowledged entry and is removed: null.
   */
  static async load(
    dir: string,
    firstSeq: number,
    logger: StoreLogger,
    readOnly: boolean,
  ): Promise<{ storage: LogSegmentFile; entries: JournalEntry[] } | null> {
    const path = join(dir, logSegmentFileName(firstSeq));
    const log = await readLog(path);
    if (log === null) return null;
    const entries = replayRecords(path, firstSeq, log.records);
    if (log.tornTail) {
      // Read-only (the CLI beside a running agent) may simply catch an append half-way: no alarm.
      const log_ = readOnly ? logger.info.bind(logger) : logger.warn.bind(logger);
      log_(
        { file: path, problem: log.tornTail.reason, droppedBytes: log.tornTail.bytes, readOnly },
        'journal segment ends in a torn record (a write cut by a crash, never acknowledged): dropped it',
      );
    }
    if (entries.length === 0) {
      if (!readOnly) {
        await rm(path, { force: true });
        await fsyncDir(dir);
      }
      return null;
    }
    if (log.tornTail && !readOnly) await truncateLog(path, log.goodBytes);
    return {
      storage: new LogSegmentFile(dir, firstSeq, AppendLogWriter.existing(path, log.goodBytes)),
      entries,
    };
  }

  /** Creates the segment with its first record (an `addRecord`) in one durable write (file, then directory). */
  static async create(dir: string, firstSeq: number, record: Buffer): Promise<LogSegmentFile> {
    const writer = await AppendLogWriter.create(join(dir, logSegmentFileName(firstSeq)), record);
    return new LogSegmentFile(dir, firstSeq, writer);
  }

  get path(): string {
    return this.writer.path;
  }

  /** Bytes of good records: the segment rolls over by this. */
  get bytes(): number {
    return this.writer.bytes;
  }

  /**
   * Appends an `addRecord` of the next seqs, durably. If an earlier failure left a record that
   * could not be cut off, the file is first rewritten without it: a record that was refused must
   * not come back at the next start (its seqs are given to the next transactions).
   */
  async append(record: Buffer): Promise<void> {
    if (!this.writer.usable) await this.rewrite([]);
    await this.writer.append(record);
  }

  async readEntries(): Promise<JournalEntry[]> {
    return this.replay(await readFileOrNull(this.path));
  }

  readEntriesSync(): JournalEntry[] {
    return this.replay(readFileOrNullSync(this.path));
  }

  async writeStatuses(statuses: EntryStatus[]): Promise<void> {
    if (this.writer.usable) return this.writer.append(setRecord(statuses));
    await this.rewrite(statuses);
  }

  async remove(): Promise<void> {
    await this.writer.close();
    await rm(this.path, { force: true });
    await fsyncDir(this.dir);
  }

  release(): Promise<void> {
    return this.writer.close();
  }

  /** Writes the segment anew, whole (atomically), with `statuses` applied and nothing past its good records. */
  private async rewrite(statuses: EntryStatus[]): Promise<void> {
    const entries = await this.readEntries();
    for (const s of statuses) {
      const at = s.seq - this.firstSeq;
      entries[at] = withStatus(entries[at]!, s);
    }
    this.writer = await AppendLogWriter.replace(this.path, addRecord(entries));
  }

  /** Replays only the bytes known good: past them may lie a failed or still running append. */
  private replay(bytes: Buffer | null): JournalEntry[] {
    if (bytes === null) throw new DamagedFileError(this.path, 'file is gone');
    const log = parseLog(this.path, bytes.subarray(0, this.writer.bytes));
    return replayRecords(this.path, this.firstSeq, log.records);
  }
}
