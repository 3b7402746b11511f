// Time reaches the tills: a real agent and a real cloud (in process) share one clock that the test
// moves; a TCP proxy between them takes the cloud away and gives it back. Customers change only with
// time — points mature and expire, the tier window slides, a birthday window opens — and the till,
// offline between pulls, serves what its cache says, judged by the age of each customer's own data:
//   - a cached customer whose data is older than cacheMaxAgeHours (72 h) gets the base tier — its
//     data being as old as its last change, or the last pull that read the whole feed if later;
//   - after a pull, the feed has brought today's tier and balance, dated by the change, so the till
//     serves them offline.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/cloud/store/customers.js';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud, testProgram } from '../cloud/harness.js';
import { line, makeSale, UNKNOWN } from '../cloud/tx-builder.js';
import { card, startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { TcpChaosProxy } from './helpers/tcp-chaos-proxy.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 16 November 2026, noon in Moscow. */
const T0 = Date.parse('2026-11-16T12:00:00+03:00');
const PROGRAM = testProgram({
  version: 'till-time-1',
  tierPeriodDays: 30,
  accrual: { pendingDays: 7, expiryDays: 30, onRedeemedPart: false },
});
/** Never during a test: the test syncs and runs the cloud's job (through the feed) itself. */
const NEVER = '0 0 0 1 1 *';

const BUYER = card(9001); // 6 000 ₽ on day 0: silver, 180 points pending a week
const SMOKER = card(9002); // 6 000 ₽ of tobacco on day 0: silver, no points, nothing matures
const BIRTHDAY = card(9003); // birthday 26 November: the window opens on 23 November

interface Identified {
  source: 'cloud' | 'cache';
  customer: {
    id: string;
    tier: { id: string };
    balance: { available: number; pending: number };
    birthdayWindow: boolean;
  };
}

let cloud: TestCloud;
let proxy: TcpChaosProxy;
let agent: TestAgent;
let dir: string;

beforeAll(async () => {
  cloud = await startTestCloud({ program: PROGRAM, start: new Date(T0), timeChangesCron: NEVER });
  proxy = await TcpChaosProxy.start({ target: { host: '127.0.0.1', port: Number(new URL(cloud.url).port) } });
  dir = await mkdtemp(path.join(tmpdir(), 'la-time-till-'));
  const programFile = path.join(dir, 'program.json');
  await writeFile(programFile, JSON.stringify(PROGRAM));

  // Another store sells to two customers the till has never seen; the office adds a third.
  const sales = [
    saleElsewhere(1, BUYER, [line('GOODS', 600000)]),
    saleElsewhere(2, SMOKER, [line('CIGS', 600000, 1, { tags: ['tobacco'] })]),
  ];
  const res = await cloud.request<{ results: TxResult[] }>(
    'POST',
    `/v1/agents/${AGENT_2.agentId}/transactions`,
    {
      key: AGENT_2.key,
      body: { transactions: sales },
    },
  );
  expect(res.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  await createCustomer(cloud.db, { id: 'bday', cards: [BIRTHDAY], birthday: '11-26' }, cloud.now());

  agent = await startTestAgent(
    {
      program: programFile,
      cloud: {
        url: proxy.url,
        agentId: AGENT_1.agentId,
        key: AGENT_1.key,
        deadlineMs: 500,
        drainCron: NEVER,
        pullCron: NEVER,
        heartbeatCron: NEVER,
      },
    },
    { dir: path.join(dir, 'agent'), now: () => cloud.now() },
  );
}, 180_000);

afterAll(async () => {
  await agent?.close();
  await proxy?.close();
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
});

function saleElsewhere(seq: number, cardNumber: string, lines: ReturnType<typeof line>[]): Tx {
  return makeSale({
    program: PROGRAM,
    seq,
    at: new Date(T0).toISOString(),
    customer: { card: cardNumber },
    snapshot: UNKNOWN,
    redeemAllowed: false,
    storeId: AGENT_2.storeId,
    lines,
  });
}

function moveTo(at: number): void {
  cloud.advance(at - cloud.now().getTime());
}

/** One pull through the proxy (cloud reachable), then the cloud is taken away again. */
async function pullThenGoOffline(): Promise<void> {
  proxy.setMode('pass');
  const report = await agent.agent.sync.syncNow();
  expect(report.errors).toEqual({});
  proxy.setMode('refuse');
}

async function identifyOffline(cardNumber: string): Promise<Identified> {
  const res = await agent.call<Identified>('POST', '/v1/identify', { card: cardNumber });
  expect(res.status).toBe(200);
  expect(res.body.source).toBe('cache');
  return res.body;
}

const cached = (cardNumber: string) => agent.agent.store.cache.byCard(cardNumber);

describe('an offline-then-online till serves what time did', { timeout: 180_000 }, () => {
  it('day 0: the pull brings silver customers; offline the till serves them as silver', async () => {
    await pullThenGoOffline();
    expect(cached(BUYER)).toMatchObject({ tierId: 'silver', balance: { available: 0, pending: 180 } });
    const buyer = await identifyOffline(BUYER);
    expect(buyer.customer.tier.id).toBe('silver');
    expect((await identifyOffline(SMOKER)).customer.tier.id).toBe('silver');
  });

  it('day 8, still offline: customers whose data is 8 days old get the base tier', async () => {
    moveTo(T0 + 8 * DAY);
    const buyer = await identifyOffline(BUYER);
    expect(buyer.customer.tier.id).toBe('standard');
    // The cache has not heard of the maturity yet.
    expect(buyer.customer.balance).toEqual({ available: 0, pending: 180 });
    // The last pull that read the whole feed was on day 0: nothing cached is known true since.
    expect((await identifyOffline(SMOKER)).customer.tier.id).toBe('standard');
  });

  it('day 8, after one pull: matured points and a fresh date; offline the till serves silver again', async () => {
    await pullThenGoOffline();
    expect(cached(BUYER)).toMatchObject({
      tierId: 'silver',
      balance: { available: 180, pending: 0 },
      updatedAt: new Date(T0 + 7 * DAY).toISOString(),
    });
    const buyer = await identifyOffline(BUYER);
    expect(buyer.customer.tier.id).toBe('silver');
    expect(buyer.customer.balance).toEqual({ available: 180, pending: 0 });
    // The birthday window opened on 23 November (Moscow): the feed carried that too.
    expect(cached(BIRTHDAY)?.updatedAt).toBe('2026-11-22T21:00:00.000Z');
    expect((await identifyOffline(BIRTHDAY)).customer.birthdayWindow).toBe(true);
    // Nothing has changed for the tobacco buyer since day 0, and the pull read the whole feed, which
    // carries every change: that customer's silver is known true as of the pull, so it is served.
    expect(cached(SMOKER)?.updatedAt).toBe(new Date(T0).toISOString());
    expect((await identifyOffline(SMOKER)).customer.tier.id).toBe('silver');
  });

  it('day 31: the tier window slid; the pull brings standard, dated day 30', async () => {
    moveTo(T0 + 31 * DAY);
    await pullThenGoOffline();
    for (const c of [BUYER, SMOKER]) {
      expect(cached(c)).toMatchObject({
        tierId: 'standard',
        periodSpend: 0,
        updatedAt: new Date(T0 + 30 * DAY).toISOString(),
      });
    }
    const buyer = await identifyOffline(BUYER);
    expect(buyer.customer.tier.id).toBe('standard');
    expect(buyer.customer.balance).toEqual({ available: 180, pending: 0 });
  });

  it('day 38: the points expired on day 37; offline the till no longer counts them', async () => {
    moveTo(T0 + 38 * DAY);
    await pullThenGoOffline();
    expect(cached(BUYER)).toMatchObject({
      balance: { available: 0, pending: 0 },
      updatedAt: new Date(T0 + 37 * DAY).toISOString(),
    });
    expect((await identifyOffline(BUYER)).customer.balance).toEqual({ available: 0, pending: 0 });
  });
});
