// Three edges of the ingest (issue #4): a receipt id printed by two stores, the enrolment bonus at
// most once per customer ever, and items of one batch that depend on each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from './harness.js';
import { line, makeReturn, makeSale, UNKNOWN, uid } from './tx-builder.js';

type Results = { results: TxResult[] };
type Agent = typeof AGENT_1;
type Diff = { differences: { field: string; agent: unknown; cloud: unknown }[]; notes?: string[] } | null;

let cloud: TestCloud;
const seqs = new Map<string, number>();
const nextSeq = (a: Agent) => {
  const n = (seqs.get(a.agentId) ?? 0) + 1;
  seqs.set(a.agentId, n);
  return n;
};
const AT = '2026-11-16T12:00:00+03:00';

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud.close();
});

async function send(agent: Agent, txs: unknown[]): Promise<TxResult[]> {
  const res = await cloud.request<Results>('POST', `/v1/agents/${agent.agentId}/transactions`, {
    key: agent.key,
    body: { transactions: txs },
  });
  expect(res.status).toBe(200);
  return res.body.results;
}

const balance = async (id: string) =>
  (await cloud.request<{ balance: { available: number; pending: number } }>('GET', `/v1/customers/${id}`))
    .body.balance;

const diffOf = async (txId: string): Promise<Diff> =>
  (
    await cloud.db.query<{ recompute_diff: Diff }>('SELECT recompute_diff FROM transactions WHERE id = $1', [
      txId,
    ])
  )[0]!.recompute_diff;

function sale(
  agent: Agent,
  customer: Tx['customer'],
  price: number,
  receiptId?: string,
  enrolling = false,
): Tx {
  const tx = makeSale({
    program: cloud.program,
    seq: nextSeq(agent),
    at: AT,
    storeId: agent.storeId,
    customer,
    snapshot: UNKNOWN,
    redeemAllowed: false,
    enrolling,
    lines: [line('TV', price)],
  });
  if (receiptId) tx.receiptId = receiptId;
  return tx;
}

/** What the agent sends for an enrolment: the bonus counted inside its sale, named in `bonusPoints`. */
function enrolmentWithSale(agent: Agent, customer: Tx['customer'], price = 250000): [Tx, Tx] {
  const s = sale(agent, customer, price, undefined, true);
  const enrolment: Tx = {
    ...s,
    id: uid('enrol'),
    kind: 'enrolment',
    lines: [],
    totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 0 },
    bonusPoints: 150,
  };
  s.seq = nextSeq(agent);
  return [enrolment, s];
}

describe('a receipt id printed by two stores', () => {
  it('a return reverses the sale of its own store, or of the store it names — never the other one', async () => {
    const receiptId = uid('same-number');
    const one = sale(AGENT_1, { card: '2000000300011' }, 100000, receiptId); // 30 points
    const two = sale(AGENT_2, { card: '2000000300028' }, 300000, receiptId); // 90 points
    const [r1] = await send(AGENT_1, [one]);
    const [r2] = await send(AGENT_2, [two]);
    const c1 = r1!.customer!.id;
    const c2 = r2!.customer!.id;
    expect([await balance(c1), await balance(c2)]).toEqual([
      { available: 30, pending: 0 },
      { available: 90, pending: 0 },
    ]);

    // Store 1 takes back its own receipt: store 2's customer is untouched.
    const own = { ...makeReturn(one, nextSeq(AGENT_1)), storeId: AGENT_1.storeId };
    expect((await send(AGENT_1, [own]))[0]).toMatchObject({ status: 'accepted', customer: { id: c1 } });
    expect(await balance(c1)).toEqual({ available: 0, pending: 0 });
    expect(await balance(c2)).toEqual({ available: 90, pending: 0 });
    expect(await diffOf(own.id)).toBeNull();

    // Store 1 takes back store 2's receipt with the same number, naming store 2.
    const other: Tx = {
      ...makeReturn(two, nextSeq(AGENT_1)),
      storeId: AGENT_1.storeId,
      originalStoreId: AGENT_2.storeId,
    };
    expect((await send(AGENT_1, [other]))[0]).toMatchObject({ status: 'accepted', customer: { id: c2 } });
    expect(await balance(c2)).toEqual({ available: 0, pending: 0 });
    expect(await diffOf(other.id)).toBeNull();
  });

  it('a return whose own store has not sent the sale yet waits, even when another store sold that number', async () => {
    const receiptId = uid('early');
    const elsewhere = sale(AGENT_2, { card: '2000000300035' }, 200000, receiptId);
    const [r2] = await send(AGENT_2, [elsewhere]);
    const before = await balance(r2!.customer!.id);

    // Store 1's till 1 sold it; the return reaches the cloud first (e.g. from another till's outbox).
    const mine = sale(AGENT_1, { card: '2000000300042' }, 100000, receiptId);
    const ret = { ...makeReturn(mine, nextSeq(AGENT_1)), storeId: AGENT_1.storeId };
    expect(await send(AGENT_1, [ret])).toEqual([
      { id: ret.id, status: 'retry', reason: 'sale not yet received' },
    ]);
    expect(await balance(r2!.customer!.id)).toEqual(before);

    const [sold] = await send(AGENT_1, [{ ...mine, seq: nextSeq(AGENT_1) }]);
    expect((await send(AGENT_1, [ret]))[0]).toMatchObject({
      status: 'accepted',
      customer: { id: sold!.customer!.id },
    });
    expect(await balance(sold!.customer!.id)).toEqual({ available: 0, pending: 0 });
    expect(await balance(r2!.customer!.id)).toEqual(before);
  });

  it('a return naming a store that never sold the receipt waits instead of taking another store’s sale', async () => {
    const receiptId = uid('named-wrong');
    const s = sale(AGENT_1, { card: '2000000300059' }, 100000, receiptId);
    await send(AGENT_1, [s]);
    const ret: Tx = {
      ...makeReturn(s, nextSeq(AGENT_2)),
      storeId: AGENT_2.storeId,
      originalStoreId: 'store-3',
    };
    expect((await send(AGENT_2, [ret]))[0]!.status).toBe('retry');
  });
});

