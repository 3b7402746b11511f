import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../src/agent/ports.js';
import type { Program } from '../../src/domain/types.js';
import { SyncEngine, type SyncEngineOptions, type SyncStatus } from '../../src/sync/sync-engine.js';
import { AGENT_ID, FakeCloud, KEY } from './fakes/fake-cloud.js';
import { MemoryCache } from './fakes/memory-cache.js';
import { MemoryJournal } from './fakes/memory-journal.js';
import { emptySyncState, MemoryState } from './fakes/memory-state.js';
import { sampleSale } from './fakes/sample-tx.js';

const exampleProgram = JSON.parse(
  readFileSync(new URL('../../config/program.example.json', import.meta.url), 'utf8'),
);

let cloud: FakeCloud;
let journal: MemoryJournal;
let cache: MemoryCache;
let state: MemoryState<SyncState>;
let engines: SyncEngine[];
let programs: Program[];

function engine(
  overrides: Partial<SyncEngineOptions> = {},
  cloudOverrides: Record<string, unknown> = {},
): SyncEngine {
  const e = new SyncEngine({
    cloud: {
      url: cloud.url,
      agentId: AGENT_ID,
      key: KEY,
      deadlineMs: 300,
      batchDeadlineMs: 2000,
      // Far-away schedules unless a test sets its own: nothing fires by itself.
      drainCron: '0 0 0 1 1 *',
      pullCron: '0 0 0 1 1 *',
      heartbeatCron: '0 0 0 1 1 *',
      ...cloudOverrides,
    },
    journal,
    cache,
    state,
    onProgram: (p) => {
      programs.push(p);
    },
    version: '9.9.9',
    registerState: () => 'ready',
    retry: { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 20 },
    kickDelayMs: 30,
    syncOnStart: false,
    ...overrides,
  });
  engines.push(e);
  return e;
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

beforeEach(async () => {
  cloud = await FakeCloud.start();
  cloud.program = { ...exampleProgram, version: 'cloud-1', phoneSalt: 's' };
  journal = new MemoryJournal();
  cache = new MemoryCache();
  state = new MemoryState(emptySyncState());
  engines = [];
  programs = [];
});
afterEach(async () => {
  for (const e of engines) await e.stop();
  await cloud.close();
});

describe('SyncEngine without a cloud', () => {
  it('says unconfigured and does nothing', async () => {
    const e = new SyncEngine({
      cloud: null,
      journal,
      cache,
      state,
      onProgram: () => undefined,
      version: '1',
      registerState: () => 'none',
    });
    expect(e.gateway).toBeNull();
    expect(e.status()).toEqual({ state: 'unconfigured', lastSyncAt: null });
    e.start();
    e.kick();
    await journal.append(sampleSale());
    const report = await e.syncNow();
    expect(report.drain.sent).toBe(0);
    await e.stop();
    expect(journal.stats(Date.now()).pending).toBe(1);
  });
});

describe('SyncEngine.syncNow', () => {
  it('drains, then pulls the program and customers; status turns online', async () => {
    await journal.appendMany([sampleSale(), sampleSale()]);
    cloud.customers = [
      {
        id: 'c-1',
        cards: ['1'],
        displayName: 'A',
        tierId: 'standard',
        periodSpend: 0,
        balance: { available: 1, pending: 0 },
        updatedAt: '2026-11-01T00:00:00Z',
      },
    ];
    const changes: SyncStatus[] = [];
    const e = engine({ onStateChange: (s) => changes.push(s) });
    expect(e.status().state).toBe('offline');
    const report = await e.syncNow();
    expect(report.errors).toEqual({});
    expect(report.drain).toMatchObject({ accepted: 2, remaining: 0 });
    expect(report.program).toMatchObject({ changed: true, version: 'cloud-1' });
    expect(report.customers).toMatchObject({ customers: 1 });
    expect(programs.map((p) => p.version)).toEqual(['cloud-1']);
    expect(cache.size()).toBe(1);
    const order = cloud.calls.map((c) => c.route);
    expect(order).toEqual(['transactions', 'program', 'customers']);
    expect(e.status()).toEqual({ state: 'online', lastSyncAt: expect.any(String) });
    expect(e.lastPullAt()).toEqual(expect.any(String));
    expect(changes.map((c) => c.state)).toEqual(['online']);
  });

  it('goes offline with the reason when the cloud fails, and back online after', async () => {
    await journal.append(sampleSale());
    cloud.script('transactions', (_req, reply) => reply.status(502).send({}));
    cloud.script('program', (_req, reply) => reply.status(502).send({}));
    cloud.script('customers', (_req, reply) => reply.status(502).send({}));
    const changes: string[] = [];
    const errors: string[] = [];
    const e = engine({ onStateChange: (s) => changes.push(s.state), onError: (step) => errors.push(step) });
    await e.syncNow();
    expect(e.status()).toMatchObject({ state: 'offline', lastError: expect.stringContaining('502') });
    expect(errors).toEqual(['drain', 'program', 'customers']);
    expect(journal.stats(Date.now()).pending).toBe(1);
    cloud.script('transactions', undefined);
    cloud.script('program', undefined);
    cloud.script('customers', undefined);
    await e.syncNow();
    expect(e.status().state).toBe('online');
    expect(e.status().lastError).toBeUndefined();
    expect(changes).toEqual(['offline', 'online']);
  });

  it('an invalid program is reported but does not stop the customers pull', async () => {
    cloud.program = { version: 'x', tiers: 'bad' };
    const report = await engine().syncNow();
    expect(report.errors.program).toContain('not valid');
    expect(report.customers).toBeDefined();
    expect(programs).toHaveLength(0);
  });

  it('the till gateway shares the status: a look-up that answers makes it online', async () => {
    const e = engine();
    await expect(e.gateway!.identify({ card: '1' })).resolves.toEqual({ kind: 'unknown' });
    expect(e.status().state).toBe('online');
    cloud.script('identify', (_req, reply) => cloud.trickle(reply));
    const started = Date.now();
    await expect(e.gateway!.identify({ card: '1' })).rejects.toThrow('300 ms');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e.status().state).toBe('offline');
  });
});

