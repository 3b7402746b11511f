// Receipts calculated but not yet confirmed: one small file each under `open/`, so a receipt with
// a points hold survives a crash and its hold can be released. A receipt that cannot be read
// back is moved aside and logged (no confirmed transaction lives here; a hold expires in the cloud).
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenReceipt, OpenReceipts } from '../../agent/ports.js';
import { StoreClosedError, StoreReadOnlyError } from '../errors.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import { DurableFileAdapter } from '../file/durable-file-adapter.js';
import type { StoreLogger } from '../logger.js';
import { receiptFileName, receiptFileOf } from './receipt-file-name.js';

export interface FileOpenReceiptsOptions {
  logger: StoreLogger;
  readOnly?: boolean;
}

function isOpenReceipt(body: unknown): body is OpenReceipt {
  if (typeof body !== 'object' || body === null) return false;
  const r = body as Partial<OpenReceipt>;
  return (
    typeof r.receiptId === 'string' &&
    r.receiptId.length > 0 &&
    Array.isArray(r.lines) &&
    typeof r.result === 'object'
  );
}

export class FileOpenReceipts implements OpenReceipts {
  private readonly receipts = new Map<string, OpenReceipt>();
  /** Pending put/remove per receipt, so a remove cannot overtake the put before it. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly options: FileOpenReceiptsOptions,
  ) {}

  static async open(dir: string, options: FileOpenReceiptsOptions): Promise<FileOpenReceipts> {
    const store = new FileOpenReceipts(dir, options);
    if (!options.readOnly) await mkdir(dir, { recursive: true });
    await store.load();
    return store;
  }

  get(receiptId: string): OpenReceipt | undefined {
    return this.receipts.get(receiptId);
  }

  all(): OpenReceipt[] {
    return [...this.receipts.values()];
  }

  /** Durably stores the receipt (replacing an earlier version); visible to `get` once on disk. */
  put(receipt: OpenReceipt): Promise<void> {
    return this.track(`store open receipt ${receipt.receiptId}`, async () => {
      if (typeof receipt.receiptId !== 'string' || receipt.receiptId.length === 0) {
        throw new TypeError('an open receipt needs a non-empty receiptId');
      }
      const copy = structuredClone(receipt);
      await this.adapterFor(receipt.receiptId).write(copy);
      this.receipts.set(receipt.receiptId, copy);
    });
  }

  /** Durably deletes the receipt's file; removing an unknown receipt is a no-op. */
  remove(receiptId: string): Promise<void> {
    return this.track(`remove open receipt ${receiptId}`, async () => {
      await this.adapterFor(receiptId).remove();
      this.receipts.delete(receiptId);
    });
  }

  /** Waits for pending writes; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private track(what: string, op: () => Promise<void>): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new StoreReadOnlyError(what));
    if (this.closed) return Promise.reject(new StoreClosedError(what));
    const run = op();
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  private adapterFor(receiptId: string): DurableFileAdapter<OpenReceipt> {
    return this.adapterAt(receiptFileName(receiptId));
  }

  private adapterAt(fileName: string): DurableFileAdapter<OpenReceipt> {
    // Writes to one path are ordered by the shared per-file queue, whichever adapter object issues them.
    return new DurableFileAdapter<OpenReceipt>(join(this.dir, fileName), {
      logger: this.options.logger,
      readOnly: this.options.readOnly,
      validate: isOpenReceipt,
    });
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && this.options.readOnly) return;
      throw e;
    }
    const files = [...new Set(names.map(receiptFileOf).filter((n): n is string => n !== null))];
    for (const fileName of files) {
      const file = this.adapterAt(fileName);
      try {
        const receipt = await file.read();
        if (receipt) this.receipts.set(receipt.receiptId, receipt);
      } catch (e) {
        if (!(e instanceof DamagedFileError)) throw e;
        this.options.logger.error(
          { file: file.path, problem: e.reason },
          'open receipt damaged and no good backup copy: moved aside; its hold, if any, expires in the cloud',
        );
        await file.quarantine();
      }
    }
  }
}
