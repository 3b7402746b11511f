// The journal = the outbox (SYNC-API "Delivery"): every confirmed transaction, durably, in seq
// order, split into segment files of at most `segmentSize` entries and about `segmentMaxBytes`.
// A confirm appends one record to the active segment (`seg-N.log`) and fdatasyncs it: the bytes
// written do not grow with the queue, the segment or the history. `seq` continues from the last
// entry on disk.
//
// Memory holds what confirm, sync and status need — the pending entries, the dead letters, the
// active segment's entries, and a compact hash index (tx id, receipt id, return id → seq) of
// everything — not the synced history: a look-up that lands in an older segment reads that
// segment from disk (a few recently read ones are cached), so the heap does not grow with sales.
import { mkdir, readdir } from 'node:fs/promises';
import { OneAtATime } from '../../../drivers/serial/one-at-a-time.js';
import type { Journal, JournalEntry } from '../../agent/ports.js';
import type { Tx, TxResult } from '../../protocol/sync.js';
import {
  JournalDuplicateIdError,
  StoreClosedError,
  StoreCorruptError,
  StoreReadOnlyError,
} from '../errors.js';
import { DamagedFileError } from '../file/damaged-file-error.js';
import type { StoreLogger } from '../logger.js';
import { entryAfterResult, entryResent } from './entry-transitions.js';
import { JournalSegment } from './journal-segment.js';
import { JsonSegmentFile } from './json-segment-file.js';
import { addRecord, statusOf } from './log-records.js';
import { LogSegmentFile } from './log-segment-file.js';
import { PendingList } from './pending-list.js';
import { DEFAULT_CACHED_SEGMENTS, SegmentEntriesCache } from './segment-entries-cache.js';
import { type SegmentFormat, segmentOfFileName } from './segment-file.js';
import type { SegmentStorage } from './segment-storage.js';
import { SeqHashIndex } from './seq-hash-index.js';

export const DEFAULT_SEGMENT_SIZE = 256;
/**
 * A segment also rolls over at this size. An append no longer rewrites the segment, so this
 * bounds what a look-up of an old receipt reads from disk, and the file a damage can hit.
 */
export const DEFAULT_SEGMENT_MAX_BYTES = 64 * 1024;
/** Segments read in parallel at open (bounded so a big backlog does not open hundreds of files at once). */
const LOAD_CONCURRENCY = 16;

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

/** What the journal holds in memory, for tests and the operator's figures. */
export interface JournalMemory {
  /** Entries held as objects: pending, dead, the active segment's, the cached segments'. */
  residentEntries: number;
  /** Keys in the hash index (about 2 per entry: tx id and receipt id, plus return ids). */
  indexedKeys: number;
  indexBytes: number;
  cachedSegments: number;
}

interface LoadedSegment {
  segment: JournalSegment;
  /** Its entries that are not synced (the outbox keeps them), or all of them for the newest segment. */
  kept: JournalEntry[];
}

