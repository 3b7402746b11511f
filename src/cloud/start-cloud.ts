// Starts the reference central server: database (migrated), program, agents, QR keys, routes.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import cron from 'node-cron';
import pino, { type Logger } from 'pino';
import type { CloudServices } from './cloud-services.js';
import type { CloudConfig } from './config.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrations.js';
import { openDb } from './db/open-db.js';
import { installAccess, type RouteAccess } from './http/access.js';
import { Authenticator } from './http/auth.js';
import { installErrorHandler } from './http/error-handler.js';
import { registerAgentRoutes } from './routes/agent-routes.js';
import { registerCentralRoutes } from './routes/central-routes.js';
import { registerLookupRoutes } from './routes/lookup-routes.js';
import { registerPageRoutes } from './routes/page-routes.js';
import { registerReceiptRoutes } from './routes/receipt-routes.js';
import { seedDemo } from './seed/seed-demo.js';
import { type SmsGateway, TestSmsGateway } from './sms-gateway.js';
import { ProgramStore } from './store/program-store.js';
import { QrKeyStore } from './store/qr-keys.js';
import type { Clock } from './time.js';
import { applyTimeChanges } from './time-changes.js';

export interface StartCloudOptions {
  logger?: Logger;
  /** Tests move time to see points become available, expire, and holds lapse. */
  clock?: Clock;
  /** An already open database (tests share one per schema); it is migrated but not closed. */
  db?: Db;
  /** The real SMS provider; the default TestSmsGateway only logs and shows the codes. */
  sms?: SmsGateway;
  /** node-cron expression (with seconds) of the time-change job; default every minute. */
  timeChangesCron?: string;
}

export interface RunningCloud {
  url: string;
  db: Db;
  /** Every route with who may call it (the access check runs before validation). */
  routes: readonly RouteAccess[];
  close(): Promise<void>;
}

// 500 transactions of many lines each do not fit fastify's 1 MiB default.
const BODY_LIMIT = 32 * 1024 * 1024;

export async function startCloud(config: CloudConfig, opts: StartCloudOptions = {}): Promise<RunningCloud> {
  const logger = opts.logger ?? pino({ level: config.logLevel ?? 'info', name: 'loyalty-cloud' });
  const clock = opts.clock ?? (() => new Date());
  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDb(config.database));
  try {
    if (!ownsDb) await migrate(db);
    const programs = await ProgramStore.install(db, await readProgram(config.program), clock(), (m) =>
      logger.warn(m),
    );
    for (const a of config.agents) {
      await db.query(
        `INSERT INTO agents (agent_id, store_id) VALUES ($1, $2)
         ON CONFLICT (agent_id) DO UPDATE SET store_id = EXCLUDED.store_id`,
        [a.agentId, a.storeId],
      );
    }
    const qrKeys = await QrKeyStore.open(db, clock());
    if (config.seedDemo) {
      const seeded = await seedDemo(db, { clock, program: programs.program, timezone: config.timezone });
      if (seeded) logger.info(`demo data seeded: ${seeded.customers.length} customers`);
    }
    const testSms =
      opts.sms instanceof TestSmsGateway ? opts.sms : opts.sms ? null : new TestSmsGateway(logger, clock);
    const services: CloudServices = {
      db,
      config,
      programs,
      qrKeys,
      auth: new Authenticator(config),
      sms: opts.sms ?? testSms!,
      testSms,
      clock,
      logger,
    };

    const app = Fastify({
      // Per-request lines are info: the http child logs warnings and errors only, so the log stays
      // readable at thousands of agent calls a minute.
      loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
      bodyLimit: BODY_LIMIT,
    });
    installErrorHandler(app);
    const routes = installAccess(app, services.auth);
    registerAgentRoutes(app, services);
    registerReceiptRoutes(app, services);
    registerLookupRoutes(app, services);
    registerCentralRoutes(app, services);
    registerPageRoutes(app, services);
    await app.listen({ host: config.http.host, port: config.http.port });
    // Hands the agents the customers time changed (time-changes.ts). A feed pull catches up too,
    // so this only keeps the feed current between pulls; overlapping runs are skipped.
    let timeRun: Promise<void> = Promise.resolve();
    const timeJob = cron.schedule(
      opts.timeChangesCron ?? '0 * * * * *',
      () => {
        timeRun = applyTimeChanges(db, { program: programs.program, timezone: config.timezone, now: clock() })
          .then((run) => {
            if (run.changed > 0) logger.info(run, 'time changed customers');
          })
          .catch((err: unknown) => logger.error({ err }, 'time-change job failed'));
        return timeRun;
      },
      { name: 'time-changes', noOverlap: true },
    );
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const url = `http://${host}:${port}`;
    logger.info({ url, database: db.kind, program: programs.program.version }, 'loyalty cloud listening');
    return {
      url,
      db,
      routes,
      close: async () => {
        await timeJob.destroy();
        await timeRun;
        await app.close();
        if (ownsDb) await db.close();
      },
    };
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
}

async function readProgram(path: string): Promise<unknown> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the program file ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`the program file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}
