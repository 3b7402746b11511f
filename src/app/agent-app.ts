// The composition root of the agent: opens the store, loads the program, connects the cloud and the
// register, builds the till service and serves the HTTP API. `close()` stops everything in order:
// schedules, HTTP, sync, devices, then the store (flushed, lock released).
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { createRegister } from '../../drivers/atol/create-register.js';
import type { FiscalRegister, RegisterState } from '../../drivers/register/types.js';
import { CustomerResolver } from '../agent/customer-resolver.js';
import { ProgramHolder, type StoredProgram } from '../agent/program-holder.js';
import { type PrintIntents, RegisterSaleService } from '../agent/register-sale.js';
import { normalizePrintIntents } from '../agent/register-sale-recovery.js';
import type { PrintIntentView } from '../agent/register-sale-review.js';
import { TillService } from '../agent/till-service.js';
import type { AgentConfig } from '../config/agent-config.js';
import { ConfigError } from '../config/secrets.js';
import { parseProgram } from '../domain/index.js';
import { AppError } from '../errors/catalogue.js';
import { createMetrics } from '../http/metrics.js';
import type { QueueItem, StatusSource } from '../http/routes/operations.js';
import { salesRoutes } from '../http/routes/sales.js';
import { buildHttpServer } from '../http/server.js';
import { version } from '../ops/version.js';
import { FileState, openStore, type Store } from '../storage/index.js';
import { SyncEngine } from '../sync/sync-engine.js';
import { reapReceipts } from './housekeeping.js';

/** What the refusal to start says when print-intents.json is damaged without a good backup. */
const PRINT_INTENTS_LOST = {
  holds: 'the receipts whose printing began but which were not confirmed yet, and those held for review',
  advice:
    'Move the file aside (keep it: the readable part names the receipts) and start again; then compare ' +
    "the register's journal for the time before the stop with `loyalty-agent queue list` and the " +
    'central office: a receipt printed but never confirmed must be recorded there by hand.',
};

/** The /v1/status block: how many interrupted prints wait, and those held for a person, without secrets. */
function printReviewStatus(views: PrintIntentView[]) {
  const items = views.filter((v) => v.state === 'review');
  return { count: items.length, printing: views.length - items.length, items };
}

export interface AgentOptions {
  logger: Logger;
  now?: () => Date;
  /** Tests and the demo may hand in a register (e.g. one wired to a virtual device they inspect). */
  register?: FiscalRegister | null;
  /** Extra routes and devices (cashier page, terminal bridge, scanner, display) built around the till. */
  extras?: (ctx: ExtrasContext) => Promise<Extras>;
}

export interface ExtrasContext {
  cfg: AgentConfig;
  till: TillService;
  program: ProgramHolder;
  log: Logger;
}

export interface Extras {
  /** Routes with their own access rules. */
  open?: FastifyPluginAsync[];
  /** Routes behind the till token. */
  authenticated?: FastifyPluginAsync[];
  close?: () => Promise<void>;
}

export interface RunningAgent {
  url: string;
  app: FastifyInstance;
  till: TillService;
  store: Store;
  sync: SyncEngine;
  register: FiscalRegister | null;
  close(): Promise<void>;
}

