// What the agent fetches from the cloud: customer changes (by a persisted cursor), the program
// (by ETag) and the heartbeat it sends. Each step persists its progress only after the data it
// covers is safely applied, so a crash in between repeats a page instead of skipping it.
import type { CustomerCache, Journal, StateStore, SyncState } from '../agent/ports.js';
import type { Program } from '../domain/types.js';
import { CustomersPageSchema } from '../protocol/wire/customer.js';
import { CloudProtocolError } from './errors.js';
import type { CloudHttp } from './http-client.js';
import { expectShape, ProgramExtrasSchema } from './wire-schemas.js';

export interface PullsOptions {
  http: CloudHttp;
  agentId: string;
  cache: CustomerCache;
  state: StateStore<SyncState>;
  journal: Journal;
  /** Validates a program document (the domain's parseProgram); throws when it is not a program. */
  parseProgram: (json: unknown) => Program;
  /** Receives a new, validated program with its raw document (to store and use). */
  onProgram: (program: Program, raw: unknown) => void | Promise<void>;
  /** The agent's version, reported in the heartbeat. */
  version: string;
  /** The register's state, reported in the heartbeat. */
  registerState: () => string;
  now?: () => Date;
  /** Customers per page. */
  pageSize?: number;
  /** Guard against a cloud that says `more` for ever: at most this many pages per pull. */
  maxPages?: number;
  /** Hard deadline of one pull/heartbeat call. */
  deadlineMs?: number;
}

export interface CustomersPullReport {
  pages: number;
  customers: number;
  cursor: string | undefined;
  /** True when the page limit stopped the pull before the cloud said `more: false`. */
  truncated: boolean;
}

export type ProgramPullReport =
  | { changed: false }
  | { changed: true; version: string; etag: string | undefined };

export class Pulls {
  private readonly now: () => Date;

  constructor(private readonly o: PullsOptions) {
    this.now = o.now ?? (() => new Date());
  }

  private get base(): string {
    return `/v1/agents/${encodeURIComponent(this.o.agentId)}`;
  }

  /** Fetches customer changes since the stored cursor into the cache, page after page. */
  async pullCustomers(signal?: AbortSignal): Promise<CustomersPullReport> {
    const report: CustomersPullReport = {
      pages: 0,
      customers: 0,
      cursor: this.o.state.read().customersCursor,
      truncated: false,
    };
    const maxPages = this.o.maxPages ?? 1000;
    for (;;) {
      if (report.pages >= maxPages) {
        report.truncated = true;
        break;
      }
      const requestedAt = this.now().toISOString();
      const res = await this.o.http.call({
        method: 'GET',
        path: `${this.base}/customers`,
        query: { cursor: report.cursor, limit: this.o.pageSize ?? 1000 },
        deadlineMs: this.o.deadlineMs ?? 30_000,
        signal,
      });
      const page = expectShape(CustomersPageSchema, res.data, 'customers page');
      if (page.customers.length > 0) await this.o.cache.apply(page.customers);
      const pulledAt = this.now().toISOString();
      await this.o.state.update((s) => {
        s.customersCursor = page.cursor;
        s.customersPulledAt = pulledAt;
        if (!page.more) s.customersCurrentAsOf = requestedAt;
      });
      report.pages += 1;
      report.customers += page.customers.length;
      // A cloud that says "more" without moving the cursor would loop here for ever.
      const stuck = page.more && page.cursor === report.cursor;
      report.cursor = page.cursor;
      if (stuck)
        throw new CloudProtocolError('the cloud says more customers follow but did not move the cursor');
      if (!page.more || signal?.aborted) break;
    }
    return report;
  }

  /** Fetches the program if it changed (ETag), validates it and hands it over. */
  async pullProgram(signal?: AbortSignal): Promise<ProgramPullReport> {
    const etag = this.o.state.read().programEtag;
    const res = await this.o.http.call({
      method: 'GET',
      path: `${this.base}/program`,
      headers: etag ? { 'If-None-Match': etag } : undefined,
      deadlineMs: this.o.deadlineMs ?? 30_000,
      signal,
    });
    if (res.status === 304) return { changed: false };
    const extras = expectShape(ProgramExtrasSchema, res.data, 'program');
    let program: Program;
    try {
      const parsed = this.o.parseProgram(res.data);
      // The salt is what phone hashes in the cache were made with: it must come along.
      program = extras.phoneSalt === undefined ? parsed : { ...parsed, phoneSalt: extras.phoneSalt };
    } catch (err) {
      // A program this agent cannot run is not taken: the one in force stays.
      throw new CloudProtocolError(`the cloud's program is not valid: ${(err as Error).message}`);
    }
    await this.o.onProgram(program, res.data);
    const newEtag = res.headers['etag'];
    await this.o.state.update((s) => {
      if (extras.qrKeys) s.qrKeys = extras.qrKeys.map((k) => ({ kid: k.kid, publicKey: k.publicKey }));
      // Stored last: if the program could not be taken, the next pull fetches it again.
      if (newEtag) s.programEtag = newEtag;
      else delete s.programEtag;
    });
    return { changed: true, version: program.version, etag: newEtag };
  }

  /** Tells the cloud this agent is alive, with its queue and register state. */
  async heartbeat(signal?: AbortSignal): Promise<void> {
    const stats = this.o.journal.stats(this.now().getTime());
    await this.o.http.call({
      method: 'POST',
      path: `${this.base}/heartbeat`,
      body: {
        version: this.o.version,
        queue: { pending: stats.pending, oldestAgeSec: stats.oldestAgeSec, deadLetter: stats.deadLetter },
        register: { state: this.o.registerState() },
      },
      deadlineMs: this.o.deadlineMs ?? 30_000,
      signal,
    });
  }
}
