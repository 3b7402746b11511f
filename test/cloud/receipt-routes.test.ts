// GET /v1/agents/{agentId}/receipts/{receiptId}: another store's agent reads a sale to take a return
// of it — the sale as sent, the customer the cloud booked it to, and the returns already applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptForReturn, Tx, TxResult } from '../../src/protocol/sync.js';
import { ADMIN, AGENT_1, AGENT_2, type ApiBody, startTestCloud, type TestCloud } from './harness.js';
import { line, makeReturn, makeSale, UNKNOWN, uid } from './tx-builder.js';

let cloud: TestCloud;
const seqs = new Map<string, number>();
const AT = '2026-11-16T12:00:00+03:00';
type Agent = typeof AGENT_1;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud.close();
});

const nextSeq = (agent: Agent) => {
  const n = (seqs.get(agent.agentId) ?? 0) + 1;
  seqs.set(agent.agentId, n);
  return n;
};

async function send(agent: Agent, txs: Tx[]): Promise<TxResult[]> {
  const res = await cloud.request<{ results: TxResult[] }>(
    'POST',
    `/v1/agents/${agent.agentId}/transactions`,
    { key: agent.key, body: { transactions: txs } },
  );
  expect(res.status).toBe(200);
  return res.body.results;
}

/** A sale of two lines (the second of 3 units) for a new card (or phone), confirmed at `agent`'s store. */
async function sell(
  agent: Agent,
  receiptId: string,
  card: string,
  phone?: string,
): Promise<{ tx: Tx; customerId: string }> {
  const sale = makeSale({
    program: cloud.program,
    seq: nextSeq(agent),
    at: AT,
    customer: { card, ...(phone && { phone }) },
    snapshot: UNKNOWN,
    redeemAllowed: false,
    storeId: agent.storeId,
    lines: [line('CHEESE', 129900), line('MILK', 8990, 3)],
  });
  const tx = { ...sale, receiptId };
  const [result] = await send(agent, [tx]);
  expect(result).toMatchObject({ status: 'accepted' });
  return { tx, customerId: result!.customer!.id };
}

/** A return of `sale` taken at `agent`'s store; `originalStoreId` when that is not where it was sold. */
async function giveBack(
  agent: Agent,
  sale: Tx,
  lines: { lineId: string; qty: number }[],
  returned: ReceiptForReturn['returned'] = {},
  originalStoreId?: string,
): Promise<Tx> {
  const ret: Tx = {
    ...makeReturn(sale, nextSeq(agent), lines, returned),
    storeId: agent.storeId,
    ...(originalStoreId && { originalStoreId }),
  };
  const [result] = await send(agent, [ret]);
  expect(result).toMatchObject({ id: ret.id, status: 'accepted' });
  return ret;
}

const read = <T = ReceiptForReturn & ApiBody>(
  receiptId: string,
  o: { agent?: Agent; key?: string | null; storeId?: string; path?: string } = {},
) => {
  const agent = o.agent ?? AGENT_2;
  const query = o.storeId === undefined ? '' : `?storeId=${encodeURIComponent(o.storeId)}`;
  return cloud.request<T>(
    'GET',
    `/v1/agents/${o.path ?? agent.agentId}/receipts/${encodeURIComponent(receiptId)}${query}`,
    { key: o.key === undefined ? agent.key : o.key },
  );
};

