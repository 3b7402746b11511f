import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../src/agent/ports.js';
import { CloudHttp } from '../../src/sync/http-client.js';
import { type BatchReport, OutboxDrain, type OutboxDrainOptions } from '../../src/sync/outbox-drain.js';
import { AGENT_ID, FakeCloud, KEY } from './fakes/fake-cloud.js';
import { MemoryCache } from './fakes/memory-cache.js';
import { MemoryJournal } from './fakes/memory-journal.js';
import { emptySyncState, MemoryState } from './fakes/memory-state.js';
import { sampleSale } from './fakes/sample-tx.js';

let cloud: FakeCloud;
let journal: MemoryJournal;
let cache: MemoryCache;
let state: MemoryState<SyncState>;
let drains: OutboxDrain[];

/** Fast backoff so tests stay short; the production defaults are seconds. */
function makeDrain(overrides: Partial<OutboxDrainOptions> = {}): OutboxDrain {
  const drain = new OutboxDrain({
    http: new CloudHttp({ baseUrl: cloud.url, key: KEY }),
    agentId: AGENT_ID,
    journal,
    cache,
    state,
    batchDeadlineMs: 2000,
    retry: { retries: 5, minTimeoutMs: 10, maxTimeoutMs: 50 },
    kickDelayMs: 50,
    ...overrides,
  });
  drains.push(drain);
  return drain;
}

async function appendSales(n: number, overrides = {}) {
  return journal.appendMany(Array.from({ length: n }, () => sampleSale(overrides)));
}

beforeEach(async () => {
  cloud = await FakeCloud.start();
  journal = new MemoryJournal();
  cache = new MemoryCache();
  state = new MemoryState(emptySyncState());
  drains = [];
});
afterEach(async () => {
  for (const d of drains) await d.stop();
  await cloud.close();
});

describe('OutboxDrain: batches', () => {
  it('sends 1 200 pending in seq order as 3 calls of at most 500', async () => {
    const txs = await appendSales(1200);
    const report = await makeDrain().drain();
    const calls = cloud.callsTo('transactions');
    expect(calls.map((c) => (c.body as { transactions: unknown[] }).transactions.length)).toEqual([
      500, 500, 200,
    ]);
    expect(cloud.applied.map((t) => t.seq)).toEqual(txs.map((t) => t.seq));
    expect(report).toMatchObject({ batches: 3, sent: 1200, accepted: 1200, remaining: 0 });
    expect(journal.stats(Date.now()).pending).toBe(0);
    expect(state.read().lastSyncAt).toBeDefined();
  });

  it('never sends more than the batch size even when configured above 500', async () => {
    await appendSales(600);
    await makeDrain({ batchSize: 10_000 }).drain();
    expect(
      cloud.callsTo('transactions').map((c) => (c.body as { transactions: unknown[] }).transactions.length),
    ).toEqual([500, 100]);
  });

  it('does nothing when the queue is empty', async () => {
    const report = await makeDrain().drain();
    expect(report).toMatchObject({ batches: 0, sent: 0, remaining: 0 });
    expect(cloud.callsTo('transactions')).toHaveLength(0);
  });
});

