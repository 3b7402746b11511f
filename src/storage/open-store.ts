// Opens the agent's data directory: takes the process lock, clears what a crash left behind
// (temp files), and loads the journal, the open receipts, the customer cache and the sync state.
//   <dataDir>/agent.lock   journal/seg-*.log (session 1's seg-*.json are migrated at open)   open/*.json   cache/shard-NN.json   state.json
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SyncState } from '../agent/ports.js';
import { ShardedCustomerCache } from './customer-cache/sharded-customer-cache.js';
import { removeStrayTempFiles } from './file/temp-files.js';
import type { FileState } from './file-state.js';
import { FileJournal } from './journal/file-journal.js';
import { defaultStoreLogger, type StoreLogger } from './logger.js';
import { FileOpenReceipts } from './open-receipts/file-open-receipts.js';
import { acquireProcessLock, type LockSystem, type ProcessLock } from './process-lock.js';
import { openSyncState } from './sync-state.js';

export const LOCK_FILE = 'agent.lock';
export const JOURNAL_DIR = 'journal';
export const OPEN_RECEIPTS_DIR = 'open';
export const CACHE_DIR = 'cache';

export interface OpenStoreOptions {
  /** For the CLI: no lock, no clean-up, never writes (every write rejects with StoreReadOnlyError). */
  readOnly?: boolean;
  /** Journal entries per segment file (default 256). */
  segmentSize?: number;
  /** Journal segment size in bytes before a new one starts (default 64 KiB). */
  segmentMaxBytes?: number;
  /** Where recoveries and damage are logged; pino on stderr by default. */
  logger?: StoreLogger;
  /** Tests: the boot id, pid and liveness check the data-directory lock consults. */
  lockSystem?: Partial<LockSystem>;
}

export interface Store {
  readonly dataDir: string;
  readonly readOnly: boolean;
  readonly journal: FileJournal;
  readonly openReceipts: FileOpenReceipts;
  readonly cache: ShardedCustomerCache;
  readonly syncState: FileState<SyncState>;
  /** Waits for pending writes, then releases the lock. Idempotent. */
  close(): Promise<void>;
}

export async function openStore(dataDir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const dir = resolve(dataDir);
  const readOnly = options.readOnly === true;
  const logger = options.logger ?? defaultStoreLogger();
  const dirs = [dir, join(dir, JOURNAL_DIR), join(dir, OPEN_RECEIPTS_DIR), join(dir, CACHE_DIR)];

  let lock: ProcessLock | null = null;
  if (!readOnly) {
    await mkdir(dir, { recursive: true });
    lock = await acquireProcessLock(join(dir, LOCK_FILE), { logger, system: options.lockSystem });
  }
  try {
    if (!readOnly) {
      for (const d of dirs) await mkdir(d, { recursive: true });
      // Safe only now: with the lock held no other writer can own these temp files.
      const stray = (await Promise.all(dirs.map(removeStrayTempFiles))).flat();
      if (stray.length > 0) logger.warn({ files: stray }, 'removed temp files left by an interrupted write');
    }
    const journal = await FileJournal.open(join(dir, JOURNAL_DIR), {
      logger,
      readOnly,
      segmentSize: options.segmentSize,
      segmentMaxBytes: options.segmentMaxBytes,
    });
    const openReceipts = await FileOpenReceipts.open(join(dir, OPEN_RECEIPTS_DIR), { logger, readOnly });
    const cache = await ShardedCustomerCache.open(join(dir, CACHE_DIR), { logger, readOnly });
    const syncState = await openSyncState(dir, { logger, readOnly });
    await resyncLostCustomers(cache, syncState, logger, readOnly);
    return storeOf(dir, readOnly, journal, openReceipts, cache, syncState, lock);
  } catch (e) {
    await lock?.release();
    throw e;
  }
}

/**
 * The customers cursor promises the cache holds every change before it. If shards were lost the
 * promise is void: forget the cursor so the next sync fetches everything again.
 */
async function resyncLostCustomers(
  cache: ShardedCustomerCache,
  syncState: FileState<SyncState>,
  logger: StoreLogger,
  readOnly: boolean,
): Promise<void> {
  if (readOnly || cache.lostShards === 0 || syncState.read().customersCursor === undefined) return;
  logger.warn(
    { lostShards: cache.lostShards },
    'customer cache lost shards: the next sync fetches every customer again',
  );
  await syncState.update((s) => {
    delete s.customersCursor;
  });
}

function storeOf(
  dataDir: string,
  readOnly: boolean,
  journal: FileJournal,
  openReceipts: FileOpenReceipts,
  cache: ShardedCustomerCache,
  syncState: FileState<SyncState>,
  lock: ProcessLock | null,
): Store {
  let closing: Promise<void> | null = null;
  return {
    dataDir,
    readOnly,
    journal,
    openReceipts,
    cache,
    syncState,
    close() {
      closing ??= (async () => {
        await Promise.all([journal.close(), openReceipts.close(), cache.close(), syncState.close()]);
        await lock?.release();
      })();
      return closing;
    },
  };
}
