// lowdb's Adapter<T> made durable. lowdb replaces the whole file on every write and never fsyncs,
// so this adapter does it the crash-safe way: write a temp file beside the target, fsync it, keep
// the current version as `<name>.bak` (a hard link, no copy), rename the temp over the target and
// fsync the directory. A read checks the envelope (CRC, length) and falls back to the backup copy
// when the file is damaged or missing; the damaged file is moved aside as `<name>.corrupt` so the
// evidence stays and the next write cannot turn it into the backup.
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { StoreReadOnlyError } from '../errors.js';
import type { StoreLogger } from '../logger.js';
import { DamagedFileError } from './damaged-file-error.js';
import { decodeEnvelope, encodeEnvelope } from './envelope.js';
import { fsyncDir } from './fsync-dir.js';
import { tempPathFor } from './temp-files.js';
import { enqueueFileOperation, fileOperationsIdle } from './write-queue.js';

export interface DurableFileOptions<T> {
  logger: StoreLogger;
  readOnly?: boolean;
  /** Checks the shape of a decoded body; a body that fails is treated like a damaged file. */
  validate?: (body: unknown) => body is T;
  /** Serialises the body; defaults to JSON.stringify. Must produce JSON that parses back to `data`. */
  serialize?: (data: T) => string;
}

/** Where the last read found its data. */
export type ReadSource = 'file' | 'backup' | 'none';

export class DurableFileAdapter<T> implements Adapter<T> {
  readonly bakPath: string;
  readonly corruptPath: string;
  readonly dir: string;
  private lastSource: ReadSource = 'none';

  constructor(
    readonly path: string,
    private readonly options: DurableFileOptions<T>,
  ) {
    this.bakPath = `${path}.bak`;
    this.corruptPath = `${path}.corrupt`;
    this.dir = dirname(path);
  }

  /** Where the last successful `read()` took its data from. */
  get source(): ReadSource {
    return this.lastSource;
  }

  /**
   * The verified content: the file, else its backup copy (logged), else null when neither exists.
   * Throws DamagedFileError when something exists but no good version does.
   */
  async read(): Promise<T | null> {
    const main = await this.readVerified(this.path);
    if (main.state === 'good') {
      this.lastSource = 'file';
      return main.data;
    }
    const bak = await this.readVerified(this.bakPath);
    if (main.state === 'missing' && bak.state === 'missing') {
      this.lastSource = 'none';
      return null;
    }
    const problem = main.state === 'bad' ? main.reason : 'file missing';
    if (bak.state === 'good') {
      if (main.state === 'bad' && !this.options.readOnly) await this.moveAside(this.path, this.corruptPath);
      this.options.logger.warn(
        {
          file: this.path,
          problem,
          movedTo: main.state === 'bad' && !this.options.readOnly ? this.corruptPath : undefined,
        },
        'store file damaged: recovered the previous version from its backup copy (the last write may be lost)',
      );
      this.lastSource = 'backup';
      return bak.data;
    }
    const bakProblem = bak.state === 'bad' ? bak.reason : 'no backup copy';
    throw new DamagedFileError(this.path, `${problem}; backup: ${bakProblem}`);
  }

  /** Replaces the file durably; resolves after the data and the rename are on disk. */
  write(data: T): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new StoreReadOnlyError(`write ${this.path}`));
    // Serialise now: the caller may change `data` afterwards, the file must hold this version.
    const bytes = encodeEnvelope(
      this.options.serialize ? this.options.serialize(data) : JSON.stringify(data),
    );
    return enqueueFileOperation(this.path, () => this.replaceWith(bytes));
  }

  /** Deletes the file and its backup copy durably (the backup first, so a crash never leaves a lone backup). */
  remove(): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new StoreReadOnlyError(`remove ${this.path}`));
    return enqueueFileOperation(this.path, async () => {
      await rm(this.bakPath, { force: true });
      await rm(this.path, { force: true });
      await fsyncDir(this.dir);
    });
  }

  /** Moves an unrecoverable file (and its bad backup) aside so the owner can start empty. */
  async quarantine(): Promise<void> {
    if (this.options.readOnly) return;
    await this.moveAside(this.path, this.corruptPath);
    await this.moveAside(this.bakPath, `${this.bakPath}.corrupt`);
    await fsyncDir(this.dir);
  }

  /** Resolves when every queued write to this file is done. */
  idle(): Promise<void> {
    return fileOperationsIdle(this.path);
  }

  private async replaceWith(bytes: Buffer): Promise<void> {
    const tmp = tempPathFor(this.path);
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.keepCurrentAsBackup();
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    await fsyncDir(this.dir);
  }

  /**
   * The version about to be replaced becomes `<name>.bak` (its data was fsync'd when it was written).
   * Linked under a temp name and renamed over the old backup, so some backup exists at every instant.
   */
  private async keepCurrentAsBackup(): Promise<void> {
    const bakTmp = tempPathFor(this.bakPath);
    try {
      await link(this.path, bakTmp);
    } catch (e) {
      // No current version (first write, or it was moved aside as damaged): keep the backup there is.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await rename(bakTmp, this.bakPath);
  }

  private async readVerified(
    path: string,
  ): Promise<{ state: 'good'; data: T } | { state: 'missing' } | { state: 'bad'; reason: string }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      throw e;
    }
    const decoded = decodeEnvelope(bytes);
    if (!decoded.ok) return { state: 'bad', reason: decoded.reason };
    if (this.options.validate && !this.options.validate(decoded.body)) {
      return { state: 'bad', reason: 'unexpected content shape' };
    }
    return { state: 'good', data: decoded.body as T };
  }

  private async moveAside(from: string, to: string): Promise<void> {
    try {
      await rename(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
