import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../src/agent/ports.js';
import { parseProgram } from '../../src/domain/index.js';
import type { Program } from '../../src/domain/types.js';
import type { CachedCustomer } from '../../src/protocol/sync.js';
import { CloudProtocolError } from '../../src/sync/errors.js';
import { CloudHttp } from '../../src/sync/http-client.js';
import { Pulls, type PullsOptions } from '../../src/sync/pulls.js';
import { AGENT_ID, FakeCloud, KEY } from './fakes/fake-cloud.js';
import { MemoryCache } from './fakes/memory-cache.js';
import { MemoryJournal } from './fakes/memory-journal.js';
import { emptySyncState, MemoryState } from './fakes/memory-state.js';
import { sampleSale } from './fakes/sample-tx.js';

const exampleProgram = JSON.parse(
  readFileSync(new URL('../../config/program.example.json', import.meta.url), 'utf8'),
);

let cloud: FakeCloud;
let cache: MemoryCache;
let state: MemoryState<SyncState>;
let journal: MemoryJournal;
let received: { program: Program; raw: unknown }[];

function customer(i: number, extra: Partial<CachedCustomer> = {}): CachedCustomer {
  return {
    id: `c-${i}`,
    cards: [`200000000${String(i).padStart(4, '0')}`],
    phoneHash: 'ab'.repeat(32),
    displayName: `Покупатель ${i}`,
    tierId: 'standard',
    periodSpend: i * 100,
    balance: { available: i, pending: 0 },
    updatedAt: `2026-11-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
    ...extra,
  };
}

function pulls(overrides: Partial<PullsOptions> = {}): Pulls {
  return new Pulls({
    http: new CloudHttp({ baseUrl: cloud.url, key: KEY }),
    agentId: AGENT_ID,
    cache,
    state,
    journal,
    parseProgram,
    onProgram: (program, raw) => {
      received.push({ program, raw });
    },
    version: '1.2.3',
    registerState: () => 'ready',
    pageSize: 2,
    deadlineMs: 2000,
    ...overrides,
  });
}

beforeEach(async () => {
  cloud = await FakeCloud.start();
  cache = new MemoryCache();
  state = new MemoryState(emptySyncState());
  journal = new MemoryJournal();
  received = [];
});
afterEach(async () => {
  await cloud.close();
});

describe('customers pull', () => {
  it('applies every page into the cache and persists the cursor, looping while `more`', async () => {
    cloud.customers = [customer(1), customer(2), customer(3), customer(4), customer(5)];
    const report = await pulls().pullCustomers();
    expect(report).toEqual({ pages: 3, customers: 5, cursor: '5', truncated: false });
    expect(cache.size()).toBe(5);
    expect(cache.byCard(customer(3).cards[0]!)?.id).toBe('c-3');
    expect(state.read().customersCursor).toBe('5');
    expect(state.read().customersPulledAt).toBeDefined();
    expect(cloud.callsTo('customers').map((c) => c.query.cursor)).toEqual([undefined, '2', '4']);
    expect(cloud.callsTo('customers')[0]!.query.limit).toBe('2');
  });

  it('marks the cache current as of the request that reached the end of the feed, never a half pull', async () => {
    let clock = Date.parse('2026-11-20T10:00:00Z');
    const now = () => {
      clock += 1000;
      return new Date(clock);
    };
    cloud.customers = [customer(1), customer(2), customer(3)];
    cloud.script('customers', (_req, reply, n) => (n === 1 ? reply.status(500).send({}) : undefined));
    await expect(pulls({ now }).pullCustomers()).rejects.toThrow('500');
    // The first page arrived, the second failed: not everything is known to be current.
    expect(state.read().customersPulledAt).toBeDefined();
    expect(state.read().customersCurrentAsOf).toBeUndefined();
    clock = Date.parse('2026-11-21T10:00:00Z');
    await pulls({ now }).pullCustomers();
    // One clock tick for the request, one for the answer: current as of the request, not the answer.
    expect(state.read().customersCurrentAsOf).toBe('2026-11-21T10:00:01.000Z');
    expect(state.read().customersPulledAt).toBe('2026-11-21T10:00:02.000Z');
  });

  it('continues from the stored cursor and applies deletions', async () => {
    cloud.customers = [customer(1), customer(2)];
    await pulls().pullCustomers();
    cloud.customers.push(customer(1, { deleted: true, updatedAt: '2026-11-02T00:00:00Z' }), customer(9));
    const report = await pulls().pullCustomers();
    expect(cloud.callsTo('customers').at(-1)!.query.cursor).toBe('2');
    expect(report.customers).toBe(2);
    expect(cache.byId('c-1')).toBeUndefined();
    expect(cache.byId('c-9')).toBeDefined();
  });

  it('keeps the cursor of the last good page when a later page fails', async () => {
    cloud.customers = [customer(1), customer(2), customer(3)];
    cloud.script('customers', (_req, reply, n) => (n === 1 ? reply.status(500).send({}) : undefined));
    await expect(pulls().pullCustomers()).rejects.toThrow('500');
    expect(state.read().customersCursor).toBe('2');
    expect(cache.size()).toBe(2);
  });

  it('rejects a malformed page without applying it or moving the cursor', async () => {
    cloud.script('customers', () => ({ customers: [{ id: 'c-1', balance: 5 }], cursor: '9', more: false }));
    await expect(pulls().pullCustomers()).rejects.toBeInstanceOf(CloudProtocolError);
    expect(cache.applyCalls).toBe(0);
    expect(state.read().customersCursor).toBeUndefined();
  });

  it('stops a cloud that says `more` without moving the cursor', async () => {
    cloud.script('customers', () => ({ customers: [], cursor: 'same', more: true }));
    await state.update((s) => {
      s.customersCursor = 'same';
    });
    await expect(pulls().pullCustomers()).rejects.toThrow('cursor');
    expect(cloud.callsTo('customers')).toHaveLength(1);
  });

  it('stops after maxPages and says so', async () => {
    cloud.customers = Array.from({ length: 10 }, (_, i) => customer(i + 1));
    const report = await pulls({ maxPages: 2 }).pullCustomers();
    expect(report).toMatchObject({ pages: 2, customers: 4, truncated: true });
    expect(state.read().customersCursor).toBe('4');
  });
});

describe('program pull', () => {
  const qrKeys = [{ kid: 'k1', publicKey: 'A'.repeat(43) + '=' }];

  it('takes a new program (validated), its salt and QR keys, and stores the ETag last', async () => {
    cloud.program = { ...exampleProgram, version: 'cloud-7', phoneSalt: 'salt-1', qrKeys };
    cloud.programEtag = '"v7"';
    const report = await pulls().pullProgram();
    expect(report).toEqual({ changed: true, version: 'cloud-7', etag: '"v7"' });
    expect(received).toHaveLength(1);
    expect(received[0]!.program.version).toBe('cloud-7');
    expect(received[0]!.program.phoneSalt).toBe('salt-1');
    expect(received[0]!.raw).toEqual(cloud.program);
    expect(state.read().qrKeys).toEqual(qrKeys);
    expect(state.read().programEtag).toBe('"v7"');
  });

  it('sends If-None-Match and treats 304 as unchanged', async () => {
    cloud.program = { ...exampleProgram, version: 'cloud-7', phoneSalt: 'salt-1', qrKeys };
    await pulls().pullProgram();
    const again = await pulls().pullProgram();
    expect(again).toEqual({ changed: false });
    expect(cloud.callsTo('program')[1]!.headers['if-none-match']).toBe(cloud.programEtag);
    expect(received).toHaveLength(1);
  });

  it('refuses an invalid program: the one in force stays and the ETag is not stored', async () => {
    cloud.program = { version: 'broken', tiers: 'none' };
    await expect(pulls().pullProgram()).rejects.toBeInstanceOf(CloudProtocolError);
    expect(received).toHaveLength(0);
    expect(state.read().programEtag).toBeUndefined();
  });

  it('does not store the ETag when handing the program over failed, so it is fetched again', async () => {
    cloud.program = { ...exampleProgram, version: 'cloud-8' };
    const failing = pulls({
      onProgram: () => {
        throw new Error('disk full');
      },
    });
    await expect(failing.pullProgram()).rejects.toThrow('disk full');
    expect(state.read().programEtag).toBeUndefined();
    await pulls().pullProgram();
    expect(received.map((r) => r.program.version)).toEqual(['cloud-8']);
  });
});

describe('heartbeat', () => {
  it('reports version, queue and register state', async () => {
    await journal.appendMany([sampleSale({ at: new Date(Date.now() - 65_000).toISOString() }), sampleSale()]);
    await pulls().heartbeat();
    const body = cloud.callsTo('heartbeat')[0]!.body as Record<string, unknown>;
    expect(body).toEqual({
      version: '1.2.3',
      queue: { pending: 2, oldestAgeSec: expect.any(Number), deadLetter: 0 },
      register: { state: 'ready' },
    });
    expect((body.queue as { oldestAgeSec: number }).oldestAgeSec).toBeGreaterThanOrEqual(65);
  });
});
