// A cloud that misbehaves 30 % of the time — 5xx, 429, dropped connections (before or after it
// applied the batch), answers slower than the deadline — while the till keeps confirming sales.
// Every transaction must end up applied exactly once, in seq order, and nothing may be lost.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../src/agent/ports.js';
import { CloudHttp } from '../../src/sync/http-client.js';
import { OutboxDrain } from '../../src/sync/outbox-drain.js';
import { AGENT_ID, FakeCloud, KEY } from './fakes/fake-cloud.js';
import { MemoryCache } from './fakes/memory-cache.js';
import { MemoryJournal } from './fakes/memory-journal.js';
import { emptySyncState, MemoryState } from './fakes/memory-state.js';
import { sampleSale } from './fakes/sample-tx.js';

/** Small seeded PRNG so a failing run can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let cloud: FakeCloud;
let drain: OutboxDrain;

beforeEach(async () => {
  cloud = await FakeCloud.start();
});
afterEach(async () => {
  await drain.stop();
  await cloud.close();
});

describe('drain under a flaky cloud', () => {
  const seed = Number(process.env.CHAOS_SEED ?? 20261102);

  it(`delivers 2 000 transactions exactly once, in seq order (seed ${seed})`, async () => {
    const random = mulberry32(seed);
    const faults: Record<string, number> = {};
    cloud.script('transactions', async (req, reply) => {
      if (random() >= 0.3) return undefined;
      const kind = Math.floor(random() * 6);
      faults[kind] = (faults[kind] ?? 0) + 1;
      switch (kind) {
        case 0:
          return reply.status(500 + Math.floor(random() * 4)).send({});
        case 1:
          return reply.status(429).header('retry-after', '0').send({ code: 'SLOW_DOWN' });
        case 2:
          return cloud.breakConnection(reply, false); // nothing applied
        case 3:
          cloud.ingest(req.body); // applied, answer lost
          return cloud.breakConnection(reply);
        case 4: {
          cloud.ingest(req.body); // applied, answer too late for the deadline
          await new Promise((r) => setTimeout(r, 250));
          return reply.send({ results: [] });
        }
        default:
          await new Promise((r) => setTimeout(r, 20 + random() * 40)); // slow but in time
          return undefined;
      }
    });
    const journal = new MemoryJournal();
    const state = new MemoryState<SyncState>(emptySyncState());
    drain = new OutboxDrain({
      http: new CloudHttp({ baseUrl: cloud.url, key: KEY }),
      agentId: AGENT_ID,
      journal,
      cache: new MemoryCache(),
      state,
      batchSize: 50,
      batchDeadlineMs: 150,
      retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 },
      kickDelayMs: 5,
    });

    // The till confirms sales while drains run (kicks and explicit drains overlap).
    const all: string[] = [];
    for (let i = 0; i < 40; i++) {
      const txs = await journal.appendMany(Array.from({ length: 50 }, () => sampleSale()));
      all.push(...txs.map((t) => t.id));
      if (i % 3 === 0) drain.kick();
      else void drain.drain();
      await new Promise((r) => setTimeout(r, 2));
    }
    // Keep draining until the queue is empty, as the scheduled drains would.
    for (let round = 0; round < 200 && journal.stats(Date.now()).pending > 0; round++) await drain.drain();

    expect(journal.stats(Date.now())).toMatchObject({ pending: 0, deadLetter: 0, total: 2000 });
    expect(cloud.applied.map((t) => t.id)).toEqual(all);
    const seqs = cloud.applied.map((t) => t.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(cloud.applied.map((t) => t.id)).size).toBe(2000);
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  });
});
