// Starts a real cloud on 127.0.0.1:0 over an in-memory PGlite — or, when DATABASE_URL is set, over
// that PostgreSQL in a schema of its own that is dropped afterwards — with a clock the test moves.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type CloudConfig, parseCloudConfig } from '../../src/cloud/config.js';
import type { Db } from '../../src/cloud/db/db.js';
import { openDb } from '../../src/cloud/db/open-db.js';
import { TestSmsGateway } from '../../src/cloud/sms-gateway.js';
import { startCloud } from '../../src/cloud/start-cloud.js';

export const AGENT_1 = { agentId: 'store-1-till-1', storeId: 'store-1', key: 'key-store-1-till-1' };
export const AGENT_2 = { agentId: 'store-2-till-1', storeId: 'store-2', key: 'key-store-2-till-1' };
export const ADMIN = 'admin-token-central';

export function testProgram(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 'test-1',
    pointValue: 100,
    tiers: [
      { id: 'standard', name: 'Стандарт', minSpend: 0, discountPercent: 0, accrualPercent: 3 },
      { id: 'silver', name: 'Серебро', minSpend: 500000, discountPercent: 5, accrualPercent: 5 },
      { id: 'gold', name: 'Золото', minSpend: 1000000, discountPercent: 10, accrualPercent: 7 },
    ],
    tierPeriodDays: 365,
    accrual: { pendingDays: 0, expiryDays: null, onRedeemedPart: false },
    redemption: { maxPercent: 50, minPoints: 1, confirmPhone: false, offlineMaxPoints: 0 },
    receiptThresholds: [],
    promotions: [],
    birthday: { daysBefore: 3, daysAfter: 3, discountPercent: 10, bonusPoints: 0 },
    tagRules: { tobacco: { discount: false, redeem: false, accrue: false } },
    enrollment: { bonusPoints: 150, autoEnrollMinAmount: 200000 },
    phoneSalt: 'test-salt',
    ...overrides,
  };
}

/** Error answers and untyped calls; typed calls name their shape. */
export type ApiBody = { error?: { code: string; message: string; details?: string[] } } & Record<
  string,
  unknown
>;

export interface TestCloud {
  url: string;
  db: Db;
  sms: TestSmsGateway;
  program: Record<string, unknown>;
  /** Moves the cloud's clock. */
  advance(ms: number): void;
  now(): Date;
  request<T = ApiBody>(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function openTestDb(): Promise<{ db: Db; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await openDb('pglite:memory');
    return { db, drop: () => db.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openDb(url, { schema });
  return {
    db,
    drop: async () => {
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

export async function startTestCloud(
  opts: {
    program?: Record<string, unknown>;
    start?: Date;
    /** The time-change job's schedule (real time); tests that run the job themselves push it away. */
    timeChangesCron?: string;
  } = {},
): Promise<TestCloud> {
  const dir = await mkdtemp(join(tmpdir(), 'cloud-test-'));
  const program = opts.program ?? testProgram();
  const programFile = join(dir, 'program.json');
  await writeFile(programFile, JSON.stringify(program));
  const config: CloudConfig = parseCloudConfig({
    http: { host: '127.0.0.1', port: 0 },
    database: 'pglite:memory',
    program: programFile,
    agents: [AGENT_1, AGENT_2],
    adminTokens: [ADMIN],
    timezone: 'Europe/Moscow',
  });
  let now = (opts.start ?? new Date('2026-11-16T12:00:00+03:00')).getTime();
  const clock = () => new Date(now);
  const { db, drop } = await openTestDb();
  const sms = new TestSmsGateway(null, clock);
  const cloud = await startCloud(config, {
    logger: pino({ level: 'silent' }),
    clock,
    db,
    sms,
    ...(opts.timeChangesCron ? { timeChangesCron: opts.timeChangesCron } : {}),
  });
  return {
    url: cloud.url,
    db,
    sms,
    program,
    advance: (ms) => {
      now += ms;
    },
    now: clock,
    async request<T>(
      method: string,
      path: string,
      o: { key?: string | null; body?: unknown; headers?: Record<string, string> } = {},
    ) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.key !== null) headers.authorization = `Bearer ${o.key ?? ADMIN}`;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(cloud.url + path, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
    },
    async close() {
      await cloud.close();
      await drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
