// Power cuts under load: three tills confirm sales on one agent process, which is killed with
// SIGKILL at random moments, again and again, while it also syncs to the reference cloud (a child
// process on PGlite). After every restart no acknowledged receipt is missing and none is doubled;
// after the final sync the cloud holds each confirmed sale exactly once and every customer's
// balance equals the starting balance plus the points of the agent's transactions.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, spawnAgent } from '../helpers/agent-process.js';
import { TILLS, writeAgentConfig } from './support/agent-config.js';
import { type CloudProcess, cloudReceipts, spawnCloud, writeCloudConfig } from './support/cloud-process.js';
import { printFigures, size } from './support/env.js';
import { saleLines, TillClient, waitFor } from './support/till-client.js';

const ROUNDS = size(6, 20);

interface DemoCustomer {
  id: string;
  card: string;
}

interface Balance {
  available: number;
  pending: number;
}

let dir = '';
let cloud: CloudProcess | null = null;
let agent: AgentProcess | null = null;

afterAll(async () => {
  if (agent && agent.child.exitCode === null) {
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
  await cloud?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One till selling until the agent dies: returns the receipts whose confirm got 200. */
async function till(
  client: TillClient,
  prefix: string,
  cards: (string | null)[],
  attempted: Map<string, string | null>,
  stop: { dead: boolean },
) {
  const acked: string[] = [];
  for (let i = 0; !stop.dead; i++) {
    const receiptId = `${prefix}-${i}`;
    const card = cards[i % cards.length] ?? null;
    attempted.set(receiptId, card);
    try {
      const calc = await client.call('POST', '/v1/receipts/calculate', {
        receiptId,
        lines: saleLines,
        ...(card && { customer: { card } }),
      });
      if (calc.status !== 200)
        throw new Error(`calculate answered ${calc.status}: ${JSON.stringify(calc.body)}`);
      const conf = await client.call('POST', `/v1/receipts/${receiptId}/confirm`, {});
      if (conf.status === 200) acked.push(receiptId);
      else throw new Error(`confirm answered ${conf.status}: ${JSON.stringify(conf.body)}`);
    } catch (err) {
      if (stop.dead) return acked; // killed mid-request: this receipt was not acknowledged
      throw err; // the agent failed while alive: a finding, not a kill
    }
  }
  return acked;
}

/** Reads every attempted receipt back: the ones the agent holds as confirmed, with their points. */
async function confirmedOnAgent(client: TillClient, attempted: Map<string, string | null>) {
  const confirmed = new Map<string, { card: string | null; points: number }>();
  for (const [receiptId, card] of attempted) {
    const r = await client.call<{
      status: string;
      totals: { accruedPoints: number; redeemedPoints: number };
    }>('GET', `/v1/receipts/${receiptId}`);
    if (r.status === 200 && r.body.status === 'confirmed') {
      confirmed.set(receiptId, { card, points: r.body.totals.accruedPoints - r.body.totals.redeemedPoints });
    } else if (r.status !== 404 && r.status !== 200) {
      throw new Error(`GET receipt ${receiptId} answered ${r.status}`);
    }
  }
  return confirmed;
}

describe('SIGKILL under load from three tills, then sync to the reference cloud', () => {
  it(`loses and doubles nothing over ${ROUNDS} kills; the cloud's balances match`, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-chaos-kill-'));
    cloud = await spawnCloud(await writeCloudConfig(dir, { seedDemo: true }));
    const demo = JSON.parse(await readFile('config/demo-customers.json', 'utf8')) as {
      customers: DemoCustomer[];
    };
    const customers = demo.customers.slice(0, 4);
    const before = new Map<string, Balance>();
    for (const c of customers)
      before.set(c.id, (await cloud.admin<{ balance: Balance }>(`/v1/customers/${c.id}`)).balance);
    // Cards of the demo customers plus anonymous sales.
    const cards = [...customers.map((c) => c.card), null];
    const config = await writeAgentConfig(dir, { cloudUrl: cloud.url });

    const attempted = new Map<string, string | null>();
    const acked = new Set<string>();
    let kills = 0;
    for (let round = 0; round < ROUNDS; round++) {
      agent = await spawnAgent(['start', '--config', config]);
      const stop = { dead: false };
      const sellers = TILLS.map((t, i) =>
        till(
          new TillClient(agent!.url, t.token),
          `r${round}-${t.tillId}`,
          cards.slice(i).concat(cards.slice(0, i)),
          attempted,
          stop,
        ),
      );
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 1200)));
      stop.dead = true;
      agent.child.kill('SIGKILL');
      await agent.exited;
      kills += 1;
      for (const ids of await Promise.all(sellers)) for (const id of ids) acked.add(id);
    }

    agent = await spawnAgent(['start', '--config', config]);
    const client = new TillClient(agent.url, TILLS[0]!.token);
    await client.call('POST', '/v1/sync');
    const status = await waitFor(
      'the outbox to drain into the cloud',
      () => client.call<{ queue: { pending: number; deadLetter: number } }>('GET', '/v1/status'),
      (s) => s.status === 200 && s.body.queue.pending === 0,
      120_000,
    );
    expect(status.body.queue.deadLetter).toBe(0);

    const confirmed = await confirmedOnAgent(client, attempted);
    const lostOnAgent = [...acked].filter((id) => !confirmed.has(id));
    const inCloud = new Map<string, number>();
    for (const r of await cloudReceipts(cloud)) {
      if (r.kind === 'sale') inCloud.set(r.receiptId, (inCloud.get(r.receiptId) ?? 0) + 1);
    }
    const duplicated = [...inCloud].filter(([, n]) => n > 1).map(([id]) => id);
    const lostInCloud = [...confirmed.keys()].filter((id) => !inCloud.has(id));
    const unknownInCloud = [...inCloud.keys()].filter((id) => !confirmed.has(id));

    let balanceMismatches = 0;
    for (const c of customers) {
      const earned = [...confirmed.values()]
        .filter((x) => x.card === c.card)
        .reduce((s, x) => s + x.points, 0);
      const start = before.get(c.id)!;
      const now = (await cloud.admin<{ balance: Balance }>(`/v1/customers/${c.id}`)).balance;
      const expected = start.available + start.pending + earned;
      if (now.available + now.pending !== expected) balanceMismatches += 1;
      expect(now.available + now.pending, `balance of ${c.id}`).toBe(expected);
    }

    printFigures('kill -9 under load', {
      operations: attempted.size,
      faults: kills,
      acknowledged: acked.size,
      confirmed: confirmed.size,
      inCloud: inCloud.size,
      lost: lostOnAgent.length + lostInCloud.length,
      duplicated: duplicated.length,
      balanceMismatches,
    });
    expect(lostOnAgent, 'acknowledged receipts missing on the agent').toEqual([]);
    expect(duplicated, 'receipts the cloud holds twice').toEqual([]);
    expect(lostInCloud, 'confirmed receipts missing in the cloud').toEqual([]);
    expect(unknownInCloud, 'receipts in the cloud the agent never confirmed').toEqual([]);
    expect(acked.size).toBeGreaterThan(ROUNDS * 3); // the tills really sold under fire
  }, 900_000);
});
