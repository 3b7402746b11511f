import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCloudConfig } from '../../src/cloud/config.js';
import { MIGRATIONS, migrate } from '../../src/cloud/db/migrations.js';
import { openDb } from '../../src/cloud/db/open-db.js';
import { openPglite } from '../../src/cloud/db/pglite-db.js';
import { demoCards, loadDemoData } from '../../src/cloud/seed/demo-data.js';
import { startCloud } from '../../src/cloud/start-cloud.js';
import { applyTimeChanges } from '../../src/cloud/time-changes.js';
import { ean13Valid, parseProgram } from '../../src/domain/index.js';
import type { CachedCustomer, QrKey } from '../../src/protocol/sync.js';
import { openTestDb, testProgram } from './harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('database layer', () => {
  it('applies migrations once and records them; a failing transaction leaves nothing behind', async () => {
    const { db, drop } = await openTestDb();
    cleanups.push(drop);
    expect(await migrate(db)).toEqual([]);
    const versions = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await expect(
      db.transaction(async (q) => {
        await q.query(`INSERT INTO settings (key, value) VALUES ('probe', '1')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query(`SELECT key FROM settings WHERE key = 'probe'`)).toEqual([]);
    // int8 and numeric come back as numbers on both drivers.
    const [row] = await db.query<{ a: number; b: number }>(
      'SELECT 9007199254740::bigint AS a, SUM(x) AS b FROM (VALUES (1), (2)) t(x)',
    );
    expect(row).toEqual({ a: 9007199254740, b: 3 });
  });

  it('refuses an unknown database string', async () => {
    await expect(openDb('sqlite:x')).rejects.toThrow(/pglite:memory/);
  });
});

describe('startCloud on pglite:DIR with the demo seed', () => {
  it('keeps data and the QR key across restarts, seeds the demo once, and the demo list is valid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud-dir-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const programFile = join(dir, 'program.json');
    await writeFile(programFile, JSON.stringify(testProgram()));
    const config = parseCloudConfig(
      {
        http: { host: '127.0.0.1', port: 0 },
        database: `pglite:${join(dir, 'db')}`,
        program: programFile,
        agents: [{ agentId: 'a1', storeId: 's1', key: 'agent-key-1' }],
        adminTokens: ['admin-token-1'],
        seedDemo: true,
      },
      {},
    );
    const logger = pino({ level: 'silent' });
    const data = await loadDemoData();
    const keysOf = async (url: string) => {
      const res = await fetch(`${url}/v1/agents/a1/program`, {
        headers: { authorization: 'Bearer agent-key-1' },
      });
      return ((await res.json()) as { qrKeys: QrKey[] }).qrKeys;
    };

    const first = await startCloud(config, { logger });
    const keys = await keysOf(first.url);
    const anna = data.customers.find((c) => c.birthdayInDays !== undefined)!;
    const res = await fetch(`${first.url}/v1/identify`, {
      method: 'POST',
      headers: { authorization: 'Bearer agent-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ card: anna.card }),
    });
    const seen = ((await res.json()) as { customer: CachedCustomer }).customer;
    expect(seen).toMatchObject({
      id: anna.id,
      tierId: anna.tier,
      balance: { available: anna.points, pending: anna.pendingPoints },
    });
    await first.close();

    const second = await startCloud(config, { logger });
    cleanups.push(() => second.close());
    expect(await keysOf(second.url)).toEqual(keys);
    const count = await second.db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM customers');
    expect(count[0]!.n).toBe(data.customers.length);

    // Every demo customer's spend lands in the tier the demo prints.
    for (const c of data.customers) {
      const r = await fetch(`${second.url}/v1/customers/${c.id}`, {
        headers: { authorization: 'Bearer admin-token-1' },
      });
      expect(((await r.json()) as { tierId: string }).tierId).toBe(c.tier);
    }
    for (const c of await demoCards()) expect(ean13Valid(c.card)).toBe(true);
    for (const card of data.unassignedCards) expect(ean13Valid(card)).toBe(true);
  });

  it('migration 2 marks customers already enrolled with a bonus, whichever way the bonus came', async () => {
    const db = await openPglite(null);
    cleanups.push(() => db.close());
    await migrate(db, MIGRATIONS.slice(0, 1));
    const at = new Date('2026-11-01T10:00:00Z');
    await db.query(`INSERT INTO agents (agent_id, store_id) VALUES ('a', 's')`);
    for (const id of ['in-sale', 'own', 'none', 'marked']) {
      await db.query(
        `INSERT INTO customers (id, created_at, updated_at, change_seq, enrolment_bonus_tx) VALUES ($1, $2, $2, 1, $3)`,
        [id, at, id === 'marked' ? 'earlier' : null],
      );
    }
    const enrol = async (txId: string, customerId: string, body: object, n: number) =>
      db.query(
        `INSERT INTO transactions (id, agent_id, seq, kind, store_id, till_id, receipt_id, customer_id, at, offline,
           program_version, body, applied_at) VALUES ($1, 'a', $2, 'enrolment', 's', 't', $1, $3, $4, false, 'v', $5::text::jsonb, $4)`,
        [txId, n, customerId, at, JSON.stringify(body)],
      );
    await enrol('e1', 'in-sale', { totals: { accruedPoints: 0 }, bonusPoints: 150 }, 1);
    await enrol('e2', 'in-sale', { totals: { accruedPoints: 0 }, bonusPoints: 150 }, 2);
    await enrol('e3', 'own', { totals: { accruedPoints: 150 } }, 3);
    await enrol('e4', 'none', { totals: { accruedPoints: 0 }, bonusPoints: 0 }, 4);
    await enrol('e5', 'marked', { totals: { accruedPoints: 150 } }, 5);
    expect(await migrate(db, MIGRATIONS.slice(0, 2))).toEqual([2]);
    const rows = await db.query<{ id: string; enrolment_bonus_tx: string | null }>(
      'SELECT id, enrolment_bonus_tx FROM customers ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'in-sale', enrolment_bonus_tx: 'e1' },
      { id: 'marked', enrolment_bonus_tx: 'earlier' },
      { id: 'none', enrolment_bonus_tx: null },
      { id: 'own', enrolment_bonus_tx: 'e3' },
    ]);
  });

  it('migration 3 makes every customer due from its last change: the first job run finds what moved', async () => {
    const db = await openPglite(null);
    cleanups.push(() => db.close());
    await migrate(db, MIGRATIONS.slice(0, 2));
    const changed = new Date('2026-11-01T10:00:00Z');
    const matured = new Date('2026-11-02T10:00:00Z');
    for (const id of ['moved', 'still']) {
      await db.query(
        `INSERT INTO customers (id, created_at, updated_at, change_seq) VALUES ($1, $2, $2, nextval('customer_change_seq'))`,
        [id, changed],
      );
    }
    await db.query(
      `INSERT INTO point_lots (customer_id, kind, points, remaining, available_at, created_at)
       VALUES ('moved', 'earned', 10, 10, $1, $2)`,
      [matured, changed],
    );
    expect(await migrate(db, MIGRATIONS.slice(0, 3))).toEqual([3]);
    const run = await applyTimeChanges(db, {
      program: parseProgram(testProgram()),
      timezone: 'Europe/Moscow',
      now: new Date('2026-11-03T10:00:00Z'),
    });
    expect(run).toEqual({ checked: 2, changed: 1 });
    const rows = await db.query<{ id: string; updated_at: Date; next_change_at: Date | null }>(
      'SELECT id, updated_at, next_change_at FROM customers ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'moved', updated_at: matured, next_change_at: null },
      { id: 'still', updated_at: changed, next_change_at: null },
    ]);
  });
});