export async function startAgent(cfg: AgentConfig, o: AgentOptions): Promise<RunningAgent> {
  const log = o.logger;
  const now = o.now ?? (() => new Date());
  const started = now().getTime();
  const store = await openStore(cfg.dataDir, { logger: log.child({ part: 'store' }) });
  const closers: (() => Promise<unknown>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch((err) => log.error({ err }, 'error while stopping'));
  };
  try {
    return await assemble();
  } catch (err) {
    await closeAll();
    throw err;
  }

  async function assemble(): Promise<RunningAgent> {
    const programState = await FileState.open<StoredProgram>(`${cfg.dataDir}/program.json`, {
      logger: log,
      defaults: () => ({ raw: null }),
    });
    closers.push(() => programState.close());
    const program = await ProgramHolder.load(cfg.program, programState).catch((err: Error) => {
      // The program file is named by the config: like a config mistake, restarting cannot fix it.
      throw new ConfigError([`config: /program: ${err.message}`]);
    });

    let register: FiscalRegister | null =
      o.register !== undefined
        ? o.register
        : createRegister({
            driver: cfg.register.driver,
            path: cfg.register.path,
            baudRate: cfg.register.baudRate,
            crcOverStuffed: cfg.register.crcOverStuffed,
            onPortError: (err) => log.warn({ err: err.message }, 'register port problem'),
          });
    const sync: SyncEngine = new SyncEngine({
      cloud: cfg.cloud ?? null,
      journal: store.journal,
      cache: store.cache,
      state: store.syncState,
      onProgram: async (p, raw) => {
        await program.replace(p, raw);
        log.info({ version: p.version }, 'program received from the cloud');
      },
      version: version(),
      registerState: () => register?.state().state ?? 'none',
      parseProgram,
      now,
      timezone: cfg.timezone,
      onError: (step, reason) => log.warn({ step, reason }, 'sync step failed'),
    });

    const resolver = new CustomerResolver({
      program: () => program.current(),
      cache: store.cache,
      syncState: store.syncState,
      cloud: sync.gateway,
      now: () => now().getTime(),
      receiptFinished: (id) =>
        store.openReceipts.get(id)?.status === 'cancelled' ||
        store.journal.byReceipt(id).some((e) => e.tx.kind === 'sale'),
    });
    const till = new TillService({
      storeId: cfg.storeId,
      timezone: cfg.timezone,
      receiptTtlSec: cfg.receipts.ttlSec,
      cacheMaxAgeMs: cfg.receipts.cacheMaxAgeHours * 3600_000,
      cacheCurrentAsOf: () => sync.cacheCurrentAsOf(),
      program,
      journal: store.journal,
      openReceipts: store.openReceipts,
      cache: store.cache,
      resolver,
      cloud: sync.gateway,
      cloudOnline: () => sync.status().state === 'online',
      now,
      onJournalAppend: () => sync.kick(),
      onlineDeadlineMs: cfg.cloud?.deadlineMs,
    });

    let registerError: RegisterState['lastError'];
    let saleService: RegisterSaleService | null = null;
    if (register) {
      const reg = register;
      reg.onStateChange((s) => {
        if (s.lastError) registerError = s.lastError;
        log.info({ state: s.state, error: s.lastError?.message }, 'register state');
      });
      // Read before the register is touched: a damaged file stops the start (see PRINT_INTENTS_LOST).
      const intents = await FileState.open<PrintIntents>(`${cfg.dataDir}/print-intents.json`, {
        logger: log,
        defaults: () => ({ printing: {} }),
        normalize: normalizePrintIntents,
        refuseIfLost: PRINT_INTENTS_LOST,
      });
      closers.push(() => intents.close());
      closers.push(() => reg.close());
      // The register may be unplugged at start: the driver keeps trying; the agent serves anyway.
      await reg
        .open()
        .catch((err) => log.warn({ err: (err as Error).message }, 'register not ready at start'));
      saleService = new RegisterSaleService({
        till,
        register: reg,
        intents,
        now,
        log: log.child({ part: 'register-sale' }),
      });
      const sale = saleService;
      await sale
        .recover()
        .then((r) => {
          if (r.confirmed.length + r.dropped.length + r.review.length > 0)
            log.warn(r, 'receipts interrupted while printing: settled');
        })
        .catch((err) =>
          log.error(
            { err: (err as Error).message },
            'cannot settle interrupted prints yet (register unavailable)',
          ),
        );
    } else {
      register = null;
    }

    // Housekeeping at start, after the print intents were settled: a receipt the register printed
    // while the agent was down must be confirmed, not expired first.
    const held = (receiptId: string) => saleService?.holds(receiptId) ?? false;
    const reaped = await reapReceipts(
      { openReceipts: store.openReceipts, journal: store.journal, till, held },
      now().getTime(),
    );
    if (reaped.cancelled + reaped.removed > 0) log.info(reaped, 'open receipts tidied at start');

    const metrics = createMetrics({
      queue: () => store.journal.stats(now().getTime()),
      cacheSize: () => store.cache.size(),
      cloudState: () => sync.status().state,
      registerState: () => register?.state().state ?? 'none',
    });

    let ready = false;
    const source: StatusSource = {
      status() {
        const s = sync.status();
        const q = store.journal.stats(now().getTime());
        const reg = register?.state();
        return {
          version: version(),
          uptimeSec: Math.floor((now().getTime() - started) / 1000),
          storeId: cfg.storeId,
          tillId: cfg.tillId,
          register: {
            driver: register?.driver ?? cfg.register.driver,
            state: reg?.state ?? 'none',
            ...((reg?.lastError ?? registerError) && { lastError: reg?.lastError ?? registerError }),
          },
          cloud: { state: s.state, lastSyncAt: s.lastSyncAt, ...(s.lastError && { lastError: s.lastError }) },
          queue: { pending: q.pending, oldestAgeSec: q.oldestAgeSec, deadLetter: q.deadLetter },
          program: { version: program.current().version },
          cache: { customers: store.cache.size(), updatedAt: store.cache.updatedAt() },
          printReview: printReviewStatus(saleService?.printIntents() ?? []),
        };
      },
      ready: () => ready,
      syncNow() {
        sync.syncNow().catch((err) => log.warn({ err: (err as Error).message }, 'sync on demand failed'));
      },
      queue(state, limit): QueueItem[] {
        const entries =
          state === 'dead' ? store.journal.deadLetters().slice(0, limit) : store.journal.pending(limit);
        return entries.map((e) => ({
          id: e.tx.id,
          seq: e.tx.seq,
          kind: e.tx.kind,
          receiptId: e.tx.receiptId,
          ...(e.tx.returnId && { returnId: e.tx.returnId }),
          at: e.tx.at,
          state: e.state,
          attempts: e.attempts,
          ...(e.lastError && { lastError: e.lastError }),
        }));
      },
      resend: (ids) => store.journal.resend(ids),
      printIntents: () => saleService?.printIntents() ?? [],
      async settlePrintIntent(receiptId, decision) {
        if (!saleService) {
          throw new AppError('RECEIPT_NOT_FOUND', `Чек ${receiptId} не ждёт проверки вручную`);
        }
        return saleService.settleReview(receiptId, decision);
      },
    };

    const extras: Extras = o.extras ? await o.extras({ cfg, till, program, log }) : {};
    if (extras.close) closers.push(extras.close);
    const app = await buildHttpServer({
      till,
      tokens: cfg.http.tokens,
      source,
      metrics,
      version: version(),
      bodyLimit: cfg.http.bodyLimit,
      logger: log.child({ part: 'http' }),
      onConfirmed: () => metrics.confirms.inc(),
      authenticated: [
        ...(saleService ? [salesRoutes(saleService, () => metrics.confirms.inc())] : []),
        ...(extras.authenticated ?? []),
      ],
      open: extras.open ?? [],
    });
    closers.push(() => app.close());
    await app.listen({ host: cfg.http.host, port: cfg.http.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : cfg.http.port;
    const host = cfg.http.host.includes(':') ? `[${cfg.http.host}]` : cfg.http.host;

    // Every task and the sync are given to closeAll before they start, so a failure in between
    // (a schedule refused) still ends whatever already runs: nothing may outlive a closed store.
    const tasks: ScheduledTask[] = [];
    closers.push(async () => {
      for (const t of tasks) await t.destroy();
    });
    tasks.push(
      cron.schedule(
        '*/30 * * * * *',
        async () => {
          const r = await reapReceipts(
            { openReceipts: store.openReceipts, journal: store.journal, till, held },
            now().getTime(),
          );
          if (r.cancelled > 0) log.info(r, 'expired receipts cancelled, holds released');
        },
        { name: 'receipt-reaper', noOverlap: true },
      ),
    );
    tasks.push(
      cron.schedule(
        '17 3 * * *',
        async () => {
          const n = await store.journal.compact(now().getTime(), cfg.receipts.retentionDays * 86_400_000);
          if (n > 0) log.info({ segments: n }, 'synced history compacted');
        },
        { name: 'journal-compaction', noOverlap: true, timezone: cfg.timezone },
      ),
    );
    closers.push(() => sync.stop());
    sync.start();
    ready = true;
    log.info(
      { url: `http://${host}:${port}`, cloud: sync.status().state, register: cfg.register.driver },
      'agent ready',
    );

    return {
      url: `http://${host}:${port}`,
      app,
      till,
      store,
      sync,
      register,
      async close() {
        ready = false;
        await closeAll();
      },
    };
  }
}
