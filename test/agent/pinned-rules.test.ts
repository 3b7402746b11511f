// Rules that protect money and had no test of their own (issue #12): each test below fails when its
// rule is deleted from the till (src/agent: calculator.ts, confirmer.ts, sale-tx.ts). Over HTTP
// against a real agent; figures by hand from MECHANICS.md (the worked example's receipt, the example
// program's enrolment settings).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneHash } from '../../src/domain/index.js';
import {
  card,
  customer,
  SUNDAY,
  silverCustomer,
  startTestAgent,
  type TestAgent,
  workedLines,
} from '../helpers/agent-harness.js';
import { AGENT_ID, FakeCloud, KEY } from '../sync/fakes/fake-cloud.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

const calculate = (t: TestAgent, body: Record<string, unknown>) =>
  t.call<Body>('POST', '/v1/receipts/calculate', body);
const confirm = (t: TestAgent, receiptId: string) =>
  t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, {});

describe('cancel releases the points hold', () => {
  const SILVER = card(7001);
  let cloud: FakeCloud;
  let t: TestAgent;
  const released: string[] = [];

  beforeAll(async () => {
    cloud = await FakeCloud.start();
    cloud.script('identify', () => ({ customer: silverCustomer('c-hold', SILVER) }));
    cloud.script('program', (_req, reply) => reply.status(304).send());
    cloud.script('releaseHold', (req) => {
      released.push((req.params as { holdId: string }).holdId);
      return undefined; // the default answer
    });
    t = await startTestAgent({ cloud: { url: cloud.url, agentId: AGENT_ID, key: KEY } });
  });
  afterAll(async () => {
    await t?.close();
    await cloud?.close();
  });

  it('releases the hold the calculate placed, once, and not on confirm', async () => {
    const res = await calculate(t, {
      receiptId: 'r-hold-cancel',
      customer: { card: SILVER },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.offline).toBe(false);
    expect(res.body.totals.redeemedPoints).toBe(300);
    const holds = cloud.callsTo('holds');
    expect(holds).toHaveLength(1);
    const hold = holds[0]!.body as { holdId: string; customerId: string; points: number; receiptId: string };
    expect(hold).toMatchObject({ customerId: 'c-hold', points: 300, receiptId: 'r-hold-cancel' });

    const cancelled = await t.call<Body>('POST', '/v1/receipts/r-hold-cancel/cancel', {});
    expect(cancelled.status).toBe(200);
    expect(released).toEqual([hold.holdId]);
    // A repeated cancel has no hold left to release.
    expect((await t.call<Body>('POST', '/v1/receipts/r-hold-cancel/cancel', {})).status).toBe(200);
    expect(released).toEqual([hold.holdId]);

    // A confirmed receipt's hold is captured by the sale, not released.
    const sold = await calculate(t, {
      receiptId: 'r-hold-sold',
      customer: { card: SILVER },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(sold.body.totals.redeemedPoints).toBe(300);
    expect((await confirm(t, 'r-hold-sold')).status).toBe(200);
    expect(released).toEqual([hold.holdId]);
    const heldFor = (cloud.callsTo('holds')[1]!.body as { holdId: string }).holdId;
    expect(t.agent.store.journal.byReceipt('r-hold-sold')[0]!.tx.holdId).toBe(heldFor);
  });
});

describe('no redemption by phone offline', () => {
  const PHONE = '+79161234567';
  const SILVER = card(7002);
  let dir: string;
  let t: TestAgent;

  beforeAll(async () => {
    // The example program, but without the SMS code: nothing at confirm would stop the points.
    dir = await mkdtemp(path.join(tmpdir(), 'la-pinned-'));
    const program = JSON.parse(await readFile('config/program.example.json', 'utf8'));
    program.redemption.confirmPhone = false;
    const programFile = path.join(dir, 'program.json');
    await writeFile(programFile, JSON.stringify(program));
    t = await startTestAgent({ program: programFile, dataDir: path.join(dir, 'data') }, {});
    // The worked example's customer (silver, 300 points), known by card and by phone.
    await t.agent.store.cache.apply([
      { ...silverCustomer('c-phone', SILVER), phoneHash: phoneHash(program.phoneSalt, PHONE) },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accrues only: the points asked for are not taken, even within the offline allowance', async () => {
    const res = await calculate(t, {
      receiptId: 'r-phone-offline',
      customer: { phone: '8 (916) 123-45-67' },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.offline).toBe(true);
    expect(res.body.customer.id).toBe('c-phone');
    // Worked example without points: a 107575, d 4304 (5 % silver, tobacco none), to pay 103271;
    // accrual 15 % (Σ(a − d) = 81771 ≥ 80000) of 25621 + 56150 → floor(122.6565) = 122 points.
    expect(res.body.totals).toEqual({
      amount: 107575,
      discount: 4304,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 103271,
      accruedPoints: 122,
    });
    expect((await confirm(t, 'r-phone-offline')).status).toBe(200);
    const sale = t.agent.store.journal.byReceipt('r-phone-offline')[0]!.tx;
    expect(sale.totals.redeemedPoints).toBe(0);
    expect(sale.customer.phone).toBe(PHONE);
  });

  it('while the same customer by card may spend the offline allowance (the rule is the phone)', async () => {
    const res = await calculate(t, {
      receiptId: 'r-card-offline',
      customer: { card: SILVER },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(res.body.offline).toBe(true);
    expect(res.body.totals.redeemedPoints).toBe(300);
    expect(res.body.totals.toPay).toBe(73271);
  });
});

describe('the till writes the enrolment transaction', () => {
  const KNOWN = card(7005);
  let t: TestAgent;
  beforeAll(async () => {
    t = await startTestAgent();
    await t.agent.store.cache.apply([customer('c-known', { cards: [KNOWN] })]);
  });
  afterAll(() => t?.close());

  /** One dairy line; the example program enrols from 2 000,00 ₽ with 150 bonus points. */
  const buy = (receiptId: string, cardNumber: string, price: number) =>
    calculate(t, {
      receiptId,
      customer: { card: cardNumber },
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'CHEESE', name: 'Сыр', price, qty: 1, category: 'dairy' }],
    });

  it('appends the enrolment (150 bonus points) with the sale, in one write, before the sale', async () => {
    const newcomer = card(7003);
    const res = await buy('r-enrol', newcomer, 250000);
    expect(res.status).toBe(200);
    expect(res.body.applied).toContainEqual(expect.objectContaining({ kind: 'enrollment', points: 150 }));
    expect((await confirm(t, 'r-enrol')).status).toBe(200);

    const entries = t.agent.store.journal.byReceipt('r-enrol').map((e) => e.tx);
    expect(entries.map((tx) => tx.kind)).toEqual(['enrolment', 'sale']);
    const [enrolment, sale] = entries as [(typeof entries)[0], (typeof entries)[0]];
    expect(enrolment).toMatchObject({
      kind: 'enrolment',
      receiptId: 'r-enrol',
      storeId: 'store-1',
      tillId: 'till-1',
      offline: true,
      bonusPoints: 150,
      customer: { card: newcomer },
      lines: [],
      totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 0 },
    });
    expect(enrolment.seq + 1).toBe(sale.seq);
    // No tier for a newcomer; accrual 20 % (≥ 1 000,00 ₽) of 250000 → 500 points, plus the 150
    // enrolment points the engine counts in the receipt's accrual (DECISIONS-domain "Enrolment").
    expect(sale.totals).toMatchObject({ amount: 250000, discount: 0, toPay: 250000, accruedPoints: 650 });
    expect(sale.customer.card).toBe(newcomer);
  });

  it('writes none below the enrolment amount, nor for a known customer', async () => {
    const small = card(7004);
    expect((await buy('r-no-enrol', small, 199999)).status).toBe(200);
    expect((await confirm(t, 'r-no-enrol')).status).toBe(200);
    expect(t.agent.store.journal.byReceipt('r-no-enrol').map((e) => e.tx.kind)).toEqual(['sale']);
    expect((await buy('r-known', KNOWN, 250000)).status).toBe(200);
    expect((await confirm(t, 'r-known')).status).toBe(200);
    expect(t.agent.store.journal.byReceipt('r-known').map((e) => e.tx.kind)).toEqual(['sale']);
  });
});
