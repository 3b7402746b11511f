// A small document kept durably in one file (sync cursors, QR replay ids, …). Reads are served from
// memory; `update` applies a change to a copy, writes it durably and only then makes it current,
// so a failed write leaves both memory and disk at the previous version.
import { Low } from 'lowdb';
import { OneAtATime } from '../../drivers/serial/one-at-a-time.js';
import type { StateStore } from '../agent/ports.js';
import { StoreClosedError, StoreReadOnlyError } from './errors.js';
import { DamagedFileError } from './file/damaged-file-error.js';
import { DurableFileAdapter, type ReadSource } from './file/durable-file-adapter.js';
import { StateFileDamagedError } from './file/state-file-damaged-error.js';
import type { StoreLogger } from './logger.js';

export interface FileStateOptions<T> {
  logger: StoreLogger;
  readOnly?: boolean;
  /** The document when the file does not exist (or was lost). */
  defaults: () => T;
  /**
   * Turns what was read into a full document (e.g. fills fields added since), or null when it has
   * the wrong shape — which is then treated like a damaged file.
   */
  normalize?: (stored: unknown) => T | null;
  /**
   * For a document that cannot be re-learned from the cloud: a damaged file with no good backup
   * stops the open with a StateFileDamagedError (the file is left where it is, for the operator)
   * instead of starting from the defaults.
   */
  refuseIfLost?: { holds: string; advice: string };
}

export class FileState<T> implements StateStore<T> {
  private readonly queue = new OneAtATime();
  private closed = false;

  private constructor(
    private readonly db: Low<T>,
    private readonly file: DurableFileAdapter<T>,
    private readonly readOnly: boolean,
    /** Where the document came from at open: the file, its backup, or nothing (defaults). */
    readonly loadedFrom: ReadSource | 'lost',
  ) {}

  /**
   * Loads the document. A damaged file is recovered from its backup copy; if none is good the
   * file is moved aside, the loss is logged and the defaults are used (most state is re-learned
   * from the cloud) — or, with `refuseIfLost`, the open fails naming the file and what to do.
   */
  static async open<T>(path: string, options: FileStateOptions<T>): Promise<FileState<T>> {
    const normalize = options.normalize ?? ((stored: unknown) => stored as T);
    const file = new DurableFileAdapter<T>(path, {
      logger: options.logger,
      readOnly: options.readOnly,
      validate: (body: unknown): body is T => normalize(body) !== null,
    });
    const db = new Low<T>(file, options.defaults());
    let loadedFrom: ReadSource | 'lost';
    try {
      await db.read();
      db.data = (file.source === 'none' ? null : normalize(db.data)) ?? options.defaults();
      loadedFrom = file.source;
    } catch (e) {
      if (!(e instanceof DamagedFileError)) throw e;
      if (options.refuseIfLost) {
        throw new StateFileDamagedError(
          path,
          e.reason,
          options.refuseIfLost.holds,
          options.refuseIfLost.advice,
        );
      }
      options.logger.error(
        { file: path, problem: e.reason },
        'state file damaged and no good backup copy: starting from defaults',
      );
      await file.quarantine();
      db.data = options.defaults();
      loadedFrom = 'lost';
    }
    return new FileState(db, file, options.readOnly === true, loadedFrom);
  }

  /** The current document. Treat it as read-only: change it through `update`. */
  read(): T {
    return this.db.data;
  }

  update(fn: (draft: T) => void): Promise<void> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError(`update ${this.file.path}`));
    if (this.closed) return Promise.reject(new StoreClosedError(`update ${this.file.path}`));
    return this.queue.run(async () => {
      const draft = structuredClone(this.db.data);
      fn(draft);
      await this.file.write(draft);
      this.db.data = draft;
    });
  }

  /** Waits for queued updates; later updates are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
    await this.file.idle();
  }
}
