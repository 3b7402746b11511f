// Sales made while the central cloud is down reach it once it is back — agent and cloud as real
// processes. The agent starts with a cloud address where nothing listens, sells (known demo
// cards, a new card, anonymous), shows "offline" and its queue; then the cloud starts there, a
// sync delivers everything, and the cloud's balances are the seed balances moved by exactly what
// the agent's transactions say. Then the cloud goes down again while the agent, now with a cache,
// lets a customer pay with points offline; the cloud comes back and settles that too.
// Last, a batch posted straight to the cloud twice (in a row and at once) changes nothing the
// second time.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../src/cloud/seed/demo-data.js';
import type { Tx } from '../../src/protocol/sync.js';
import { card } from '../helpers/agent-harness.js';
import { type AgentProcess, NEVER, type Sale, startAgentProcess } from './helpers/agent-process-e2e.js';
import {
  agentTransactions,
  allReceipts,
  type Balance,
  balanceOf,
  postTransactions,
} from './helpers/central.js';
import { Cleanup } from './helpers/cleanup.js';
import { type CloudProcess, freePort, startCloudProcess } from './helpers/cloud-process.js';
import { waitFor } from './helpers/http-json.js';

const ADMIN = 'e2e-central-office';
const TILL = { agentId: 'store-1-till-1', storeId: 'store-1', key: 'e2e-key-store-1-till-1' };
/** A second identity of the same store, for batches the test posts by hand. */
const DIRECT = { agentId: 'store-1-direct', storeId: 'store-1', key: 'e2e-key-store-1-direct' };
const TOKEN = 'e2e-till-token';

const milk = (qty: number) => ({
  lineId: '1',
  sku: 'MILK-1',
  name: 'Молоко',
  price: 8990,
  qty,
  category: 'dairy',
});
const cheese = (qty: number) => ({
  lineId: '2',
  sku: 'CHEESE',
  name: 'Сыр',
  price: 129900,
  qty,
  category: 'dairy',
});

const cleanup = new Cleanup();
let cloud: CloudProcess;
let agent: AgentProcess;
let cardOwner: Map<string, string>;
let cloudPort: number;
let dir: string;
const receiptIds: string[] = [];

beforeAll(async () => {
  dir = await cleanup.tempDir('la-e2e-offline-');
  const demo = await loadDemoData();
  cardOwner = new Map(demo.customers.map((c) => [c.card, c.id]));
  cloudPort = await freePort();
}, 60_000);

afterAll(() => cleanup.run(), 60_000);

/** What a transaction does to its customer's points, by the agent's own figures. */
function pointsEffect(tx: Tx): number {
  if (tx.kind === 'sale') return tx.totals.accruedPoints - tx.totals.redeemedPoints;
  if (tx.kind === 'enrolment') return tx.totals.accruedPoints;
  return (tx.refund?.pointsReturned ?? 0) - (tx.refund?.pointsReversed ?? 0);
}

function customerOf(tx: Tx): string | undefined {
  return tx.customer.id ?? (tx.customer.card ? cardOwner.get(tx.customer.card) : undefined);
}

async function demoBalances(): Promise<Map<string, Balance>> {
  const out = new Map<string, Balance>();
  for (const id of cardOwner.values()) out.set(id, await balanceOf(cloud.url, ADMIN, id));
  return out;
}

function expectBalancesMoved(before: Map<string, Balance>, after: Map<string, Balance>, txs: Tx[]): number {
  const moved = new Map<string, number>();
  for (const tx of txs) {
    const who = customerOf(tx);
    if (who && before.has(who)) moved.set(who, (moved.get(who) ?? 0) + pointsEffect(tx));
  }
  for (const [id, b] of before) {
    expect(after.get(id), `balance of ${id}`).toEqual({
      available: b.available + (moved.get(id) ?? 0),
      pending: b.pending,
    });
  }
  return [...moved.values()].filter((m) => m !== 0).length;
}

async function sell(sales: Sale[]): Promise<void> {
  for (const s of sales) {
    const done = await agent.sell(s);
    expect(done.offline, `receipt ${s.receiptId} judged offline`).toBe(true);
    receiptIds.push(s.receiptId);
  }
}

