// An append-only file of framed records, one per line, each in the store's envelope (version,
// CRC-32, byte length: see envelope.ts), so a record is checked on its own. Appends are serialised
// by the owner and each is fdatasync'd before it is acknowledged, so at most the LAST record can
// be torn by a crash: a bad last line is dropped (it was never acknowledged), a bad line with
// anything after it is damage and refused. JSON never holds a raw newline, so lines = records.
import { readFileSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DamagedFileError } from './damaged-file-error.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { fsyncDir } from './fsync-dir.js';
import { tempPathFor } from './temp-files.js';

const NEWLINE = 0x0a;

export function encodeLogRecord(bodyJson: string): Buffer {
  return encodeEnvelope(bodyJson);
}

export interface ParsedLog {
  /** The decoded bodies of the good records, in file order. */
  records: unknown[];
  /** Bytes from the start covered by good records: where the next append belongs. */
  goodBytes: number;
  /** Set when the last record was torn: why it did not decode, and how many bytes it took. */
  tornTail?: { reason: string; bytes: number };
}

/**
 * Splits a log into its records. Throws DamagedFileError when a bad record is followed by more
 * data: that is not a torn append but damage, and the records after it cannot be trusted either.
 */
export function parseLog(path: string, bytes: Buffer): ParsedLog {
  const records: unknown[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(NEWLINE, start);
    const end = nl === -1 ? bytes.length : nl + 1;
    const decoded = decodeEnvelope(bytes.subarray(start, end));
    if (!decoded.ok) {
      if (end < bytes.length) {
        throw new DamagedFileError(
          path,
          `record ${records.length + 1} at byte ${start} is damaged (${decoded.reason}) and more data follows it`,
        );
      }
      return { records, goodBytes: start, tornTail: { reason: decoded.reason, bytes: end - start } };
    }
    records.push(decoded.body);
    start = end;
  }
  return { records, goodBytes: start };
}

/** Reads and parses a log; null when the file does not exist. */
export async function readLog(path: string): Promise<ParsedLog | null> {
  const bytes = await readFileOrNull(path);
  return bytes === null ? null : parseLog(path, bytes);
}

export async function readFileOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The same, synchronously: the journal's look-ups are synchronous (the port answers `byReceipt`
 * at once), and an old segment is small (≤ segmentMaxBytes), so reading it inline is cheaper than
 * making every caller async.
 */
export function readFileOrNullSync(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes records at the end of one log file. Keeps its descriptor open between appends (the
 * active segment takes one per confirm). A failed append is cut off again, so the next one does
 * not land behind garbage; if even that fails the writer is `broken` and takes no more appends.
 */
export class AppendLogWriter {
  private broken = false;

  private constructor(
    readonly path: string,
    private fh: FileHandle | null,
    private size: number,
  ) {}

  /** Creates the file with its first record, durably (file data, then the directory entry). */
  static async create(path: string, firstRecord: Buffer): Promise<AppendLogWriter> {
    const fh = await open(path, 'wx', 0o644);
    try {
      await writeAll(fh, firstRecord, 0);
      await fh.datasync();
      await fsyncDir(dirname(path));
    } catch (e) {
      await fh.close().catch(() => undefined);
      // Never acknowledged: leave no file behind that would claim this name (and these seqs).
      await rm(path, { force: true }).catch(() => undefined);
      throw e;
    }
    return new AppendLogWriter(path, fh, firstRecord.length);
  }

  /** A writer for an existing log whose good content ends at `size` (opened on first append). */
  static existing(path: string, size: number): AppendLogWriter {
    return new AppendLogWriter(path, null, size);
  }

  /**
   * Replaces the whole log by one holding `records`, atomically (temp, fsync, rename, fsync dir):
   * the way to rewrite a log whose tail could not be cut back after a failed append.
   */
  static async replace(path: string, records: Buffer): Promise<AppendLogWriter> {
    const tmp = tempPathFor(path);
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await writeAll(fh, records, 0);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await fsyncDir(dirname(path));
    return new AppendLogWriter(path, null, records.length);
  }

  /** False once a failed append could not be undone: the file may end in garbage. */
  get usable(): boolean {
    return !this.broken;
  }

  /** Bytes of good records in the file. */
  get bytes(): number {
    return this.size;
  }

  /** Appends one record and resolves once it is durable (fdatasync). */
  async append(record: Buffer): Promise<void> {
    if (this.broken) throw new Error(`${this.path}: an earlier append could not be undone; not appending`);
    this.fh ??= await open(this.path, 'r+');
    try {
      await writeAll(this.fh, record, this.size);
      await this.fh.datasync();
    } catch (e) {
      await this.cutBack();
      throw e;
    }
    this.size += record.length;
  }

  /** Closes the descriptor (the file stays); a later append reopens it. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  /** Cuts the file back to its last good record after a failed append. */
  private async cutBack(): Promise<void> {
    try {
      await this.fh!.truncate(this.size);
      await this.fh!.datasync();
    } catch {
      this.broken = true;
      await this.close().catch(() => undefined);
    }
  }
}

/** Cuts a torn tail off a log found at open, durably. */
export async function truncateLog(path: string, goodBytes: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(goodBytes);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

async function writeAll(fh: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
