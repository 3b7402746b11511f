// POST /v1/returns for a receipt this agent did not record: the agent reads the sale from the cloud
// (GET /v1/agents/{agentId}/receipts/{receiptId}) within its online deadline and takes the return
// with the same arithmetic as a local one. Over real HTTP, against a scriptable cloud.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { soldLinesOf } from '../../src/agent/return-tx.js';
import { computeReturn, returnedSoFar } from '../../src/domain/index.js';
import type { ReceiptForReturn, ReceiptReturnRecord, Tx } from '../../src/protocol/sync.js';
import { testProgram } from '../cloud/harness.js';
import { line, makeReturn, makeSale } from '../cloud/tx-builder.js';
import { card, customer, startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { AGENT_ID, FakeCloud, KEY } from '../sync/fakes/fake-cloud.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

/** How long the agent waits for an online call in these tests. */
const DEADLINE_MS = 300;
const AT = '2026-11-16T12:00:00+03:00';

/** The cloud of these tests: the fake sync cloud plus the receipt read, answered from `receipts`. */
class ReceiptCloud {
  readonly receipts = new Map<string, ReceiptForReturn>();
  /** Receipt ids sold at several stores (answered 409 unless ?storeId names one). */
  readonly ambiguous = new Map<string, Map<string, ReceiptForReturn>>();
  readonly reads: { receiptId: string; storeId?: string; authorization?: string }[] = [];
  /** Replaces the answer (hang, fail, garbage); undefined = answer from the maps. */
  fault: ((reply: FastifyReply) => unknown) | undefined;
  /** Delays every answer (to let two requests overlap). */
  delayMs = 0;

  private constructor(readonly fake: FakeCloud) {}

  static async start(): Promise<ReceiptCloud> {
    const fake = new FakeCloud();
    const cloud = new ReceiptCloud(fake);
    fake.app.get<{ Params: { agentId: string; receiptId: string }; Querystring: { storeId?: string } }>(
      '/v1/agents/:agentId/receipts/:receiptId',
      (req, reply) => cloud.answer(req, reply),
    );
    await fake.app.listen({ host: '127.0.0.1', port: 0 });
    const address = fake.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    fake.url = `http://127.0.0.1:${address.port}`;
    return cloud;
  }

  private async answer(
    req: FastifyRequest<{
      Params: { agentId: string; receiptId: string };
      Querystring: { storeId?: string };
    }>,
    reply: FastifyReply,
  ): Promise<unknown> {
    const { receiptId, agentId } = req.params;
    const storeId = req.query.storeId;
    this.reads.push({ receiptId, ...(storeId && { storeId }), authorization: req.headers.authorization });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fault) return this.fault(reply);
    if (agentId !== AGENT_ID) return reply.status(403).send({ error: { code: 'FORBIDDEN', message: '' } });
    const several = this.ambiguous.get(receiptId);
    if (several && storeId === undefined) {
      return reply
        .status(409)
        .send({ error: { code: 'RECEIPT_AMBIGUOUS', message: 'several', details: [...several.keys()] } });
    }
    const found = several ? several.get(storeId!) : this.receipts.get(receiptId);
    if (!found || (storeId !== undefined && found.storeId !== storeId)) {
      return reply.status(404).send({ error: { code: 'RECEIPT_NOT_FOUND', message: 'no such sale' } });
    }
    return found;
  }

  /** From now on the cloud answers the read of this receipt with it (and whatever returns it gains). */
  knows(receipt: ReceiptForReturn): ReceiptForReturn {
    this.receipts.set(receipt.receiptId, receipt);
    return receipt;
  }

  close(): Promise<void> {
    return this.fake.close();
  }
}

let cloud: ReceiptCloud;
let t: TestAgent;
let n = 0;

/** A sale at store 1 of cheese and 3 × milk, paid partly with 100 points, for a customer the cloud knows. */
function storeOneSale(receiptId: string, customerId: string, returns: Tx[] = []): ReceiptForReturn {
  const sale = {
    ...makeSale({
      program: testProgram(),
      seq: ++n,
      at: AT,
      customer: { card: card(500 + n) },
      snapshot: { periodSpend: 0, balance: { available: 300, pending: 0 } },
      lines: [line('CHEESE', 129900), line('MILK', 8990, 3)],
      redeem: { points: 100 },
      storeId: 'store-1',
    }),
    receiptId,
  };
  const receipt: ReceiptForReturn = {
    receiptId,
    storeId: 'store-1',
    tillId: 'till-1',
    at: AT,
    customerId,
    sale,
    returns: [],
    returned: {},
  };
  for (const r of returns) addCloudReturn(receipt, r);
  return receipt;
}

