// Empties the outbox into the cloud: pending transactions in seq order, at most 500 per call.
// Delivery is at-least-once (the cloud dedups by id), so any doubt means "send again"; an entry
// leaves the queue only through the cloud's own answer for it, recorded durably by the journal.
import pRetry, { AbortError } from 'p-retry';
import type { CustomerCache, Journal, JournalEntry, StateStore, SyncState } from '../agent/ports.js';
import type { CachedCustomer, Tx, TxResult } from '../protocol/sync.js';
import { TxResultsSchema } from '../protocol/wire/tx-result.js';
import { abortableSleep } from './abortable-sleep.js';
import { classify } from './classify.js';
import type { CloudHttp } from './http-client.js';
import { expectShape } from './wire-schemas.js';

/** SYNC-API: at most 500 transactions per call. */
export const MAX_BATCH = 500;

export interface DrainRetryOptions {
  /** Extra attempts per batch before the drain gives up until its next run. */
  retries?: number;
  /** First backoff; doubles each attempt, randomized ×1…2. */
  minTimeoutMs?: number;
  /** Backoff cap. */
  maxTimeoutMs?: number;
  /** Longest `Retry-After` waited inside one drain; a longer one pauses drains until it passes. */
  maxRetryAfterMs?: number;
}

export interface OutboxDrainOptions {
  http: CloudHttp;
  agentId: string;
  journal: Journal;
  cache: CustomerCache;
  state: StateStore<SyncState>;
  now?: () => Date;
  batchSize?: number;
  /** Hard deadline of one batch call. */
  batchDeadlineMs?: number;
  retry?: DrainRetryOptions;
  /** How long kick() waits to gather confirms into one drain. */
  kickDelayMs?: number;
  onBatch?: (batch: BatchReport) => void;
}

export interface BatchReport {
  size: number;
  accepted: number;
  duplicate: number;
  retry: number;
  rejected: number;
  /** Results the cloud did not give (the entries stay pending). */
  unanswered: number;
  attempts: number;
  ms: number;
}

export interface DrainReport {
  batches: number;
  sent: number;
  accepted: number;
  duplicate: number;
  retry: number;
  rejected: number;
  /** Pending entries left after the run (deferred by `retry` or not reached because of an error). */
  remaining: number;
  /** Why the run stopped early; absent when it went through. */
  error?: string;
}

export class OutboxDrain {
  private readonly batchSize: number;
  private readonly now: () => Date;
  private running: Promise<DrainReport> | null = null;
  private again = false;
  private kickTimer: NodeJS.Timeout | null = null;
  private controller = new AbortController();
  private stopped = false;
  /** The cloud asked (Retry-After) not to be called before this time (ms). */
  private pausedUntil = 0;

  constructor(private readonly o: OutboxDrainOptions) {
    this.batchSize = Math.max(1, Math.min(MAX_BATCH, o.batchSize ?? MAX_BATCH));
    this.now = o.now ?? (() => new Date());
  }

  /** True while a drain runs. */
  get busy(): boolean {
    return this.running !== null;
  }

