// The journal's options and limits (entries and bytes per segment, segments cached after a
// look-up), checked once at open, and the shape of its memory figures.
import type { StoreLogger } from '../logger.js';
import { DEFAULT_CACHED_SEGMENTS } from './segment-entries-cache.js';

export const DEFAULT_SEGMENT_SIZE = 256;
/**
 * A segment also rolls over at this size. An append no longer rewrites the segment, so this
 * bounds what a look-up of an old receipt reads from disk, and the file a damage can hit.
 */
export const DEFAULT_SEGMENT_MAX_BYTES = 64 * 1024;

export interface FileJournalOptions {
  logger: StoreLogger;
  readOnly?: boolean;
  /** Entries per segment before a new one starts. */
  segmentSize?: number;
  /** Bytes per segment before a new one starts (a single larger append still gets its own segment). */
  segmentMaxBytes?: number;
  /** Sealed segments whose entries are kept after a look-up read them from disk. */
  cachedSegments?: number;
}

export interface JournalLimits {
  entries: number;
  bytes: number;
  cachedSegments: number;
}

/** The limits of `options` with their defaults; a RangeError for one that is not a usable integer. */
export function journalLimits(options: FileJournalOptions): JournalLimits {
  const limits = {
    entries: options.segmentSize ?? DEFAULT_SEGMENT_SIZE,
    bytes: options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES,
    cachedSegments: options.cachedSegments ?? DEFAULT_CACHED_SEGMENTS,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < (name === 'cachedSegments' ? 0 : 1)) {
      throw new RangeError(`segment ${name} limit must be a positive integer, got ${value}`);
    }
  }
  return limits;
}

/** What the journal holds in memory, for tests and the operator's figures. */
export interface JournalMemory {
  /** Entries held as objects: pending, dead, the active segment's, the cached segments'. */
  residentEntries: number;
  /** Keys in the hash index (about 2 per entry: tx id and receipt id, plus return ids). */
  indexedKeys: number;
  indexBytes: number;
  cachedSegments: number;
}