function addCloudReturn(receipt: ReceiptForReturn, ret: Tx): void {
  const record: ReceiptReturnRecord = {
    id: ret.id,
    ...(ret.returnId && { returnId: ret.returnId }),
    storeId: ret.storeId,
    tillId: ret.tillId,
    at: ret.at,
    lines: ret.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
    ...(ret.refund && { refund: ret.refund }),
  };
  receipt.returns.push(record);
  receipt.returned = returnedSoFar(receipt.returns.map((r) => r.lines));
}

/** The till's POST /v1/returns to the agent under test. */
const postReturn = (body: Record<string, unknown>) => t.call<Body>('POST', '/v1/returns', body);

const returnsIn = (receiptId: string) =>
  t.agent.store.journal.byReceipt(receiptId).filter((e) => e.tx.kind === 'return');

const milkOf = (r: ReceiptForReturn) => r.sale.lines[1]!;

beforeAll(async () => {
  cloud = await ReceiptCloud.start();
  // Nothing this agent sends is applied: its returns stay in the outbox, as before a sync.
  cloud.fake.statusFor = () => 'retry';
  t = await startTestAgent({
    storeId: 'store-2',
    cloud: { url: cloud.fake.url, agentId: AGENT_ID, key: KEY, deadlineMs: DEADLINE_MS },
  });
});
afterAll(async () => {
  await t?.close();
  await cloud?.close();
});
beforeEach(() => {
  cloud.fault = undefined;
  cloud.delayMs = 0;
  cloud.fake.script('identify', undefined);
});

