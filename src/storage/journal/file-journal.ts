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
import { mkdir } from 'node:fs/promises';
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
import { entryAfterResult, entryResent, moveByState } from './entry-transitions.js';
import { JournalKeys } from './journal-keys.js';
import {
  type FileJournalOptions,
  type JournalLimits,
  type JournalMemory,
  journalLimits,
} from './journal-options.js';
import { JournalSegment, segmentOfSeq } from './journal-segment.js';
import { addRecord, statusOf } from './log-records.js';
import { LogSegmentFile } from './log-segment-file.js';
import { PendingList } from './pending-list.js';
import { SegmentEntriesCache } from './segment-entries-cache.js';
import { loadSegments } from './segment-loader.js';

export class FileJournal implements Journal {
  private segments: JournalSegment[] = [];
  /** The newest segment while it is append-only and takes appends; null before the first append. */
  private active: JournalSegment<LogSegmentFile> | null = null;
  private readonly keys = new JournalKeys();
  private readonly pendingList = new PendingList();
  private readonly dead = new Map<number, JournalEntry>();
  private readonly sealedCache: SegmentEntriesCache;
  private entryCount = 0;
  /** Mutations run one at a time: seq assignment and segment choice depend on the previous one. */
  private readonly queue = new OneAtATime();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly limits: JournalLimits,
    private readonly readOnly: boolean,
    private readonly logger: StoreLogger,
  ) {
    this.sealedCache = new SegmentEntriesCache(limits.cachedSegments);
  }

  /**
   * Loads every segment of `dir`, migrating session-1 segments first (segment-loader.ts). A damaged
   * session-1 segment is recovered from its backup copy (logged); a torn last record of an
   * append-only segment is dropped (logged). Anything else damaged throws StoreCorruptError naming
   * the file — confirmed transactions are never dropped silently.
   */
  static async open(dir: string, options: FileJournalOptions): Promise<FileJournal> {
    const journal = new FileJournal(dir, journalLimits(options), options.readOnly === true, options.logger);
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
      const active = this.active;
      let target: JournalSegment<LogSegmentFile>;
      if (active && this.fits(active, added.length, record.length)) {
        await active.storage.append(record);
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
        this.active = target;
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
        for (const seq of this.keys.txIds.candidates(result.id)) {
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
        ? ids.flatMap((id) =>
            this.keys.txIds.candidates(id).filter((seq) => this.dead.get(seq)?.tx.id === id),
          )
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
          this.keys.retain(kept);
        }
      }
      return expired.length;
    });
  }

  /** Waits for queued writes; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
    await this.active?.storage.release();
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
    for (const seq of this.keys.receiptIds.candidates(receiptId)) {
      const entry = this.entryBySeq(seq);
      if (entry?.tx.receiptId === receiptId) found.push(entry);
    }
    return found;
  }

  byReturnId(returnId: string): JournalEntry | undefined {
    // The newest wins should a return id ever have been journalled twice.
    const seqs = this.keys.returnIds.candidates(returnId);
    for (let i = seqs.length - 1; i >= 0; i--) {
      const entry = this.entryBySeq(seqs[i]!);
      if (entry?.tx.returnId === returnId) return entry;
    }
    return undefined;
  }

  /** The entry of a transaction id, if still journalled. */
  byId(id: string): JournalEntry | undefined {
    for (const seq of this.keys.txIds.candidates(id)) {
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
    const active = this.active;
    const activeOpen = active ? active.unsynced : 0;
    return {
      residentEntries:
        this.pendingList.size +
        this.dead.size +
        (active ? active.count - activeOpen : 0) +
        this.sealedCache.entryCount,
      indexedKeys: this.keys.size,
      indexBytes: this.keys.byteLength,
      cachedSegments: this.sealedCache.size,
    };
  }

  // ------------------------------------------------------------------ internals

  private exclusive<R>(what: string, fn: () => Promise<R>): Promise<R> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError(what));
    if (this.closed) return Promise.reject(new StoreClosedError(what));
    return this.queue.run(fn);
  }

  private fits(active: JournalSegment<LogSegmentFile>, entries: number, recordBytes: number): boolean {
    return (
      active.count + entries <= this.limits.entries && active.storage.bytes + recordBytes <= this.limits.bytes
    );
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
      const segment = segmentOfSeq(this.segments, entry.tx.seq)!;
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
    moveByState(this.pendingList, this.dead, transitions);
    if (failures.length > 0) throw failures[0];
    return transitions.length;
  }

  private async load(): Promise<void> {
    const loaded = await loadSegments(this.dir, {
      logger: this.logger,
      readOnly: this.readOnly,
      onSegment: (segment, entries) => {
        for (const e of entries) {
          this.keys.add(e);
          segment.noteState(e);
          if (e.state === 'dead') this.dead.set(e.tx.seq, e);
        }
        this.entryCount += entries.length;
      },
    });
    this.segments = loaded.segments;
    this.active = loaded.active;
    for (const kept of loaded.kept) this.pendingList.add(kept.filter((e) => e.state === 'pending'));
  }

  /** A pending or dead entry: the only ones a cloud answer or a resend can change. */
  private openEntry(seq: number): JournalEntry | undefined {
    return this.pendingList.get(seq) ?? this.dead.get(seq);
  }

  /** Any entry: from memory when it is held there, else from its segment's file. */
  private entryBySeq(seq: number): JournalEntry | undefined {
    const open = this.openEntry(seq);
    if (open) return open;
    const segment = segmentOfSeq(this.segments, seq);
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

  /** New entries (all pending): keys, counts, and the outbox queue. */
  private index(segment: JournalSegment, added: readonly JournalEntry[]): void {
    for (const e of added) {
      this.keys.add(e);
      segment.noteState(e);
    }
    this.pendingList.add([...added]);
    this.entryCount += added.length;
  }
}