describe('the enrolment bonus, at most once per customer ever', () => {
  it('grants the agent’s enrolment bonus once; a second enrolment of the same customer (another till’s cache did not know them) books the sale without it and shows why', async () => {
    const phone = '+79161230001';
    const [enrol1, sale1] = enrolmentWithSale(AGENT_1, { phone });
    // 3 % of 2 500 ₽ = 75, plus the 150 bonus.
    expect(sale1.totals.accruedPoints).toBe(225);
    const first = await send(AGENT_1, [enrol1, sale1]);
    const id = first[1]!.customer!.id;
    expect(first[0]!.customer!.id).toBe(id);
    expect(await balance(id)).toEqual({ available: 225, pending: 0 });
    expect(await diffOf(enrol1.id)).toBeNull();
    expect(await diffOf(sale1.id)).toBeNull();

    // Store 2's till does not know the phone yet: it enrols "again" with the bonus in its sale.
    const [enrol2, sale2] = enrolmentWithSale(AGENT_2, { phone });
    const second = await send(AGENT_2, [enrol2, sale2]);
    // Attached to the existing customer: no second customer for the phone.
    expect(second.map((r) => r.customer?.id)).toEqual([id, id]);
    const customers = await cloud.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customers WHERE phone = $1',
      [phone],
    );
    expect(customers[0]!.n).toBe(1);
    // The sale's 75 points count, its 150 bonus does not.
    expect(second[1]!.customer!.balance).toEqual({ available: 225 + 75, pending: 0 });

    const enrolDiff = await diffOf(enrol2.id);
    expect(enrolDiff!.differences).toContainEqual({ field: 'enrolmentBonus', agent: 150, cloud: 0 });
    expect(enrolDiff!.notes!.join(' ')).toMatch(new RegExp(`already granted by ${enrol1.id}`));
    const saleDiff = await diffOf(sale2.id);
    expect(saleDiff!.differences).toContainEqual({ field: 'enrolmentBonus', agent: 150, cloud: 0 });
    // The receipt is kept as the till sent it, and the central page lists the difference.
    expect(
      (await cloud.db.query<{ body: Tx }>('SELECT body FROM transactions WHERE id = $1', [sale2.id]))[0]!.body
        .totals.accruedPoints,
    ).toBe(225);
    const page = await cloud.request<{ diffs: { id: string }[] }>('GET', '/central/api/overview');
    expect(page.body.diffs.map((d) => d.id)).toEqual(expect.arrayContaining([enrol2.id, sale2.id]));
  });

  it('refuses the second bonus also when both enrolments of one customer arrive in one batch', async () => {
    const card = '2000000300066';
    const [e1, s1] = enrolmentWithSale(AGENT_1, { card });
    const [e2, s2] = enrolmentWithSale(AGENT_1, { card });
    const results = await send(AGENT_1, [e1, s1, e2, s2]);
    const id = results[0]!.customer!.id;
    expect(results.map((r) => r.customer?.id)).toEqual([id, id, id, id]);
    expect(results.map((r) => r.customer!.balance.available)).toEqual([0, 225, 225, 300]);
    expect((await diffOf(s2.id))!.differences).toContainEqual({
      field: 'enrolmentBonus',
      agent: 150,
      cloud: 0,
    });
  });

  it('grants the bonus to a customer the cloud already had but never paid one (a card first seen below the enrolment amount)', async () => {
    const card = '2000000300073';
    const [small] = await send(AGENT_1, [sale(AGENT_1, { card }, 100000)]);
    const id = small!.customer!.id;
    const [e, s] = enrolmentWithSale(AGENT_1, { card });
    const results = await send(AGENT_1, [e, s]);
    expect(results[1]!.customer).toEqual({ id, balance: { available: 30 + 225, pending: 0 } });
    expect(await diffOf(s.id)).toBeNull();
  });
});