describe('POST /v1/returns of a receipt sold at another store', () => {
  it('reads the sale from the cloud, counts what the cloud has returned, and queues one return naming store 1', async () => {
    // One unit of milk was already taken back at store 1.
    const receipt = storeOneSale('s1-r-001', 'cust-1');
    addCloudReturn(receipt, {
      ...makeReturn(receipt.sale, 99, [{ lineId: milkOf(receipt).lineId, qty: 1 }]),
      storeId: 'store-1',
    });
    cloud.knows(receipt);

    const res = await postReturn({ returnId: 'b-ret-1', receiptId: 's1-r-001' });
    expect(res.status).toBe(200);
    const expected = computeReturn(soldLinesOf(receipt.sale), receipt.returned, undefined, 100);
    expect(res.body).toEqual({
      returnId: 'b-ret-1',
      status: 'confirmed',
      refund: expected.refund,
      lines: expected.lines,
    });
    // What is left: the cheese and 2 of the 3 milk — and every point paid comes back across both returns.
    expect(res.body.lines.map((l: Body) => [l.lineId, l.qty])).toEqual([
      [receipt.sale.lines[0]!.lineId, 1],
      [milkOf(receipt).lineId, 2],
    ]);
    expect(receipt.returns[0]!.refund!.pointsReturned + res.body.refund.pointsReturned).toBe(100);

    expect(cloud.reads).toContainEqual({ receiptId: 's1-r-001', authorization: `Bearer ${KEY}` });
    const [entry, ...more] = returnsIn('s1-r-001');
    expect(more).toEqual([]);
    expect(entry!.state).toBe('pending');
    expect(entry!.tx).toMatchObject({
      kind: 'return',
      storeId: 'store-2',
      originalStoreId: 'store-1',
      tillId: 'till-1',
      receiptId: 's1-r-001',
      returnId: 'b-ret-1',
      offline: false,
      programVersion: receipt.sale.programVersion,
      customer: { id: 'cust-1', card: receipt.sale.customer.card },
      refund: expected.refund,
    });
  });

  it('answers the same returnId again without asking the cloud, and refuses more than remains', async () => {
    const readsBefore = cloud.reads.length;
    const again = await postReturn({ returnId: 'b-ret-1', receiptId: 's1-r-001' });
    expect(again.status).toBe(200);
    expect(again.body.refund).toEqual(returnsIn('s1-r-001')[0]!.tx.refund);
    expect(cloud.reads.length).toBe(readsBefore);

    // The cloud still lists only store 1's return; this agent's own (pending) one is counted too.
    const more = await postReturn({
      returnId: 'b-ret-2',
      receiptId: 's1-r-001',
      lines: [{ lineId: milkOf(cloud.receipts.get('s1-r-001')!).lineId, qty: 1 }],
    });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('RETURN_EXCEEDS_SALE');
    expect(returnsIn('s1-r-001')).toHaveLength(1);

    const otherReceipt = await postReturn({
      returnId: 'b-ret-1',
      receiptId: 'other',
    });
    expect(otherReceipt.status).toBe(409);
    expect(otherReceipt.body.error.code).toBe('RETURN_ID_CONFLICT');
  });

  it("counts this agent's own return once when the cloud lists it too", async () => {
    const receipt = cloud.knows(storeOneSale('s1-r-002', 'cust-2'));
    const milk = milkOf(receipt).lineId;
    const first = await postReturn({
      returnId: 'b-ret-3',
      receiptId: receipt.receiptId,
      lines: [{ lineId: milk, qty: 1 }],
    });
    expect(first.status).toBe(200);
    // The cloud has applied it meanwhile (the journal still holds it).
    addCloudReturn(receipt, returnsIn(receipt.receiptId)[0]!.tx);

    const rest = await postReturn({
      returnId: 'b-ret-4',
      receiptId: receipt.receiptId,
      lines: [{ lineId: milk, qty: 2 }],
    });
    expect(rest.status).toBe(200);
    // The last unit takes exactly what the line has left.
    expect(first.body.lines[0].paid + rest.body.lines[0].paid).toBe(milkOf(receipt).paid);
    const over = await postReturn({
      returnId: 'b-ret-5',
      receiptId: receipt.receiptId,
      lines: [{ lineId: milk, qty: 1 }],
    });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('RETURN_EXCEEDS_SALE');
  });

  it('answers a return this store took before its journal lost it from the cloud record, writing nothing', async () => {
    const receipt = storeOneSale('s1-r-003', 'cust-3');
    const earlier = {
      ...makeReturn(receipt.sale, 7, [{ lineId: milkOf(receipt).lineId, qty: 1 }]),
      storeId: 'store-2',
      returnId: 'b-ret-lost',
    };
    addCloudReturn(receipt, earlier);
    cloud.knows(receipt);
    const res = await postReturn({
      returnId: 'b-ret-lost',
      receiptId: receipt.receiptId,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ returnId: 'b-ret-lost', status: 'confirmed', refund: earlier.refund });
    expect(returnsIn(receipt.receiptId)).toEqual([]);
  });

  it('shows the cached customer a balance that counts the return until the cloud has it', async () => {
    const receipt = cloud.knows(storeOneSale('s1-r-004', 'cust-4'));
    const cardNo = receipt.sale.customer.card!;
    cloud.fake.script('identify', () => ({
      customer: customer('cust-4', { cards: [cardNo], balance: { available: 500, pending: 0 } }),
    }));
    const before = await t.call<Body>('POST', '/v1/identify', { card: cardNo });
    expect(before.body.customer.balance).toEqual({ available: 500, pending: 0 });

    const res = await postReturn({
      returnId: 'b-ret-6',
      receiptId: receipt.receiptId,
    });
    expect(res.status).toBe(200);
    const { pointsReturned, pointsReversed } = res.body.refund;
    expect(pointsReturned).toBe(100);
    const after = await t.call<Body>('POST', '/v1/identify', { card: cardNo });
    expect(after.body.customer.balance).toEqual({
      available: 500 + pointsReturned - pointsReversed,
      pending: 0,
    });
  });

  it('is 404 when neither this agent nor the cloud knows the receipt', async () => {
    const res = await postReturn({ returnId: 'b-ret-7', receiptId: 'nowhere' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('RECEIPT_NOT_FOUND');
    expect(res.body.error.message).toContain('ни на этой кассе, ни на сервере');
    expect(returnsIn('nowhere')).toEqual([]);
  });

  it('is 409 RECEIPT_AMBIGUOUS naming the stores, and takes the return once the till names one', async () => {
    const atOne = storeOneSale('shared-1', 'cust-5');
    const fromThree = storeOneSale('shared-1', 'cust-6');
    const atThree: ReceiptForReturn = {
      ...fromThree,
      storeId: 'store-3',
      sale: { ...fromThree.sale, storeId: 'store-3' },
    };
    cloud.ambiguous.set(
      'shared-1',
      new Map([
        ['store-1', atOne],
        ['store-3', atThree],
      ]),
    );
    const both = await postReturn({ returnId: 'b-ret-8', receiptId: 'shared-1' });
    expect(both.status).toBe(409);
    expect(both.body.error).toMatchObject({ code: 'RECEIPT_AMBIGUOUS', details: ['store-1', 'store-3'] });
    expect(both.body.error.message).toContain('укажите магазин');

    const named = await postReturn({
      returnId: 'b-ret-8',
      receiptId: 'shared-1',
      storeId: 'store-3',
    });
    expect(named.status).toBe(200);
    expect(cloud.reads.at(-1)).toMatchObject({ receiptId: 'shared-1', storeId: 'store-3' });
    expect(returnsIn('shared-1').map((e) => [e.tx.originalStoreId, e.tx.customer.id])).toEqual([
      ['store-3', 'cust-6'],
    ]);
  });

  it('refuses a bad storeId with 400 naming the field', async () => {
    const res = await postReturn({
      returnId: 'b-ret-9',
      receiptId: 'x',
      storeId: '',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('storeId');
  });

  it('takes overlapping requests one at a time: one return per returnId, never more than was sold', async () => {
    const receipt = cloud.knows(storeOneSale('s1-r-005', 'cust-7'));
    cloud.delayMs = 100;
    const all = (returnId: string) => postReturn({ returnId, receiptId: receipt.receiptId });
    const answers = await Promise.all([all('b-ret-10'), all('b-ret-10'), all('b-ret-11')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 409]);
    expect(answers[1]!.body).toEqual(answers[0]!.body);
    expect(answers[2]!.body.error.code).toBe('RETURN_EXCEEDS_SALE');
    expect(returnsIn(receipt.receiptId).map((e) => e.tx.returnId)).toEqual(['b-ret-10']);
  });
});

describe('POST /v1/returns of a sale of this store, partly returned at another store', () => {
  async function sellHere(receiptId: string): Promise<ReceiptForReturn> {
    const calc = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId,
      lines: [{ lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3 }],
    });
    expect(calc.status).toBe(200);
    expect((await t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, {})).status).toBe(200);
    const sale = t.agent.store.journal.byReceipt(receiptId)[0]!.tx;
    // Store 1 took one unit back and the cloud applied it; this agent has never heard of it.
    const receipt: ReceiptForReturn = {
      receiptId,
      storeId: 'store-2',
      tillId: 'till-1',
      at: sale.at,
      customerId: null,
      sale,
      returns: [],
      returned: {},
    };
    addCloudReturn(receipt, {
      ...makeReturn(sale, 5, [{ lineId: '1', qty: 1 }]),
      storeId: 'store-1',
      originalStoreId: 'store-2',
    });
    cloud.knows(receipt);
    return receipt;
  }

  it("counts the return the cloud knows of, asking for this store's sale", async () => {
    const receipt = await sellHere('b-own-1');
    const res = await postReturn({ returnId: 'b-own-ret-1', receiptId: 'b-own-1' });
    expect(res.status).toBe(200);
    expect(res.body.lines).toEqual([
      expect.objectContaining({
        lineId: '1',
        qty: 2,
        paid: receipt.sale.lines[0]!.paid - receipt.returned['1']!.paid,
      }),
    ]);
    expect(cloud.reads.at(-1)).toMatchObject({ receiptId: 'b-own-1', storeId: 'store-2' });
    const [entry] = returnsIn('b-own-1');
    expect(entry!.tx.originalStoreId).toBeUndefined();
    expect(entry!.tx.storeId).toBe('store-2');
  });

  it("does not wait on a cloud that does not answer: the journal's own returns are counted", async () => {
    await sellHere('b-own-2');
    cloud.fault = (reply) => cloud.fake.trickle(reply);
    const started = Date.now();
    const res = await postReturn({ returnId: 'b-own-ret-2', receiptId: 'b-own-2' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 700);
    expect(res.body.lines.map((l: Body) => l.qty)).toEqual([3]);
  });
});

describe('POST /v1/returns of a foreign receipt while the cloud cannot answer', () => {
  const faults: [string, (reply: FastifyReply) => unknown][] = [
    ['no answer at all', (reply) => cloud.fake.trickle(reply)],
    ['a broken connection', (reply) => cloud.fake.breakConnection(reply)],
    ['a 500', (reply) => reply.status(500).send({ error: { code: 'INTERNAL', message: 'boom' } })],
    ['a malformed answer', () => ({ receiptId: 's1-r-006', sale: { lines: 'nope' } })],
    // An older cloud without the route: its bare 404 must not read as "no such receipt".
    ['a 404 from a cloud without the route', (reply) => reply.status(404).send({ code: 'NOT_FOUND' })],
  ];

  afterEach(() => {
    cloud.fault = undefined;
  });

  for (const [what, fault] of faults) {
    it(`answers 503 CLOUD_UNAVAILABLE in Russian after ${what}, within the deadline, writing nothing`, async () => {
      cloud.knows(storeOneSale('s1-r-006', 'cust-8'));
      cloud.fault = fault;
      const started = Date.now();
      const res = await postReturn({ returnId: 'b-ret-12', receiptId: 's1-r-006' });
      const took = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('CLOUD_UNAVAILABLE');
      expect(res.body.error.message).toContain('сервер лояльности сейчас не отвечает');
      expect(took).toBeLessThan(DEADLINE_MS + 700);
      expect(returnsIn('s1-r-006')).toEqual([]);
      expect(t.agent.store.journal.byReturnId('b-ret-12')).toBeUndefined();
    });
  }

  it('takes the return once the cloud answers again', async () => {
    const res = await postReturn({ returnId: 'b-ret-12', receiptId: 's1-r-006' });
    expect(res.status).toBe(200);
    expect(returnsIn('s1-r-006')).toHaveLength(1);
  });
});