describe('OutboxDrain: per-transaction answers', () => {
  it('keeps a `retry` item pending while the others are synced, without looping on it', async () => {
    const [a, b, c] = await appendSales(3);
    cloud.statusFor = (tx) => (tx.id === b!.id ? 'retry' : undefined);
    const report = await makeDrain().drain();
    expect(journal.entry(a!.id)!.state).toBe('synced');
    expect(journal.entry(b!.id)!.state).toBe('pending');
    expect(journal.entry(b!.id)!.lastError).toBe('sale not here yet');
    expect(journal.entry(c!.id)!.state).toBe('synced');
    expect(cloud.arrivals.get(b!.id)).toBe(1);
    expect(report).toMatchObject({ accepted: 2, retry: 1, remaining: 1 });
    // A later drain tries it again, and it goes through once the cloud takes it.
    cloud.statusFor = () => undefined;
    await makeDrain().drain();
    expect(journal.entry(b!.id)!.state).toBe('synced');
  });

  it('moves a `rejected` item to the dead letters with its reason, and keeps it', async () => {
    const [a, b] = await appendSales(2);
    cloud.statusFor = (tx) => (tx.id === a!.id ? 'rejected' : undefined);
    const report = await makeDrain().drain();
    expect(report.rejected).toBe(1);
    const dead = journal.deadLetters();
    expect(dead.map((e) => e.tx.id)).toEqual([a!.id]);
    expect(dead[0]!.lastError).toBe('TX_INVALID');
    expect(journal.entry(b!.id)!.state).toBe('synced');
  });

  it('treats a duplicate as delivered', async () => {
    const [a] = await appendSales(1);
    cloud.applied.push(a!); // the cloud already has it (an earlier answer was lost)
    const report = await makeDrain().drain();
    expect(report.duplicate).toBe(1);
    expect(journal.entry(a!.id)!.state).toBe('synced');
  });

  it('leaves unanswered items pending and ignores answers for ids it did not send', async () => {
    const [a, b] = await appendSales(2);
    cloud.script('transactions', () => ({
      results: [
        { id: a!.id, status: 'accepted' },
        { id: 'stranger', status: 'accepted' },
      ],
    }));
    const report = await makeDrain().drain();
    expect(journal.entry(a!.id)!.state).toBe('synced');
    expect(journal.entry(b!.id)!.state).toBe('pending');
    expect(report.remaining).toBe(1);
    expect(state.read().lastError).toContain('1 of 2');
    expect(cloud.callsTo('transactions')).toHaveLength(1);
  });

  it('applies the balances the cloud returns to cached customers, before recording', async () => {
    await cache.apply([
      {
        id: 'c-1',
        cards: ['1'],
        displayName: 'A',
        tierId: 'standard',
        periodSpend: 0,
        balance: { available: 10, pending: 0 },
        updatedAt: '2026-11-01T00:00:00Z',
      },
    ]);
    cloud.balances.set('c-1', { available: 512, pending: 3 });
    cloud.balances.set('c-unknown', { available: 1, pending: 0 });
    await appendSales(2);
    await journal.append(sampleSale({ customer: { id: 'c-unknown' } }));
    const recordedBeforeApply: number[] = [];
    const apply = cache.apply.bind(cache);
    cache.apply = async (changes) => {
      recordedBeforeApply.push(journal.recorded.length);
      await apply(changes);
    };
    await makeDrain().drain();
    expect(recordedBeforeApply).toEqual([0]);
    expect(cache.byId('c-1')!.balance).toEqual({ available: 512, pending: 3 });
    expect(cache.byId('c-1')!.displayName).toBe('A');
    expect(cache.byId('c-unknown')).toBeUndefined(); // not cached: left to the customers pull
  });

  it('resets the offline redemption allowance after a full drain, not after a partial one', async () => {
    await state.update((s) => {
      s.offlineRedeemed = { 'c-1': 300 };
    });
    const [a] = await appendSales(2);
    cloud.statusFor = (tx) => (tx.id === a!.id ? 'retry' : undefined);
    await makeDrain().drain();
    expect(state.read().offlineRedeemed).toEqual({ 'c-1': 300 });
    cloud.statusFor = () => undefined;
    await makeDrain().drain();
    expect(state.read().offlineRedeemed).toEqual({});
  });

  it('rejects a malformed answer without touching the journal', async () => {
    await appendSales(2);
    cloud.script('transactions', () => ({ results: [{ id: 'x', status: 'fine' }] }));
    const report = await makeDrain().drain();
    expect(report.error).toContain('malformed');
    expect(journal.recorded).toHaveLength(0);
    expect(journal.stats(Date.now()).pending).toBe(2);
    expect(cloud.callsTo('transactions')).toHaveLength(1); // not retried in a loop
  });
});

describe('OutboxDrain: local faults', () => {
  it('resolves with the error when the journal cannot record, leaving entries pending', async () => {
    await appendSales(2);
    journal.recordResults = async () => {
      throw new Error('ENOSPC');
    };
    const report = await makeDrain().drain();
    expect(report.error).toContain('ENOSPC');
    expect(journal.stats(Date.now()).pending).toBe(2);
  });
});