describe('items of one batch that depend on each other', () => {
  it('applies a sale and its return in one batch, two sales of one customer in order, and a repeated id once', async () => {
    const card = '2000000300080';
    const a = sale(AGENT_1, { card }, 100000); // 30
    const b = sale(AGENT_1, { card }, 200000); // 60
    const ret = { ...makeReturn(a, nextSeq(AGENT_1)), storeId: AGENT_1.storeId };
    const results = await send(AGENT_1, [a, b, ret, a]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'duplicate']);
    // Each answer is the balance right after that item.
    expect(results.map((r) => r.customer!.balance.available)).toEqual([30, 90, 60, 30]);
    expect(await balance(results[0]!.customer!.id)).toEqual({ available: 60, pending: 0 });
  });

  it('answers retry for a return ordered before its sale in the same batch, and applies everything after it', async () => {
    const card = '2000000300097';
    const s = sale(AGENT_1, { card }, 100000);
    const ret = { ...makeReturn(s, s.seq), storeId: AGENT_1.storeId };
    s.seq = nextSeq(AGENT_1); // the return now comes first in seq order
    const results = await send(AGENT_1, [s, ret]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'retry']);
    expect((await send(AGENT_1, [ret]))[0]!.status).toBe('accepted');
    expect(await balance(results[0]!.customer!.id)).toEqual({ available: 0, pending: 0 });
  });
});

describe('the fields the ingest reads', () => {
  it('rejects a malformed originalStoreId or bonusPoints, naming the field, and keeps the rest', async () => {
    const s = sale(AGENT_1, { card: '2000000300103' }, 100000);
    const badStore = { ...makeReturn(s, nextSeq(AGENT_1)), storeId: AGENT_1.storeId, originalStoreId: '' };
    const [e] = enrolmentWithSale(AGENT_1, { card: '2000000300110' });
    const badBonus = { ...e, bonusPoints: -5 };
    const results = await send(AGENT_1, [s, badStore, badBonus]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected']);
    expect(results[1]!.reason).toMatch(/^originalStoreId/);
    expect(results[2]!.reason).toMatch(/^bonusPoints/);
  });
});

describe('returns of a sale whose enrolment bonus was refused', () => {
  it('never take back the bonus the cloud did not book', async () => {
    const phone = '+79161230002';
    await send(AGENT_1, enrolmentWithSale(AGENT_1, { phone }));
    const [e, s] = enrolmentWithSale(AGENT_2, { phone });
    const results = await send(AGENT_2, [e, s]);
    const id = results[1]!.customer!.id;
    expect(await balance(id)).toEqual({ available: 225 + 75, pending: 0 });
    // Half now, the rest later: the lines' shares sum to 225, of which the cloud booked 75.
    const half = {
      ...makeReturn(s, nextSeq(AGENT_2), [{ lineId: s.lines[0]!.lineId, qty: 0.5 }]),
      storeId: AGENT_2.storeId,
    };
    expect((await send(AGENT_2, [half]))[0]!.customer!.balance.available).toBe(300 - 75);
    expect((await diffOf(half.id))!.notes!.join(' ')).toMatch(/refused enrolment bonus/);
    const rest = {
      ...makeReturn(s, nextSeq(AGENT_2), undefined, {
        [s.lines[0]!.lineId]: { ...half.lines[0]!, qty: 0.5 },
      }),
      storeId: AGENT_2.storeId,
    };
    expect((await send(AGENT_2, [rest]))[0]!.customer!.balance.available).toBe(225);
  });
});