describe('SyncEngine schedules', () => {
  it('start() schedules drains, pulls and heartbeats; stop() ends them and leaves no timers', async () => {
    const before = timers();
    const e = engine({}, { drainCron: '* * * * * *', pullCron: '* * * * * *', heartbeatCron: '* * * * * *' });
    await journal.append(sampleSale());
    e.start();
    await new Promise((r) => setTimeout(r, 2200));
    expect(cloud.callsTo('transactions').length).toBeGreaterThanOrEqual(1);
    expect(cloud.callsTo('program').length).toBeGreaterThanOrEqual(1);
    expect(cloud.callsTo('heartbeat').length).toBeGreaterThanOrEqual(1);
    expect(cloud.callsTo('heartbeat')[0]!.body).toMatchObject({
      version: '9.9.9',
      register: { state: 'ready' },
    });
    expect(journal.stats(Date.now()).pending).toBe(0);
    await e.stop();
    const calls = cloud.calls.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(cloud.calls.length).toBe(calls);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('start() syncs at once when asked to', async () => {
    await journal.append(sampleSale());
    const e = engine({ syncOnStart: true });
    e.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(journal.stats(Date.now()).pending).toBe(0);
  });

  it('stop() aborts work in flight instead of waiting out the cloud', async () => {
    await journal.append(sampleSale());
    cloud.script('transactions', (_req, reply) => cloud.trickle(reply));
    const e = engine({}, { batchDeadlineMs: 60_000 });
    e.start();
    const sync = e.syncNow();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await e.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await sync).drain.error).toBe('stopped');
    expect(journal.stats(Date.now()).pending).toBe(1);
  });

  it('kick() drains shortly after a confirm', async () => {
    const e = engine();
    e.start();
    await journal.append(sampleSale());
    e.kick();
    await new Promise((r) => setTimeout(r, 200));
    expect(journal.stats(Date.now()).pending).toBe(0);
  });

  it('can start again after a stop', async () => {
    const e = engine();
    e.start();
    await e.stop();
    e.start();
    await journal.append(sampleSale());
    await e.syncNow();
    expect(journal.stats(Date.now()).pending).toBe(0);
  });
});
