// The journal = the outbox (SYNC-API "Delivery"): every confirmed transaction, durably, in seq
// order, split into segment files of at most `segmentSize` entries and about `segmentMaxBytes`.
// An append rewrites only the last (active) segment, so its cost does not grow with the queue; `seq` continues from the last
// entry on disk. Lookups are served from in-memory indexes rebuilt at open.
import { mkdir, readdir } from 'node:fs/promises';
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
import { PendingList } from './pending-list.js';
import { Segment } from './segment.js';
import { entriesJsonLength, segmentFirstSeqOf } from './segment-file.js';

export const DEFAULT_SEGMENT_SIZE = 256;
/**
 * A segment also rolls over at this size: every append rewrites the active segment, so its size
 * is the cost of a confirm. 64 KiB is ~50 typical sales; fsync cost is flat up to about there.
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
}

export class FileJournal implements Journal {
  private segments: Segment[] = [];
  private readonly seqById = new Map<string, number>();
  private readonly seqsByReceipt = new Map<string, number[]>();
  private readonly seqByReturn = new Map<string, number>();
  private readonly pendingList = new PendingList();
  private readonly dead = new Map<number, JournalEntry>();
  private entryCount = 0;
  /** Mutations run one at a time: seq assignment and segment choice depend on the previous one. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly limits: { entries: number; bytes: number },
    private readonly readOnly: boolean,
    private readonly logger: StoreLogger,
  ) {}

  /**
   * Loads every segment of `dir`. A damaged segment is recovered from its backup copy (logged);
   * without a good copy it throws StoreCorruptError naming the file — confirmed transactions are
   * never dropped silently.
   */
  static async open(dir: string, options: FileJournalOptions): Promise<FileJournal> {
    const limits = {
      entries: options.segmentSize ?? DEFAULT_SEGMENT_SIZE,
      bytes: options.segmentMaxBytes ?? DEFAULT_SEGMENT_MAX_BYTES,
    };
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`segment ${name} limit must be a positive integer, got ${value}`);
      }
    }
    const journal = new FileJournal(dir, limits, options.readOnly === true, options.logger);
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
   * All of `txs` in ONE durable write: into the active segment when they fit (entries and bytes),
   * otherwise as a new segment — the active one is then sealed short. Atomic: after a crash either
   * all are there or none.
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
      const active = this.segments[this.segments.length - 1];
      if (active && this.fits(active, added)) {
        await active.replaceEntries([...active.entries, ...added]);
      } else {
        this.segments.push(await Segment.create(this.dir, added, this.logger));
      }
      this.index(added);
      return added.map((e) => e.tx);
    });
  }

  /** Durably records the cloud's answers; one write per touched segment. Unknown ids are ignored. */
  recordResults(results: TxResult[], at: string): Promise<void> {
    return this.exclusive('record sync results', async () => {
      const changed = new Map<number, JournalEntry>();
      for (const result of results) {
        const seq = this.seqById.get(result.id);
        if (seq === undefined) continue;
        const current = changed.get(seq) ?? this.entryBySeq(seq);
        const next = current && entryAfterResult(current, result, at);
        if (next) changed.set(seq, next);
      }
      await this.commitChanges(changed);
    });
  }

  /** Moves dead letters (all, or those named) back to pending; returns how many moved. */
  resend(ids?: string[]): Promise<number> {
    return this.exclusive('resend dead letters', async () => {
      const seqs = ids ? ids.map((id) => this.seqById.get(id)) : [...this.dead.keys()];
      const changed = new Map<number, JournalEntry>();
      for (const seq of seqs) {
        const entry = seq === undefined ? undefined : this.dead.get(seq);
        if (entry) changed.set(entry.tx.seq, entryResent(entry));
      }
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
      const sealed = this.segments.slice(0, -1);
      const expired = sealed.filter((s) => s.entries.every((e) => syncedBefore(e, now - retentionMs)));
      for (const segment of expired) {
        await segment.remove();
        this.unindex(segment.entries);
        this.segments = this.segments.filter((s) => s !== segment);
      }
      return expired.length;
    });
  }

  /** Waits for queued writes; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  // ------------------------------------------------------------------ reads

  pending(limit: number): JournalEntry[] {
    return this.pendingList.take(limit);
  }

  deadLetters(): JournalEntry[] {
    return [...this.dead.values()].sort((a, b) => a.tx.seq - b.tx.seq);
  }

  byReceipt(receiptId: string): JournalEntry[] {
    const seqs = this.seqsByReceipt.get(receiptId) ?? [];
    return seqs.map((s) => this.entryBySeq(s)).filter((e): e is JournalEntry => e !== undefined);
  }

  byReturnId(returnId: string): JournalEntry | undefined {
    const seq = this.seqByReturn.get(returnId);
    return seq === undefined ? undefined : this.entryBySeq(seq);
  }

  /** The entry of a transaction id, if still journalled. */
  byId(id: string): JournalEntry | undefined {
    const seq = this.seqById.get(id);
    return seq === undefined ? undefined : this.entryBySeq(seq);
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
    const active = this.segments[this.segments.length - 1];
    return active ? active.lastSeq : 0;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  // ------------------------------------------------------------------ internals

  private exclusive<R>(what: string, fn: () => Promise<R>): Promise<R> {
    if (this.readOnly) return Promise.reject(new StoreReadOnlyError(what));
    if (this.closed) return Promise.reject(new StoreClosedError(what));
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private fits(active: Segment, added: JournalEntry[]): boolean {
    // An empty segment (only ever made by hand) takes anything: a new one would reuse its name.
    if (active.entries.length === 0) return true;
    if (active.entries.length + added.length > this.limits.entries) return false;
    return entriesJsonLength(active.entries) + entriesJsonLength(added) <= this.limits.bytes;
  }

  private checkNewIds(txs: Omit<Tx, 'seq'>[]): void {
    const seen = new Set<string>();
    for (const t of txs) {
      if (typeof t.id !== 'string' || t.id.length === 0)
        throw new TypeError('a transaction needs a non-empty id');
      if (typeof t.receiptId !== 'string') throw new TypeError(`transaction ${t.id} has no receiptId`);
      if (this.seqById.has(t.id) || seen.has(t.id)) throw new JournalDuplicateIdError(t.id);
      seen.add(t.id);
    }
  }

  /**
   * Writes the changed entries, one durable write per touched segment, and commits each segment
   * whose write succeeded. A failed segment keeps its old entries (they are simply sent again).
   */
  private async commitChanges(changed: Map<number, JournalEntry>): Promise<number> {
    const bySegment = new Map<Segment, JournalEntry[]>();
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
        const previous = updates.map((u) => segment.entryAt(u.tx.seq)!);
        const next = [...segment.entries];
        for (const u of updates) next[u.tx.seq - segment.firstSeq] = u;
        try {
          await segment.replaceEntries(next);
        } catch (e) {
          failures.push(e);
          return;
        }
        for (const [i, u] of updates.entries()) transitions.push([previous[i]!, u]);
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
    const firstSeqs = [...new Set(names.map(segmentFirstSeqOf).filter((s): s is number => s !== null))];
    firstSeqs.sort((a, b) => a - b);
    const loaded: (Segment | null)[] = new Array(firstSeqs.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < firstSeqs.length) {
        const i = next++;
        loaded[i] = await this.loadSegment(firstSeqs[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, firstSeqs.length) }, worker));
    this.segments = loaded.filter((s): s is Segment => s !== null);
    this.checkContinuity();
    for (const segment of this.segments) this.index(segment.entries);
  }

  private async loadSegment(firstSeq: number): Promise<Segment | null> {
    try {
      return await Segment.load(this.dir, firstSeq, this.logger, this.readOnly);
    } catch (e) {
      if (e instanceof DamagedFileError) throw new StoreCorruptError(e.file, e.reason);
      throw e;
    }
  }

  /** Overlapping segments cannot be ordered: refuse. A gap (a segment restored from an older copy) is logged. */
  private checkContinuity(): void {
    for (let i = 1; i < this.segments.length; i++) {
      const prev = this.segments[i - 1]!;
      const cur = this.segments[i]!;
      if (cur.firstSeq <= prev.lastSeq) {
        throw new StoreCorruptError(
          cur.file.path,
          `its seqs overlap ${prev.file.path} (up to ${prev.lastSeq})`,
        );
      }
      if (cur.firstSeq > prev.lastSeq + 1) {
        this.logger.error(
          { file: prev.file.path, missingFrom: prev.lastSeq + 1, missingTo: cur.firstSeq - 1 },
          'journal has a gap in seq: transactions missing (a segment was restored from an older copy); the cloud may hold them',
        );
      }
    }
  }

  private segmentOf(seq: number): Segment | undefined {
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

  private entryBySeq(seq: number): JournalEntry | undefined {
    return this.segmentOf(seq)?.entryAt(seq);
  }

  private index(entries: readonly JournalEntry[]): void {
    const pending: JournalEntry[] = [];
    for (const e of entries) {
      const { id, seq, receiptId, returnId } = e.tx;
      this.seqById.set(id, seq);
      const forReceipt = this.seqsByReceipt.get(receiptId);
      if (forReceipt) forReceipt.push(seq);
      else this.seqsByReceipt.set(receiptId, [seq]);
      if (returnId !== undefined) this.seqByReturn.set(returnId, seq);
      if (e.state === 'pending') pending.push(e);
      else if (e.state === 'dead') this.dead.set(seq, e);
    }
    this.pendingList.add(pending);
    this.entryCount += entries.length;
  }

  private unindex(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      const { id, seq, receiptId, returnId } = e.tx;
      this.seqById.delete(id);
      const rest = (this.seqsByReceipt.get(receiptId) ?? []).filter((s) => s !== seq);
      if (rest.length > 0) this.seqsByReceipt.set(receiptId, rest);
      else this.seqsByReceipt.delete(receiptId);
      if (returnId !== undefined && this.seqByReturn.get(returnId) === seq) this.seqByReturn.delete(returnId);
    }
    this.entryCount -= entries.length;
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

function syncedBefore(entry: JournalEntry, cutoff: number): boolean {
  if (entry.state !== 'synced') return false;
  const at = Date.parse(entry.syncedAt ?? entry.tx.at);
  return !Number.isNaN(at) && at < cutoff;
}