describe('OutboxDrain: whole-batch failures', () => {
  it('5xx then success → delivered once', async () => {
    const txs = await appendSales(3);
    cloud.script('transactions', (_req, reply, n) => (n < 2 ? reply.status(503).send({}) : undefined));
    const batches: BatchReport[] = [];
    const report = await makeDrain({ onBatch: (b) => batches.push(b) }).drain();
    expect(cloud.callsTo('transactions')).toHaveLength(3);
    expect(report).toMatchObject({ accepted: 3, remaining: 0 });
    expect(batches[0]!.attempts).toBe(3);
    for (const tx of txs) expect(cloud.arrivals.get(tx.id)).toBe(1);
    expect(journal.recorded).toHaveLength(1);
  });

  it('a connection broken mid-response is retried and the batch delivered', async () => {
    const txs = await appendSales(5);
    cloud.script('transactions', (req, reply, n) => {
      if (n > 0) return undefined;
      cloud.ingest(req.body); // the cloud applied it, but the answer is lost
      return cloud.breakConnection(reply);
    });
    const report = await makeDrain().drain();
    expect(report).toMatchObject({ duplicate: 5, remaining: 0 });
    expect(cloud.applied.map((t) => t.id)).toEqual(txs.map((t) => t.id));
  });

  it('a hanging cloud is cut by the batch deadline and retried', async () => {
    await appendSales(2);
    cloud.script('transactions', (_req, reply, n) => (n === 0 ? cloud.trickle(reply) : undefined));
    const started = Date.now();
    const report = await makeDrain({ batchDeadlineMs: 200 }).drain();
    expect(report.remaining).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits at least Retry-After before the next attempt', async () => {
    await appendSales(1);
    cloud.script('transactions', (_req, reply, n) =>
      n === 0 ? reply.status(429).header('retry-after', '1').send({ code: 'SLOW_DOWN' }) : undefined,
    );
    await makeDrain().drain();
    const [first, second] = cloud.callsTo('transactions');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
  });

  it('a Retry-After longer than it may wait ends the drain and pauses later ones', async () => {
    await appendSales(1);
    cloud.script('transactions', (_req, reply) => reply.status(503).header('retry-after', '3600').send({}));
    const drain = makeDrain({
      retry: { retries: 5, minTimeoutMs: 10, maxTimeoutMs: 50, maxRetryAfterMs: 1000 },
    });
    const first = await drain.drain();
    expect(first.error).toContain('503');
    expect(cloud.callsTo('transactions')).toHaveLength(1);
    const second = await drain.drain();
    expect(second.error).toContain('Retry-After');
    expect(cloud.callsTo('transactions')).toHaveLength(1);
    expect(journal.stats(Date.now()).pending).toBe(1);
  });

  it('a refusal (4xx) is not retried in a loop and leaves everything pending with lastError', async () => {
    await appendSales(3);
    cloud.script('transactions', (_req, reply) => reply.status(403).send({ code: 'FORBIDDEN' }));
    const report = await makeDrain().drain();
    expect(cloud.callsTo('transactions')).toHaveLength(1);
    expect(report.error).toContain('403');
    expect(state.read().lastError).toContain('403 FORBIDDEN');
    expect(journal.stats(Date.now()).pending).toBe(3);
  });

  it('gives up after its retries, nothing dropped, and the next drain delivers', async () => {
    const txs = await appendSales(4);
    cloud.script('transactions', (_req, reply) => reply.status(500).send({}));
    const report = await makeDrain({ retry: { retries: 2, minTimeoutMs: 5, maxTimeoutMs: 10 } }).drain();
    expect(cloud.callsTo('transactions')).toHaveLength(3);
    expect(report.error).toContain('500');
    expect(journal.stats(Date.now()).pending).toBe(4);
    cloud.script('transactions', undefined);
    await makeDrain().drain();
    expect(cloud.applied.map((t) => t.id)).toEqual(txs.map((t) => t.id));
    expect(state.read().lastError).toBeUndefined();
  });
});

describe('OutboxDrain: one at a time', () => {
  it('a second call while draining joins it and makes it go round again', async () => {
    await appendSales(3);
    let inFlight = 0;
    let maxInFlight = 0;
    cloud.script('transactions', async (req) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 100));
      inFlight -= 1;
      return cloud.ingest(req.body);
    });
    const drain = makeDrain();
    const first = drain.drain();
    await new Promise((r) => setTimeout(r, 20));
    const late = await journal.append(sampleSale()); // confirmed while the first call is out
    const second = drain.drain();
    expect(second).toBe(first);
    const report = await first;
    expect(maxInFlight).toBe(1);
    expect(report.accepted).toBe(4);
    expect(journal.entry(late.id)!.state).toBe('synced');
  });

  it('kick() gathers confirms close together into one drain', async () => {
    const drain = makeDrain({ kickDelayMs: 50 });
    await appendSales(1);
    drain.kick();
    await appendSales(1);
    drain.kick();
    drain.kick();
    await new Promise((r) => setTimeout(r, 250));
    expect(cloud.callsTo('transactions')).toHaveLength(1);
    expect(journal.stats(Date.now()).pending).toBe(0);
  });

  it('stop() cancels a pending kick and aborts a long backoff at once', async () => {
    await appendSales(1);
    const drain = makeDrain({ kickDelayMs: 50 });
    drain.kick();
    await drain.stop();
    await new Promise((r) => setTimeout(r, 120));
    expect(cloud.callsTo('transactions')).toHaveLength(0);

    cloud.script('transactions', (_req, reply) => reply.status(429).header('retry-after', '30').send({}));
    const slow = makeDrain({
      retry: { retries: 5, minTimeoutMs: 10, maxTimeoutMs: 50, maxRetryAfterMs: 60_000 },
    });
    const running = slow.drain();
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    await slow.stop();
    const report = await running;
    expect(Date.now() - started).toBeLessThan(500);
    expect(report.error).toBe('stopped');
    expect(journal.stats(Date.now()).pending).toBe(1);
  });
});