  /**
   * Runs a drain, or joins the one running: a call during a drain makes it go round once more
   * (for entries confirmed meanwhile) and resolves with that run's report. Never rejects.
   */
  drain(): Promise<DrainReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.loop().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** A drain shortly after a confirm; confirms within the delay share it. */
  kick(): void {
    if (this.stopped || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      void this.drain();
    }, this.o.kickDelayMs ?? 200);
    this.kickTimer.unref();
  }

  /** Cancels the pending kick, aborts waits and calls in flight, and waits for the run to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = null;
    this.controller.abort(new Error('the sync client is stopping'));
    await this.running;
  }

  /** Allows drains again after stop(). */
  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.controller = new AbortController();
  }

  private async loop(): Promise<DrainReport> {
    const total: DrainReport = {
      batches: 0,
      sent: 0,
      accepted: 0,
      duplicate: 0,
      retry: 0,
      rejected: 0,
      remaining: 0,
    };
    do {
      this.again = false;
      let error: string | undefined;
      try {
        error = await this.drainAll(total);
      } catch (err) {
        // The journal or the state could not be written: stop here, the entries are still pending.
        error = `the sync could not record its progress: ${(err as Error).message}`;
      }
      if (error !== undefined) {
        total.error = error;
        break;
      }
    } while (this.again && !this.stopped);
    total.remaining = this.o.journal.stats(this.now().getTime()).pending;
    return total;
  }

  /** One pass over the queue. Returns an error text when it had to stop early. */
  private async drainAll(total: DrainReport): Promise<string | undefined> {
    if (this.stopped) return 'stopped';
    const pauseLeft = this.pausedUntil - Date.now();
    if (pauseLeft > 0) return `the cloud asked to wait ${Math.ceil(pauseLeft / 1000)} s more (Retry-After)`;
    // Entries the cloud answered `retry` for stay pending; this pass leaves them alone.
    const deferred = new Set<string>();
    for (;;) {
      const batch = this.nextBatch(deferred);
      if (batch.length === 0) break;
      let outcome: { results: TxResult[]; attempts: number };
      const started = Date.now();
      try {
        outcome = await this.sendWithRetry(batch);
      } catch (err) {
        if (this.stopped) return 'stopped';
        const reason = classify(err).reason;
        await this.noteError(reason);
        return reason;
      }
      const report = await this.apply(batch, outcome.results, deferred);
      report.attempts = outcome.attempts;
      report.ms = Date.now() - started;
      total.batches += 1;
      total.sent += report.size;
      total.accepted += report.accepted;
      total.duplicate += report.duplicate;
      total.retry += report.retry;
      total.rejected += report.rejected;
      this.o.onBatch?.(report);
      if (this.stopped) return 'stopped';
    }
    if (this.o.journal.pending(1).length === 0) {
      // Everything the agent sold is now in the cloud's balances: the offline allowance starts afresh.
      await this.o.state.update((s) => {
        s.offlineRedeemed = {};
        delete s.lastError;
      });
    }
    return undefined;
  }

  private nextBatch(deferred: ReadonlySet<string>): Tx[] {
    const entries: JournalEntry[] = this.o.journal.pending(this.batchSize + deferred.size);
    return entries
      .filter((e) => !deferred.has(e.tx.id))
      .slice(0, this.batchSize)
      .map((e) => e.tx)
      .sort((a, b) => a.seq - b.seq);
  }

  private async sendWithRetry(batch: Tx[]): Promise<{ results: TxResult[]; attempts: number }> {
    const retry = this.o.retry ?? {};
    const signal = this.controller.signal;
    let attempts = 0;
    const results = await pRetry(
      async (attempt) => {
        attempts = attempt;
        try {
          return await this.send(batch, signal);
        } catch (err) {
          // A refusal will not pass by itself: stop this drain instead of hammering the cloud.
          if (classify(err).verdict === 'fatal') throw new AbortError(err as Error);
          throw err;
        }
      },
      {
        retries: retry.retries ?? 5,
        factor: 2,
        minTimeout: retry.minTimeoutMs ?? 1000,
        maxTimeout: retry.maxTimeoutMs ?? 60_000,
        randomize: true,
        signal,
        onFailedAttempt: async ({ error, retriesLeft }) => {
          await this.noteError(classify(error).reason);
          await this.honourRetryAfter(error, retriesLeft, signal);
        },
      },
    );
    return { results, attempts };
  }

  /** Waits out a `Retry-After` before p-retry's own backoff, so the next try is never earlier. */
  private async honourRetryAfter(error: Error, retriesLeft: number, signal: AbortSignal): Promise<void> {
    const retryAfterMs = classify(error).retryAfterMs;
    if (retryAfterMs === undefined) return;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryAfterMs);
    const cap = this.o.retry?.maxRetryAfterMs ?? 300_000;
    if (retryAfterMs > cap) throw error; // too long to wait here: later drains skip until it passes
    if (retriesLeft > 0) await abortableSleep(retryAfterMs, signal);
  }

  private async send(batch: Tx[], signal: AbortSignal): Promise<TxResult[]> {
    const res = await this.o.http.call({
      method: 'POST',
      path: `/v1/agents/${encodeURIComponent(this.o.agentId)}/transactions`,
      body: { transactions: batch },
      deadlineMs: this.o.batchDeadlineMs ?? 30_000,
      signal,
    });
    return expectShape(TxResultsSchema, res.data, 'transactions answer').results;
  }

  /** Records the cloud's answers; returns the batch's counts. */
  private async apply(batch: Tx[], results: TxResult[], deferred: Set<string>): Promise<BatchReport> {
    const sent = new Set(batch.map((t) => t.id));
    const answered = new Map<string, TxResult>();
    // Only answers for what was sent, first one per id: a stray or repeated result changes nothing.
    for (const r of results) if (sent.has(r.id) && !answered.has(r.id)) answered.set(r.id, r);
    const report: BatchReport = {
      size: batch.length,
      accepted: 0,
      duplicate: 0,
      retry: 0,
      rejected: 0,
      unanswered: 0,
      attempts: 1,
      ms: 0,
    };
    for (const tx of batch) {
      const r = answered.get(tx.id);
      if (!r) {
        report.unanswered += 1;
        deferred.add(tx.id);
        continue;
      }
      report[r.status] += 1;
      if (r.status === 'retry') deferred.add(tx.id);
    }
    const ordered = batch.map((t) => answered.get(t.id)).filter((r): r is TxResult => r !== undefined);
    // The cache first, the journal second: for a moment the till may count a sale twice (lower
    // balance), never zero times (points that could be spent again).
    await this.refreshCache(ordered);
    const at = this.now().toISOString();
    await this.o.journal.recordResults(ordered, at);
    await this.o.state.update((s) => {
      s.lastSyncAt = at;
      if (report.unanswered > 0) {
        s.lastError = `the cloud answered for ${ordered.length} of ${batch.length} transactions`;
      }
    });
    return report;
  }

  /** The balance each answer carries is newer than the cache's: keep cached customers current. */
  private async refreshCache(results: TxResult[]): Promise<void> {
    const latest = new Map<string, { available: number; pending: number }>();
    for (const r of results) if (r.customer) latest.set(r.customer.id, r.customer.balance);
    const changes: CachedCustomer[] = [];
    for (const [id, balance] of latest) {
      const cached = this.o.cache.byId(id);
      if (!cached) continue; // not cached yet: the next customers pull brings it whole
      if (cached.balance.available === balance.available && cached.balance.pending === balance.pending)
        continue;
      changes.push({ ...cached, balance: { ...balance } });
    }
    if (changes.length > 0) await this.o.cache.apply(changes);
  }

  private async noteError(reason: string): Promise<void> {
    if (this.stopped) return;
    await this.o.state.update((s) => {
      s.lastError = reason;
    });
  }
}