describe('GET /v1/agents/{agentId}/receipts/{receiptId}', () => {
  it("answers another store's sale with its lines, its customer and nothing returned yet", async () => {
    const receiptId = uid('s1');
    const { tx, customerId } = await sell(AGENT_1, receiptId, '2000000200015');
    const res = await read(receiptId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      receiptId,
      storeId: 'store-1',
      tillId: 'till-1',
      at: AT,
      customerId,
      returns: [],
      returned: {},
    });
    // The sale as the selling till sent it: what computeReturn and the return Tx need, to the kopeck.
    expect(res.body.sale).toEqual(tx);
    expect(res.body.sale.lines.map((l) => [l.lineId, l.qty, l.paid, l.redeemed, l.accruedPoints])).toEqual(
      tx.lines.map((l) => [l.lineId, l.qty, l.paid, l.redeemed, l.accruedPoints]),
    );
  });

  it("leaves the customer's phone out: it travels only in the sync call that brought it", async () => {
    const receiptId = uid('sp');
    const { tx, customerId } = await sell(AGENT_1, receiptId, '2000000200084', '+79125550101');
    const res = await read(receiptId);
    expect(res.status).toBe(200);
    expect(res.body.sale.customer).toEqual({ card: '2000000200084' });
    expect(JSON.stringify(res.body)).not.toContain('9125550101');
    expect(res.body.customerId).toBe(customerId);
    expect(res.body.sale.lines).toEqual(tx.lines);
  });

  it('lists the returns already applied from every store, and sums them per line', async () => {
    const receiptId = uid('s2');
    const { tx } = await sell(AGENT_1, receiptId, '2000000200022');
    const milk = tx.lines[1]!;
    const cheese = tx.lines[0]!;
    // One unit of milk back where it was sold, then another at store 2, which names store 1.
    const atHome = await giveBack(AGENT_1, tx, [{ lineId: milk.lineId, qty: 1 }]);
    const first = await read(receiptId);
    const elsewhere = await giveBack(
      AGENT_2,
      tx,
      [
        { lineId: milk.lineId, qty: 1 },
        { lineId: cheese.lineId, qty: 1 },
      ],
      first.body.returned,
      'store-1',
    );

    const res = await read(receiptId);
    expect(res.status).toBe(200);
    expect(res.body.returns.map((r) => [r.id, r.returnId, r.storeId])).toEqual([
      [atHome.id, atHome.returnId, 'store-1'],
      [elsewhere.id, elsewhere.returnId, 'store-2'],
    ]);
    expect(res.body.returns[1]!.refund).toEqual(elsewhere.refund);
    const milkBack = [atHome, elsewhere].map((r) => r.lines.find((l) => l.lineId === milk.lineId)!);
    expect(res.body.returned).toEqual({
      [milk.lineId]: {
        qty: 2,
        paid: milkBack[0]!.paid + milkBack[1]!.paid,
        redeemed: 0,
        accruedPoints: milkBack[0]!.accruedPoints + milkBack[1]!.accruedPoints,
      },
      [cheese.lineId]: { qty: 1, paid: cheese.paid, redeemed: 0, accruedPoints: cheese.accruedPoints },
    });
    // The last unit of milk is what remains: exactly the line's rest.
    expect(res.body.returned[milk.lineId]!.paid).toBeLessThan(milk.paid);
  });

  it('counts a return recorded before returns named their store (taken where it was never sold)', async () => {
    const receiptId = uid('s3');
    const { tx } = await sell(AGENT_1, receiptId, '2000000200039');
    // The ingest now waits (retry) for such a return — it names no other store, so its sale is its
    // own store's — so the row the earlier ingest stored is written as it stored it.
    const legacy: Tx = {
      ...makeReturn(tx, 0, [{ lineId: tx.lines[0]!.lineId, qty: 1 }]),
      storeId: AGENT_2.storeId,
    };
    await cloud.db.query(
      `INSERT INTO transactions (id, agent_id, seq, kind, store_id, till_id, receipt_id, return_id, customer_id, at,
         offline, program_version, body, applied_at)
       SELECT $1, $2, 0, 'return', $3, $4, $5, $6, customer_id, $7, false, $8, $9::text::jsonb, $7
       FROM transactions WHERE id = $10`,
      [
        legacy.id,
        AGENT_2.agentId,
        AGENT_2.storeId,
        legacy.tillId,
        receiptId,
        legacy.returnId!,
        new Date(legacy.at),
        legacy.programVersion,
        JSON.stringify(legacy),
        tx.id,
      ],
    );
    const res = await read(receiptId, { agent: AGENT_1 });
    expect(res.body.returns.map((r) => r.id)).toEqual([legacy.id]);
  });

  it('is 404 for a receipt no store sold, and for a store that did not sell it', async () => {
    const unknown = await read('never-sold');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('RECEIPT_NOT_FOUND');

    const receiptId = uid('s4');
    await sell(AGENT_1, receiptId, '2000000200046');
    const wrongStore = await read(receiptId, { storeId: 'store-2' });
    expect(wrongStore.status).toBe(404);
    expect(wrongStore.body.error?.code).toBe('RECEIPT_NOT_FOUND');
    expect((await read(receiptId, { storeId: 'store-1' })).status).toBe(200);
  });

  it('is 409 RECEIPT_AMBIGUOUS when two stores sold the same receipt id, and ?storeId picks one', async () => {
    const receiptId = uid('shared');
    const one = await sell(AGENT_1, receiptId, '2000000200053');
    const two = await sell(AGENT_2, receiptId, '2000000200060');

    const both = await read(receiptId);
    expect(both.status).toBe(409);
    expect(both.body.error).toMatchObject({
      code: 'RECEIPT_AMBIGUOUS',
      details: ['store-1', 'store-2'],
    });

    // Returns go to the sale they reverse: store 2's own (no name), and store 1's named from store 2.
    const ownAtTwo = await giveBack(AGENT_2, two.tx, [{ lineId: two.tx.lines[0]!.lineId, qty: 1 }]);
    const oneFromTwo = await giveBack(
      AGENT_2,
      one.tx,
      [{ lineId: one.tx.lines[1]!.lineId, qty: 3 }],
      {},
      'store-1',
    );
    const atTwo = await read(receiptId, { storeId: 'store-2' });
    expect(atTwo.status).toBe(200);
    expect(atTwo.body).toMatchObject({ storeId: 'store-2', customerId: two.customerId });
    expect(atTwo.body.sale.id).toBe(two.tx.id);
    expect(atTwo.body.returns.map((r) => r.id)).toEqual([ownAtTwo.id]);

    const atOne = await read(receiptId, { storeId: 'store-1' });
    expect(atOne.body).toMatchObject({ storeId: 'store-1', customerId: one.customerId });
    expect(atOne.body.returns.map((r) => r.id)).toEqual([oneFromTwo.id]);
    expect(atOne.body.returned[one.tx.lines[1]!.lineId]?.qty).toBe(3);
  });

  it("takes an agent's own key on its own path only", async () => {
    const receiptId = uid('s5');
    await sell(AGENT_1, receiptId, '2000000200077');
    expect((await read(receiptId, { key: null })).status).toBe(401);
    expect((await read(receiptId, { key: 'not-a-key' })).status).toBe(401);
    // Agent 2's key on agent 1's path, and the central office's token: both refused.
    const foreign = await read(receiptId, { path: AGENT_1.agentId });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error?.code).toBe('FORBIDDEN');
    expect((await read(receiptId, { key: ADMIN })).status).toBe(403);
  });

  it('refuses an empty store id (400 naming it) and an overlong receipt id (414)', async () => {
    const empty = await read('r-1', { storeId: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toContain('storeId');
    // fastify itself stops path parameters over 100 characters (414) before the schema's 200.
    const long = await read('x'.repeat(201));
    expect(long.status).toBe(414);
    expect((await read('x'.repeat(100))).status).toBe(404);
  });
});
