// The durable local store: what the rest of the agent imports.
export { ShardedCustomerCache } from './customer-cache/sharded-customer-cache.js';
export {
  JournalDuplicateIdError,
  StoreClosedError,
  StoreCorruptError,
  StoreLockedError,
  StoreReadOnlyError,
} from './errors.js';
export { DurableFileAdapter } from './file/durable-file-adapter.js';
export { FileState } from './file-state.js';
export { FileJournal } from './journal/file-journal.js';
export {
  DEFAULT_SEGMENT_MAX_BYTES,
  DEFAULT_SEGMENT_SIZE,
  type FileJournalOptions,
  type JournalMemory,
} from './journal/journal-options.js';
export type { StoreLogger } from './logger.js';
export { FileOpenReceipts } from './open-receipts/file-open-receipts.js';
export { type OpenStoreOptions, openStore, type Store } from './open-store.js';
export { emptySyncState } from './sync-state.js';