describe('sales made while the cloud is down', () => {
  it('are queued while nobody listens, delivered once after the cloud starts, balances add up', async () => {
    agent = await startAgentProcess(
      {
        dir,
        storeId: TILL.storeId,
        token: TOKEN,
        cloud: {
          url: `http://127.0.0.1:${cloudPort}`,
          agentId: TILL.agentId,
          key: TILL.key,
          drainCron: NEVER,
          pullCron: NEVER,
          heartbeatCron: NEVER,
        },
      },
      cleanup,
    );
    const anna = '2000000000015';
    const boris = '2000000000022';
    const vera = '2000000000039';
    const phase1: Sale[] = [
      { receiptId: 'off-1', card: anna, lines: [milk(3), cheese(1.6)] },
      { receiptId: 'off-2', card: anna, lines: [milk(1)] },
      { receiptId: 'off-3', card: boris, lines: [milk(2), cheese(1.2)] },
      { receiptId: 'off-4', card: vera, lines: [cheese(2)] },
      { receiptId: 'off-5', card: card(777_001), lines: [cheese(2)] },
      { receiptId: 'off-6', lines: [milk(5)] },
      { receiptId: 'off-7', lines: [cheese(0.3)] },
    ];
    await sell(phase1);

    const offline = await agent.status();
    expect(offline.cloud.state).toBe('offline');
    const queued = await agent.queue();
    expect(
      queued
        .filter((e) => e.kind === 'sale')
        .map((e) => e.receiptId)
        .sort(),
    ).toEqual(phase1.map((s) => s.receiptId).sort());
    expect(offline.queue.pending).toBe(queued.length);
    expect(offline.queue.deadLetter).toBe(0);

    cloud = await startCloudProcess(
      { dir, port: cloudPort, agents: [TILL, DIRECT], adminToken: ADMIN, seedDemo: true },
      cleanup,
    );
    const before = await demoBalances();
    expect((await allReceipts(cloud.url, ADMIN)).length).toBe(0);

    const drained = await agent.syncUntilDrained();
    expect(drained.cloud.state).toBe('online');
    expect(drained.queue).toMatchObject({ pending: 0, deadLetter: 0 });

    const txs = await agentTransactions(agent.dataDir, receiptIds);
    expect(txs.filter((t) => t.kind === 'sale')).toHaveLength(phase1.length);
    const receipts = await allReceipts(cloud.url, ADMIN);
    expect(receipts.map((r) => r.id).sort()).toEqual(txs.map((t) => t.id).sort());
    expect(new Set(receipts.map((r) => r.id)).size).toBe(receipts.length);

    const customersMoved = expectBalancesMoved(before, await demoBalances(), txs);
    expect(customersMoved).toBeGreaterThanOrEqual(2);
    // The new card became a customer of the cloud with what its sales earned.
    const newcomer = receipts.find((r) => r.receiptId === 'off-5' && r.kind === 'sale')?.customerId;
    expect(newcomer).toBeDefined();
    const earned = txs.filter((t) => t.receiptId === 'off-5').reduce((sum, t) => sum + pointsEffect(t), 0);
    expect(earned).toBeGreaterThan(0);
    expect(await balanceOf(cloud.url, ADMIN, newcomer!)).toEqual({ available: earned, pending: 0 });
  }, 180_000);

  it('settles points paid offline from the cache once the stopped cloud is back', async () => {
    // The sync above also pulled the customers: the agent now knows the demo cards.
    await waitFor('the customers pull', async () =>
      (await agent.status()).cache.customers >= cardOwner.size ? true : undefined,
    );
    const before = await demoBalances();
    await cloud.stop();

    const darya = '2000000000053';
    const vera = '2000000000039';
    const phase2: Sale[] = [
      { receiptId: 'off-8', card: darya, lines: [milk(4), cheese(1)], redeemPoints: 150 },
      { receiptId: 'off-9', card: vera, lines: [cheese(1)], redeemPoints: 100 },
      { receiptId: 'off-10', lines: [milk(1)] },
    ];
    const firstNew = receiptIds.length;
    await sell(phase2);
    const offline = await agent.status();
    expect(offline.cloud.state).toBe('offline');
    expect(offline.queue.pending).toBeGreaterThanOrEqual(phase2.length);

    await cloud.restart();
    await agent.syncUntilDrained();
    const txs = await agentTransactions(agent.dataDir, receiptIds.slice(firstNew));
    expect(txs.filter((t) => t.totals.redeemedPoints > 0).length).toBe(2);
    expectBalancesMoved(before, await demoBalances(), txs);

    const all = await agentTransactions(agent.dataDir, receiptIds);
    const receipts = await allReceipts(cloud.url, ADMIN);
    expect(receipts.map((r) => r.id).sort()).toEqual(all.map((t) => t.id).sort());
  }, 180_000);
});

describe('a batch sent twice', () => {
  let seq = 0;
  /** New transactions shaped like the agent's own: its sales with fresh ids and receipts. */
  async function freshBatch(tag: string): Promise<Tx[]> {
    const sales = (await agentTransactions(agent.dataDir, receiptIds)).filter(
      (t) => t.kind === 'sale' && customerOf(t),
    );
    return sales.slice(0, 4).map((t, i) => ({
      ...t,
      id: randomUUID(),
      seq: ++seq,
      receiptId: `${tag}-${i}`,
      offline: false,
    }));
  }

  it('changes nothing the second time: every answer is "duplicate", balances stay', async () => {
    const batch = await freshBatch('twice');
    const before = await demoBalances();
    const first = await postTransactions(cloud.url, DIRECT, batch);
    expect(first.map((r) => r.status)).toEqual(batch.map(() => 'accepted'));
    const afterFirst = await demoBalances();
    expectBalancesMoved(before, afterFirst, batch);

    const second = await postTransactions(cloud.url, DIRECT, batch);
    expect(second.map((r) => [r.id, r.status])).toEqual(batch.map((t) => [t.id, 'duplicate']));
    // A duplicate answers with the customer's current balance, as the first answer did.
    for (const r of second) {
      const tx = batch.find((t) => t.id === r.id)!;
      expect(r.customer?.balance).toEqual(afterFirst.get(customerOf(tx)!));
    }
    expect(await demoBalances()).toEqual(afterFirst);

    const receipts = await allReceipts(cloud.url, ADMIN);
    for (const tx of batch) expect(receipts.filter((r) => r.id === tx.id)).toHaveLength(1);
  }, 60_000);

  it('applies a batch delivered twice at the same moment once', async () => {
    const batch = await freshBatch('racing');
    const before = await demoBalances();
    const [a, b] = await Promise.all([
      postTransactions(cloud.url, DIRECT, batch),
      postTransactions(cloud.url, DIRECT, batch),
    ]);
    for (const [i, tx] of batch.entries()) {
      expect([a[i]!.status, b[i]!.status].sort(), `answers for ${tx.id}`).toEqual(['accepted', 'duplicate']);
    }
    expectBalancesMoved(before, await demoBalances(), batch);
    const receipts = await allReceipts(cloud.url, ADMIN);
    for (const tx of batch) expect(receipts.filter((r) => r.id === tx.id)).toHaveLength(1);
  }, 60_000);
});