export class FileJournal implements Journal {
  private segments: JournalSegment[] = [];
  private readonly txIds = new SeqHashIndex();
  private readonly receiptIds = new SeqHashIndex();
  private readonly returnIds = new SeqHashIndex();
  private readonly pendingList = new PendingList();
  private readonly dead = new Map<number, JournalEntry>();
  private readonly sealedCache: SegmentEntriesCache;
  private entryCount = 0;
  /** Mutations run one at a time: seq assignment and segment choice depend on the previous one. */
  private readonly queue = new OneAtATime();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly limits: { entries: number; bytes: number },
    private readonly readOnly: boolean,
    private readonly logger: StoreLogger,
    cachedSegments: number,
  ) {
    this.sealedCache = new SegmentEntriesCache(cachedSegments);
  }

  /**
   * Loads every segment of `dir`. A damaged session-1 segment is recovered from its backup copy
   * (logged); a torn last record of an append-only segment is dropped (logged). Anything else
   * damaged throws StoreCorruptError naming the file — confirmed transactions are never dropped silently.
   */
  static async open(dir: string, options: FileJournalOptions): Promise<FileJournal> {
    const limits = {
      entries: options.segmentSize ?? DEFAULT_SEGMENT_SIZE,
      bytes: options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES,
    };
    const cached = options.cachedSegments ?? DEFAULT_CACHED_SEGMENTS;
    for (const [name, value] of Object.entries({ ...limits, cachedSegments: cached })) {
      if (!Number.isSafeInteger(value) || value < (name === 'cachedSegments' ? 0 : 1)) {
        throw new RangeError(`segment ${name} limit must be a positive integer, got ${value}`);
      }
    }
    const journal = new FileJournal(dir, limits, options.readOnly === true, options.logger, cached);
    if (!options.readOnly) await mkdir(dir, { recursive: true });
    await journal.load();
    return journal;
  }

  // ------------------------------------------------------------------ writes

  async append(tx: Omit<Tx, 'seq'>): Promise<Tx> {
    const [stored] = await this.appendMany([tx]);
    return stored!;
  }

  /**
   * All of `txs` in ONE durable record: appended to the active segment when they fit (entries and
   * bytes), otherwise as the first record of a new segment. Atomic: after a crash either all are
   * there or none (a torn record is dropped whole).
   */
  appendMany(txs: Omit<Tx, 'seq'>[]): Promise<Tx[]> {
    return this.exclusive('append to the journal', async () => {
      if (txs.length === 0) return [];
      this.checkNewIds(txs);
      let seq = this.lastSeq() + 1;
      const added: JournalEntry[] = txs.map((t) => ({
        tx: { ...structuredClone(t), seq: seq++ },
        state: 'pending',
        attempts: 0,
      }));
      const record = addRecord(added);
      const active = this.activeSegment();
      let target: JournalSegment;
      if (active && this.fits(active, added.length, record.length)) {
        await (active.storage as LogSegmentFile).append(record);
        active.count += added.length;
        active.recent!.push(...added);
        target = active;
      } else {
        const firstSeq = added[0]!.tx.seq;
        target = new JournalSegment(
          firstSeq,
          added.length,
          await LogSegmentFile.create(this.dir, firstSeq, record),
        );
        target.recent = [...added];
        this.segments.push(target);
        if (active) await this.seal(active);
      }
      this.index(target, added);
      return added.map((e) => e.tx);
    });
  }

  /** Durably records the cloud's answers; one write per touched segment. Unknown ids are ignored. */
  recordResults(results: TxResult[], at: string): Promise<void> {
    return this.exclusive('record sync results', async () => {
      const changed = new Map<number, JournalEntry>();
      for (const result of results) {
        for (const seq of this.txIds.candidates(result.id)) {
          // Only pending and dead entries can change: an answer about a synced one changes nothing.
          const current = changed.get(seq) ?? this.openEntry(seq);
          if (current?.tx.id !== result.id) continue;
          const next = entryAfterResult(current, result, at);
          if (next) changed.set(seq, next);
        }
      }
      await this.commitChanges(changed);
    });
  }

  /** Moves dead letters (all, or those named) back to pending; returns how many moved. */
  resend(ids?: string[]): Promise<number> {
    return this.exclusive('resend dead letters', async () => {
      const seqs = ids
        ? ids.flatMap((id) => this.txIds.candidates(id).filter((seq) => this.dead.get(seq)?.tx.id === id))
        : [...this.dead.keys()];
      const changed = new Map<number, JournalEntry>();
      for (const seq of seqs) changed.set(seq, entryResent(this.dead.get(seq)!));
      return this.commitChanges(changed);
    });
  }

  /**
   * Deletes whole segments whose entries are all synced more than `retentionMs` before `now`.
   * Never the active segment (it carries the seq), never one holding a pending or dead entry.
   * Returns the number of segments deleted.
   */
  compact(now: number, retentionMs: number): Promise<number> {
    return this.exclusive('compact the journal', async () => {
      const cutoff = now - retentionMs;
      const expired = this.segments.slice(0, -1).filter((s) => s.unsynced === 0 && s.lastSyncedMs < cutoff);
      const removed = new Set<JournalSegment>();
      try {
        for (const segment of expired) {
          await segment.storage.remove();
          removed.add(segment);
          this.sealedCache.delete(segment.firstSeq);
          this.entryCount -= segment.count;
        }
      } finally {
        if (removed.size > 0) {
          this.segments = this.segments.filter((s) => !removed.has(s));
          const gone = [...removed];
          const kept = (seq: number) => !gone.some((s) => seq >= s.firstSeq && seq <= s.lastSeq);
          for (const index of [this.txIds, this.receiptIds, this.returnIds]) index.retain(kept);
        }
      }
      return expired.length;
    });
  }

  /** Waits for queued writes; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
    await this.activeSegment()?.storage.release();
  }

  // ------------------------------------------------------------------ reads

  pending(limit: number): JournalEntry[] {
    return this.pendingList.take(limit);
  }

  pendingOf(customerKeys: readonly string[]): JournalEntry[] {
    return this.pendingList.ofCustomers(customerKeys);
  }

  deadLetters(): JournalEntry[] {
    return [...this.dead.values()].sort((a, b) => a.tx.seq - b.tx.seq);
  }

  byReceipt(receiptId: string): JournalEntry[] {
    const found: JournalEntry[] = [];
    for (const seq of this.receiptIds.candidates(receiptId)) {
      const entry = this.entryBySeq(seq);
      if (entry?.tx.receiptId === receiptId) found.push(entry);
    }
    return found;
  }

  byReturnId(returnId: string): JournalEntry | undefined {
    // The newest wins should a return id ever have been journalled twice.
    const seqs = this.returnIds.candidates(returnId);
    for (let i = seqs.length - 1; i >= 0; i--) {
      const entry = this.entryBySeq(seqs[i]!);
      if (entry?.tx.returnId === returnId) return entry;
    }
    return undefined;
  }

  /** The entry of a transaction id, if still journalled. */
  byId(id: string): JournalEntry | undefined {
    for (const seq of this.txIds.candidates(id)) {
      const entry = this.entryBySeq(seq);
      if (entry?.tx.id === id) return entry;
    }
    return undefined;
  }

  stats(now: number): { pending: number; oldestAgeSec: number; deadLetter: number; total: number } {
    const oldest = this.pendingList.first();
    const oldestAt = oldest ? Date.parse(oldest.tx.at) : Number.NaN;
    const oldestAgeSec = Number.isNaN(oldestAt) ? 0 : Math.max(0, Math.floor((now - oldestAt) / 1000));
    return {
      pending: this.pendingList.size,
      oldestAgeSec,
      deadLetter: this.dead.size,
      total: this.entryCount,
    };
  }

  /** The seq of the newest entry, 0 for an empty journal. */
  lastSeq(): number {
    const last = this.segments[this.segments.length - 1];
    return last ? last.lastSeq : 0;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  memory(): JournalMemory {
    const active = this.activeSegment();
    const activeOpen = active ? active.unsynced : 0;
    return {
      residentEntries:
        this.pendingList.size +
        this.dead.size +
        (active ? active.count - activeOpen : 0) +
        this.sealedCache.entryCount,
      indexedKeys: this.txIds.size + this.receiptIds.size + this.returnIds.size,
      indexBytes: this.txIds.byteLength + this.receiptIds.byteLength + this.returnIds.byteLength,
      cachedSegments: this.sealedCache.size,
    };
  }

  // ------------------------------------------------------------------ internals

  private exclusive<R>(what: string, fn: () => Promise<R>): Promise<R> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError(what));
    if (this.closed) return Promise.reject(new StoreClosedError(what));
    return this.queue.run(fn);
  }

  /** The segment appends go to: the newest, when it is append-only (a session-1 one is left as it is). */
  private activeSegment(): JournalSegment | undefined {
    const last = this.segments[this.segments.length - 1];
    return last?.recent ? last : undefined;
  }

  private fits(active: JournalSegment, entries: number, recordBytes: number): boolean {
    const storage = active.storage as LogSegmentFile;
    return active.count + entries <= this.limits.entries && storage.bytes + recordBytes <= this.limits.bytes;
  }

  /** A segment that takes no more appends lets go of its entries (the outbox keeps the open ones). */
  private async seal(segment: JournalSegment): Promise<void> {
    segment.recent = null;
    await segment.storage.release();
  }

  private checkNewIds(txs: Omit<Tx, 'seq'>[]): void {
    const seen = new Set<string>();
    for (const t of txs) {
      if (typeof t.id !== 'string' || t.id.length === 0)
        throw new TypeError('a transaction needs a non-empty id');
      if (typeof t.receiptId !== 'string') throw new TypeError(`transaction ${t.id} has no receiptId`);
      if (seen.has(t.id) || this.byId(t.id)) throw new JournalDuplicateIdError(t.id);
      seen.add(t.id);
    }
  }

  /**
   * Writes the new states, one durable write per touched segment, and commits each segment whose
   * write succeeded. A failed segment keeps its old states (those entries are simply sent again).
   */
  private async commitChanges(changed: Map<number, JournalEntry>): Promise<number> {
    const bySegment = new Map<JournalSegment, JournalEntry[]>();
    for (const entry of changed.values()) {
      const segment = this.segmentOf(entry.tx.seq)!;
      const list = bySegment.get(segment) ?? [];
      list.push(entry);
      bySegment.set(segment, list);
    }
    const transitions: [before: JournalEntry, after: JournalEntry][] = [];
    const failures: unknown[] = [];
    await Promise.all(
      [...bySegment].map(async ([segment, updates]) => {
        try {
          await segment.storage.writeStatuses(updates.map(statusOf));
          if (!segment.recent) await segment.storage.release();
        } catch (e) {
          failures.push(e);
          return;
        } finally {
          this.sealedCache.delete(segment.firstSeq);
        }
        for (const after of updates) {
          const before = this.openEntry(after.tx.seq)!;
          segment.noteState(after, before);
          if (segment.recent) segment.recent[after.tx.seq - segment.firstSeq] = after;
          transitions.push([before, after]);
        }
      }),
    );
    this.reindexStates(transitions);
    if (failures.length > 0) throw failures[0];
    return transitions.length;
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && this.readOnly) return;
      throw e;
    }
    const found = new Map<string, { firstSeq: number; format: SegmentFormat }>();
    for (const name of names) {
      const segment = segmentOfFileName(name);
      if (segment) found.set(`${segment.format}:${segment.firstSeq}`, segment);
    }
    const files = [...found.values()].sort((a, b) => a.firstSeq - b.firstSeq);
    const newest = files.at(-1)?.firstSeq;
    const loaded: (LoadedSegment | null)[] = new Array(files.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const i = next++;
        const { firstSeq, format } = files[i]!;
        loaded[i] = await this.loadSegment(firstSeq, format, firstSeq === newest);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, files.length) }, worker));
    const present = loaded.filter((s): s is LoadedSegment => s !== null);
    this.segments = present.map((s) => s.segment);
    this.checkContinuity();
    for (const { kept } of present) {
      this.pendingList.add(kept.filter((e) => e.state === 'pending'));
    }
    const last = present.at(-1);
    if (last && last.segment.storage.format === 'log') {
      // The newest log takes the next appends; if it was not the newest file, its entries were not kept.
      last.segment.recent =
        last.kept.length === last.segment.count ? last.kept : await last.segment.storage.readEntries();
    }
  }

  /** Reads one segment and indexes it; keeps only what memory is meant to hold. */
  private async loadSegment(
    firstSeq: number,
    format: SegmentFormat,
    newest: boolean,
  ): Promise<LoadedSegment | null> {
    let read: { storage: SegmentStorage; entries: JournalEntry[] } | null;
    try {
      read =
        format === 'json'
          ? await JsonSegmentFile.load(this.dir, firstSeq, this.logger, this.readOnly)
          : await LogSegmentFile.load(this.dir, firstSeq, this.logger, this.readOnly);
    } catch (e) {
      if (e instanceof DamagedFileError) throw new StoreCorruptError(e.file, e.reason);
      throw e;
    }
    if (read === null) return null;
    const segment = new JournalSegment(firstSeq, read.entries.length, read.storage);
    for (const e of read.entries) {
      this.indexKeys(e);
      segment.noteState(e);
      if (e.state === 'dead') this.dead.set(e.tx.seq, e);
    }
    this.entryCount += read.entries.length;
    const kept = newest ? read.entries : read.entries.filter((e) => e.state !== 'synced');
    return { segment, kept };
  }

  /** Overlapping segments cannot be ordered: refuse. A gap (a segment restored from an older copy) is logged. */
  private checkContinuity(): void {
    for (let i = 1; i < this.segments.length; i++) {
      const prev = this.segments[i - 1]!;
      const cur = this.segments[i]!;
      if (cur.firstSeq <= prev.lastSeq) {
        throw new StoreCorruptError(
          cur.storage.path,
          `its seqs overlap ${prev.storage.path} (up to ${prev.lastSeq})`,
        );
      }
      if (cur.firstSeq > prev.lastSeq + 1) {
        this.logger.error(
          { file: prev.storage.path, missingFrom: prev.lastSeq + 1, missingTo: cur.firstSeq - 1 },
          'journal has a gap in seq: transactions missing (a segment was restored from an older copy); the cloud may hold them',
        );
      }
    }
  }

  private segmentOf(seq: number): JournalSegment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.segments[mid]!;
      if (seq < s.firstSeq) hi = mid - 1;
      else if (seq > s.lastSeq) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** A pending or dead entry: the only ones a cloud answer or a resend can change. */
  private openEntry(seq: number): JournalEntry | undefined {
    return this.pendingList.get(seq) ?? this.dead.get(seq);
  }

  /** Any entry: from memory when it is held there, else from its segment's file. */
  private entryBySeq(seq: number): JournalEntry | undefined {
    const open = this.openEntry(seq);
    if (open) return open;
    const segment = this.segmentOf(seq);
    if (!segment) return undefined;
    const entries = segment.recent ?? this.sealedEntries(segment);
    return entries[seq - segment.firstSeq];
  }

  private sealedEntries(segment: JournalSegment): readonly JournalEntry[] {
    let entries = this.sealedCache.get(segment.firstSeq);
    if (!entries) {
      try {
        entries = segment.storage.readEntriesSync();
      } catch (e) {
        // It opened fine, so something changed the file under us: say so, never answer "not found".
        if (!(e instanceof DamagedFileError)) throw e;
        this.logger.error({ file: e.file, problem: e.reason }, 'journal segment unreadable on look-up');
        throw new StoreCorruptError(e.file, e.reason);
      }
      this.sealedCache.set(segment.firstSeq, entries);
    }
    return entries;
  }

  private indexKeys(entry: JournalEntry): void {
    const { id, seq, receiptId, returnId } = entry.tx;
    this.txIds.add(id, seq);
    this.receiptIds.add(receiptId, seq);
    if (returnId !== undefined) this.returnIds.add(returnId, seq);
  }

  /** New entries (all pending): keys, counts, and the outbox queue. */
  private index(segment: JournalSegment, added: readonly JournalEntry[]): void {
    for (const e of added) {
      this.indexKeys(e);
      segment.noteState(e);
    }
    this.pendingList.add([...added]);
    this.entryCount += added.length;
  }

  /** Moves entries between the pending list and the dead letters after their state changed. */
  private reindexStates(transitions: [before: JournalEntry, after: JournalEntry][]): void {
    const leftPending = new Set<number>();
    const backToPending: JournalEntry[] = [];
    for (const [before, after] of transitions) {
      const seq = after.tx.seq;
      if (before.state === 'pending' && after.state === 'pending') this.pendingList.replace(after);
      else if (before.state === 'pending') leftPending.add(seq);
      else if (after.state === 'pending') backToPending.push(after);
      if (before.state === 'dead') this.dead.delete(seq);
      if (after.state === 'dead') this.dead.set(seq, after);
    }
    this.pendingList.removeSeqs(leftPending);
    this.pendingList.add(backToPending);
  }
}
