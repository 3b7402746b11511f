// The agent's sync loop: drains the outbox, pulls customers and the program, sends heartbeats —
// on node-cron schedules, on demand (`POST /v1/sync`) and right after a confirm (kick). It also
// owns the online/offline verdict: online means the last call to the cloud succeeded.
import cron, { type ScheduledTask } from 'node-cron';
import type { CloudGateway, CustomerCache, Journal, StateStore, SyncState } from '../agent/ports.js';
import { parseProgram as parseProgramDocument } from '../domain/index.js';
import type { Program } from '../domain/types.js';
import { classify } from './classify.js';
import { HttpCloudGateway } from './cloud-gateway.js';
import { type CallOutcome, CloudHttp } from './http-client.js';
import { type BatchReport, type DrainReport, type DrainRetryOptions, OutboxDrain } from './outbox-drain.js';
import { type CustomersPullReport, type ProgramPullReport, Pulls } from './pulls.js';

export interface CloudSettings {
  url: string;
  agentId: string;
  key: string;
  /** Deadline of an online look-up at the till (default 800 ms). */
  deadlineMs?: number;
  /** Deadline of one sync batch or pull page (default 30 s). */
  batchDeadlineMs?: number;
  /** node-cron expressions (with seconds). */
  drainCron?: string;
  pullCron?: string;
  heartbeatCron?: string;
  /** Socket idle timeout (default 10 s). */
  idleTimeoutMs?: number;
}

export interface SyncEngineOptions {
  /** Null when the agent runs without a cloud: everything stays local, status says "unconfigured". */
  cloud: CloudSettings | null;
  journal: Journal;
  cache: CustomerCache;
  state: StateStore<SyncState>;
  /** A new, validated program from the cloud (store it and put it in force). */
  onProgram: (program: Program, raw: unknown) => void | Promise<void>;
  version: string;
  registerState: () => string;
  /** Defaults to the domain's parseProgram. */
  parseProgram?: (json: unknown) => Program;
  now?: () => Date;
  /** Time zone for the cron schedules. */
  timezone?: string;
  retry?: DrainRetryOptions;
  kickDelayMs?: number;
  pageSize?: number;
  /** Sync once right at start() (default true): a restarted agent should not wait for the first tick. */
  syncOnStart?: boolean;
  onStateChange?: (status: SyncStatus) => void;
  onBatch?: (batch: BatchReport) => void;
  /** For logs: a scheduled step that failed, with a reason that carries no personal data. */
  onError?: (step: SyncStep, reason: string) => void;
}

export type SyncStep = 'drain' | 'customers' | 'program' | 'heartbeat';

export type CloudState = 'online' | 'offline' | 'unconfigured';

export interface SyncStatus {
  state: CloudState;
  lastSyncAt: string | null;
  lastError?: string;
}

export interface SyncNowReport {
  drain: DrainReport;
  program?: ProgramPullReport;
  customers?: CustomersPullReport;
  errors: Partial<Record<SyncStep, string>>;
}

const DEFAULT_CRON = { drain: '*/30 * * * * *', pull: '0 * * * * *', heartbeat: '30 * * * * *' };

