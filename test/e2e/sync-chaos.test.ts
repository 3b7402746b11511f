// Chaos between a real agent and the real reference server: every call the agent makes to the
// cloud (batches, pulls, heartbeats, till look-ups) goes through a TCP proxy that drops
// connections, delays requests, holds answers past the deadline, resets connections halfway
// through the answer (applied but unheard) and answers 5xx / 429 itself. 2 000 receipts confirmed
// through the agent's till API (CHAOS_SHORT=1: 300) must end up in the cloud exactly once, in seq
// order, with nothing left in the queue and nothing dead-lettered.
import { afterAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/protocol/sync.js';
import { startAgentProcess } from './helpers/agent-process-e2e.js';
import { agentTransactions, allReceipts } from './helpers/central.js';
import { Cleanup } from './helpers/cleanup.js';
import { startCloudProcess } from './helpers/cloud-process.js';
import { seededRandom, TcpChaosProxy } from './helpers/tcp-chaos-proxy.js';

const RECEIPTS = process.env.CHAOS_SHORT === '1' ? 300 : Number(process.env.CHAOS_RECEIPTS ?? 2000);
const SEED = Number(process.env.CHAOS_SEED ?? 20261123);
const WORKERS = 4;
const ADMIN = 'e2e-central-office';
const TILL = { agentId: 'store-1-till-1', storeId: 'store-1', key: 'e2e-key-store-1-till-1' };
const TOKEN = 'e2e-till-token';
/** Demo customers (config/demo-customers.json) without redemption: accrual only. */
const BATCH_ROUTE = 'POST /v1/agents/:id/transactions';
const CARDS = ['2000000000022', '2000000000039', '2000000000046'];

const cleanup = new Cleanup();
afterAll(() => cleanup.run(), 60_000);

describe('sync through a chaotic network', () => {
  it(`delivers ${RECEIPTS} receipts exactly once, in seq order (seed ${SEED})`, async () => {
    const started = Date.now();
    const dir = await cleanup.tempDir('la-e2e-chaos-');
    const cloud = await startCloudProcess(
      { dir, agents: [TILL], adminToken: ADMIN, seedDemo: true },
      cleanup,
    );
    const proxy = await TcpChaosProxy.start({
      target: { host: '127.0.0.1', port: cloud.port },
      mode: 'chaos',
      // Batches meet trouble more often than look-ups: they are fewer, and they are what is tested.
      faultRate: (route) => (route === BATCH_ROUTE ? 0.4 : 0.25),
      random: seededRandom(SEED),
      maxDelayMs: 700,
      holdMs: 2500,
    });
    cleanup.defer('close the chaos proxy', () => proxy.close());
    const agent = await startAgentProcess(
      {
        dir,
        storeId: TILL.storeId,
        token: TOKEN,
        cloud: {
          url: proxy.url,
          agentId: TILL.agentId,
          key: TILL.key,
          // Drains every second besides the kick after each confirm; pulls and heartbeats often,
          // so that they meet the faults too.
          drainCron: '* * * * * *',
          pullCron: '*/5 * * * * *',
          heartbeatCron: '*/3 * * * * *',
          batchDeadlineMs: 2000,
        },
      },
      cleanup,
    );

    // Tills confirm sales while the proxy misbehaves.
    const receiptIds: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < RECEIPTS; i = next++) {
        const receiptId = `chaos-${String(i).padStart(5, '0')}`;
        await agent.sell({
          receiptId,
          ...(i % 5 === 0 && { card: CARDS[i % CARDS.length] }),
          lines: [
            {
              lineId: '1',
              sku: `SKU-${i % 50}`,
              name: 'Товар',
              price: 1000 + (i % 17) * 137,
              qty: 1 + (i % 3),
            },
            { lineId: '2', sku: 'BREAD', name: 'Хлеб', price: 4550, qty: 1 },
          ],
        });
        receiptIds.push(receiptId);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const confirmedAfterMs = Date.now() - started;

    // The faults go on while the rest of the queue drains.
    const drained = await agent.syncUntilDrained(120_000);
    expect(drained.queue).toMatchObject({ pending: 0, deadLetter: 0 });
    const stats = proxy.stats();
    proxy.setMode('pass');

    const txs: Tx[] = await agentTransactions(agent.dataDir, receiptIds);
    expect(txs.filter((t) => t.kind === 'sale')).toHaveLength(RECEIPTS);
    const seqOf = new Map(txs.map((t) => [t.id, t.seq]));

    const feed = (await allReceipts(cloud.url, ADMIN)).filter((r) => r.agentId === TILL.agentId);
    const counts = new Map<string, number>();
    for (const r of feed) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    const lost = txs.filter((t) => !counts.has(t.id)).length;
    const duplicated = [...counts.values()].filter((n) => n > 1).length;
    const foreign = feed.filter((r) => !seqOf.has(r.id)).length;
    // The feed is in the cloud's arrival order: the agent's seq must only go up along it.
    const seqs = feed.map((r) => seqOf.get(r.id) ?? -1);
    const outOfOrder = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]!).length;

    console.log(
      JSON.stringify({
        receipts: RECEIPTS,
        transactions: txs.length,
        seed: SEED,
        operations: stats.requests,
        connections: stats.connections,
        faultsInjected: proxy.faultsInjected(),
        faults: stats.faults,
        routes: stats.routes,
        lost,
        duplicated,
        foreign,
        outOfOrder,
        confirmedAfterMs,
        totalMs: Date.now() - started,
      }),
    );
    expect({ lost, duplicated, foreign, outOfOrder }).toEqual({
      lost: 0,
      duplicated: 0,
      foreign: 0,
      outOfOrder: 0,
    });
    expect(feed).toHaveLength(txs.length);
    // The chaos really happened, and to the batches too.
    expect(stats.routes[BATCH_ROUTE]?.faults ?? 0).toBeGreaterThanOrEqual(4);
    expect(Object.values(stats.faults).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(180_000);
  }, 240_000);
});