export class SyncEngine {
  /** The online look-ups for the till; null when no cloud is configured. */
  readonly gateway: CloudGateway | null;
  private readonly http: CloudHttp | null;
  private readonly drainer: OutboxDrain | null;
  private readonly pulls: Pulls | null;
  private tasks: ScheduledTask[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private pullsRunning: Promise<Pick<SyncNowReport, 'program' | 'customers' | 'errors'>> | null = null;
  private controller = new AbortController();
  private online: boolean | null = null;
  private lastFailure: string | undefined;

  constructor(private readonly o: SyncEngineOptions) {
    const cloud = o.cloud;
    if (!cloud) {
      this.http = null;
      this.gateway = null;
      this.drainer = null;
      this.pulls = null;
      return;
    }
    this.http = new CloudHttp({
      baseUrl: cloud.url,
      key: cloud.key,
      idleTimeoutMs: cloud.idleTimeoutMs,
      userAgent: `loyalty-agent/${o.version}`,
      onOutcome: (outcome) => this.noteOutcome(outcome),
    });
    this.gateway = new HttpCloudGateway(this.http, {
      deadlineMs: cloud.deadlineMs ?? 800,
      agentId: cloud.agentId,
    });
    this.drainer = new OutboxDrain({
      http: this.http,
      agentId: cloud.agentId,
      journal: o.journal,
      cache: o.cache,
      state: o.state,
      now: o.now,
      batchDeadlineMs: cloud.batchDeadlineMs,
      retry: o.retry,
      kickDelayMs: o.kickDelayMs,
      onBatch: o.onBatch,
    });
    this.pulls = new Pulls({
      http: this.http,
      agentId: cloud.agentId,
      cache: o.cache,
      state: o.state,
      journal: o.journal,
      parseProgram: o.parseProgram ?? parseProgramDocument,
      onProgram: o.onProgram,
      version: o.version,
      registerState: o.registerState,
      now: o.now,
      pageSize: o.pageSize,
      deadlineMs: cloud.batchDeadlineMs,
    });
  }

  get configured(): boolean {
    return this.o.cloud !== null;
  }

  /** Creates the schedules (node-cron 4 starts a task when it is scheduled) and syncs once. */
  start(): void {
    const cloud = this.o.cloud;
    if (!cloud || this.tasks.length > 0) return;
    this.controller = new AbortController();
    this.drainer?.resume();
    const options = { noOverlap: true, timezone: this.o.timezone };
    const schedules: [string, string, () => void][] = [
      ['sync-drain', cloud.drainCron ?? DEFAULT_CRON.drain, () => this.track(this.runDrain())],
      ['sync-pulls', cloud.pullCron ?? DEFAULT_CRON.pull, () => this.track(this.runPulls())],
      [
        'sync-heartbeat',
        cloud.heartbeatCron ?? DEFAULT_CRON.heartbeat,
        () => this.track(this.runHeartbeat()),
      ],
    ];
    // Each task is kept as soon as it exists: if a later expression is refused, stop() still ends
    // the ones already running (a live timer would keep the process up with its store closed).
    for (const [name, expression, run] of schedules) {
      this.tasks.push(cron.schedule(expression, run, { ...options, name }));
    }
    if (this.o.syncOnStart ?? true) void this.syncNow();
  }

  /** Stops the schedules, aborts waits and calls in flight, and resolves when all work has ended. */
  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map((t) => t.destroy()));
    this.controller.abort(new Error('the sync client is stopping'));
    await this.drainer?.stop();
    await Promise.allSettled([...this.inflight]);
  }

  /** Drain, then pulls. Never rejects: failures are in the report (and in status()). */
  async syncNow(): Promise<SyncNowReport> {
    const run = (async (): Promise<SyncNowReport> => {
      const drain = await this.runDrain();
      const pulls = await this.runPulls();
      const errors = { ...pulls.errors };
      if (drain.error) errors.drain = drain.error;
      return { drain, program: pulls.program, customers: pulls.customers, errors };
    })();
    return this.track(run);
  }

  /** A drain shortly after a confirm (confirms close together share one). */
  kick(): void {
    this.drainer?.kick();
  }

  status(): SyncStatus {
    const lastSyncAt = this.o.state.read().lastSyncAt ?? null;
    if (!this.configured) return { state: 'unconfigured', lastSyncAt };
    if (this.online) return { state: 'online', lastSyncAt };
    const lastError = this.lastFailure ?? this.o.state.read().lastError;
    return lastError ? { state: 'offline', lastSyncAt, lastError } : { state: 'offline', lastSyncAt };
  }

  /** When the customer cache was last refreshed from the cloud (null: never). */
  lastPullAt(): string | null {
    return this.o.state.read().customersPulledAt ?? null;
  }

  /** Since when every cached customer is known current: the last pull that read the whole feed. */
  cacheCurrentAsOf(): string | null {
    return this.o.state.read().customersCurrentAsOf ?? null;
  }

  // ------------------------------------------------------------------ steps

  private async runDrain(): Promise<DrainReport> {
    if (!this.drainer) {
      return { batches: 0, sent: 0, accepted: 0, duplicate: 0, retry: 0, rejected: 0, remaining: 0 };
    }
    const report = await this.drainer.drain();
    if (report.error && report.error !== 'stopped') this.o.onError?.('drain', report.error);
    return report;
  }

  /** The program first (it brings the phone salt the customers' hashes use), then customers. */
  private runPulls(): Promise<Pick<SyncNowReport, 'program' | 'customers' | 'errors'>> {
    const pulls = this.pulls;
    if (!pulls) return Promise.resolve({ errors: {} });
    if (this.pullsRunning) return this.pullsRunning;
    const signal = this.controller.signal;
    const run = (async () => {
      const out: Pick<SyncNowReport, 'program' | 'customers' | 'errors'> = { errors: {} };
      try {
        out.program = await pulls.pullProgram(signal);
      } catch (err) {
        out.errors.program = this.failed('program', err);
      }
      if (signal.aborted) return out;
      try {
        out.customers = await pulls.pullCustomers(signal);
      } catch (err) {
        out.errors.customers = this.failed('customers', err);
      }
      return out;
    })().finally(() => {
      this.pullsRunning = null;
    });
    this.pullsRunning = run;
    return run;
  }

  private async runHeartbeat(): Promise<void> {
    try {
      await this.pulls?.heartbeat(this.controller.signal);
    } catch (err) {
      this.failed('heartbeat', err);
    }
  }

  private failed(step: SyncStep, err: unknown): string {
    const reason = classify(err).reason;
    if (!this.controller.signal.aborted) this.o.onError?.(step, reason);
    return reason;
  }

  private noteOutcome(outcome: CallOutcome): void {
    const wasOnline = this.online;
    this.online = outcome.ok;
    this.lastFailure = outcome.ok ? undefined : outcome.classification.reason;
    if (wasOnline !== this.online) {
      try {
        this.o.onStateChange?.(this.status());
      } catch {
        // A metrics listener must not break the sync.
      }
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }
}
