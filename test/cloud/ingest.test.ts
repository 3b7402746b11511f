import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from './harness.js';
import { line, makeReturn, makeSale, UNKNOWN, uid } from './tx-builder.js';

type Results = { results: TxResult[] };
type CustomerBody = {
  id: string;
  tierId: string;
  periodSpend: number;
  balance: { available: number; pending: number };
  history: { at: string; kind: string; points: number; receiptId?: string }[];
};

let cloud: TestCloud;
let seq = 0;
const AT = '2026-11-16T12:00:00+03:00';

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud.close();
});

const send = (txs: unknown[], key = AGENT_1.key, agentId = AGENT_1.agentId) =>
  cloud.request<Results>('POST', `/v1/agents/${agentId}/transactions`, { key, body: { transactions: txs } });

const customer = (id: string) =>
  cloud.request<CustomerBody>('GET', `/v1/customers/${encodeURIComponent(id)}`);

function saleForNewCard(
  card: string,
  price = 100000,
  extra: Partial<Parameters<typeof makeSale>[0]> = {},
): Tx {
  return makeSale({
    program: cloud.program,
    seq: ++seq,
    at: AT,
    customer: { card },
    snapshot: UNKNOWN,
    redeemAllowed: false,
    lines: [line('MILK', price)],
    ...extra,
  });
}

describe('ingest', () => {
  it('creates the customer of an unknown card at the base tier and answers its id and balance', async () => {
    const tx = saleForNewCard('2000000100018');
    const res = await send([tx]);
    expect(res.status).toBe(200);
    const r = res.body.results[0]!;
    expect(r).toMatchObject({ id: tx.id, status: 'accepted' });
    // 3 % of 1 000 ₽ at the base tier = 30 points, available at once (pendingDays 0).
    expect(tx.totals.accruedPoints).toBe(30);
    expect(r.customer?.balance).toEqual({ available: 30, pending: 0 });
    const c = await customer(r.customer!.id);
    expect(c.body.tierId).toBe('standard');
    expect(c.body.periodSpend).toBe(100000);
  });

  it('applies a repeated batch once: duplicates answer the same balance and change nothing', async () => {
    const a = saleForNewCard('2000000100025', 50000);
    const b = saleForNewCard('2000000100025', 70000);
    const first = await send([a, b]);
    expect(first.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    const again = await send([a, b]);
    expect(again.body.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(again.body.results[1]!.customer).toEqual(first.body.results[1]!.customer);
    const c = await customer(first.body.results[0]!.customer!.id);
    expect(c.body.periodSpend).toBe(120000);
    expect(c.body.balance.available).toBe(a.totals.accruedPoints + b.totals.accruedPoints);
    const rows = await cloud.db.query<{ n: number }>(
      'SELECT COUNT(*)::int AS n FROM transactions WHERE id = ANY($1)',
      [[a.id, b.id]],
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('applies an agent batch in seq order whatever the order in the body, and answers in body order', async () => {
    const card = '2000000100032';
    const s1 = saleForNewCard(card, 100000);
    const s2 = saleForNewCard(card, 100000);
    // The return of s1 comes with a lower position but a higher seq than its sale.
    const ret = makeReturn(s1, ++seq);
    const res = await send([ret, s2, s1]);
    expect(res.body.results.map((r) => [r.id, r.status])).toEqual([
      [ret.id, 'accepted'],
      [s2.id, 'accepted'],
      [s1.id, 'accepted'],
    ]);
    const agent = await cloud.db.query<{ last_seq: number }>(
      'SELECT last_seq FROM agents WHERE agent_id = $1',
      [AGENT_1.agentId],
    );
    expect(agent[0]!.last_seq).toBe(ret.seq);
  });

  it('rejects malformed transactions and another store naming the field, keeping the rest of the batch', async () => {
    const good = saleForNewCard('2000000100049');
    const badQty = { ...saleForNewCard('2000000100049'), id: uid('bad') } as Tx;
    badQty.lines = [{ ...badQty.lines[0]!, qty: -1 }];
    const otherStore = { ...saleForNewCard('2000000100049'), storeId: 'store-2' };
    const res = await send([badQty, good, otherStore, { id: 'junk' }]);
    const [r0, r1, r2, r3] = res.body.results;
    expect(r0).toMatchObject({ id: badQty.id, status: 'rejected' });
    expect(r0!.reason).toMatch(/lines\/0\/qty/);
    expect(r1!.status).toBe('accepted');
    expect(r2).toMatchObject({ status: 'rejected' });
    expect(r2!.reason).toMatch(/storeId/);
    expect(r3).toMatchObject({ id: 'junk', status: 'rejected' });
    const stored = await cloud.db.query<{ id: string }>('SELECT id FROM transactions WHERE id = ANY($1)', [
      [badQty.id, otherStore.id],
    ]);
    expect(stored).toEqual([]);
  });

  it('refuses batches over 500 and bodies without transactions with 400 naming the field', async () => {
    const big = await send(Array.from({ length: 501 }, () => ({})));
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ error: { code: 'VALIDATION' } });
    const none = await cloud.request('POST', `/v1/agents/${AGENT_1.agentId}/transactions`, {
      key: AGENT_1.key,
      body: {},
    });
    expect(none.status).toBe(400);
    expect(none.body.error?.message).toMatch(/body\/transactions is required/);
  });

  it('takes a return only after its sale: retry first, then exactly reverses points and spend', async () => {
    const card = '2000000100056';
    const first = await send([saleForNewCard(card, 100000)]);
    const id = first.body.results[0]!.customer!.id;
    const before = await customer(id);
    // The sale, sold in store 2 and redeeming points, has not reached the cloud yet.
    const sale = makeSale({
      program: cloud.program,
      seq: 1000 + ++seq,
      at: AT,
      storeId: AGENT_2.storeId,
      customer: { id, card },
      snapshot: { id, periodSpend: before.body.periodSpend, balance: before.body.balance },
      lines: [line('CHEESE', 30000, 2), line('BREAD', 5000, 1)],
      redeem: { points: 20 },
    });
    expect(sale.totals.redeemedPoints).toBe(20);
    // The customer brings it back to store 1, which names the store that sold it.
    const ret: Tx = {
      ...makeReturn(sale, ++seq),
      storeId: AGENT_1.storeId,
      originalStoreId: AGENT_2.storeId,
    };
    const early = await send([ret]);
    expect(early.body.results[0]).toMatchObject({ status: 'retry', reason: 'sale not yet received' });

    const sold = await send([sale], AGENT_2.key, AGENT_2.agentId);
    expect(sold.body.results[0]!.status).toBe('accepted');
    const afterSale = await customer(id);
    expect(afterSale.body.balance.available).toBe(
      before.body.balance.available - 20 + sale.totals.accruedPoints,
    );

    const late = await send([ret]);
    expect(late.body.results[0]!.status).toBe('accepted');
    const after = await customer(id);
    expect(after.body.balance).toEqual(before.body.balance);
    expect(after.body.periodSpend).toBe(before.body.periodSpend);
    const kinds = after.body.history
      .filter((h) => h.receiptId === sale.receiptId)
      .map((h) => [h.kind, h.points]);
    expect(kinds).toEqual([
      ['redeemed', -20],
      ['earned', sale.totals.accruedPoints],
      ['returned', 20],
      ['reversed', -sale.totals.accruedPoints],
    ]);
    const diff = await cloud.db.query<{ recompute_diff: unknown }>(
      'SELECT recompute_diff FROM transactions WHERE id = $1',
      [ret.id],
    );
    expect(diff[0]!.recompute_diff).toBeNull();
  });

  it('lets earned points already spent drive the balance negative on return, and pays the debt from later points', async () => {
    const card = '2000000100063';
    const sale = saleForNewCard(card, 200000); // 60 points
    const r = await send([sale]);
    const id = r.body.results[0]!.customer!.id;
    const spend = makeSale({
      program: cloud.program,
      seq: ++seq,
      at: AT,
      customer: { id },
      snapshot: { id, periodSpend: 200000, balance: { available: 60, pending: 0 } },
      lines: [line('TEA', 20000)],
      redeem: { points: 60 },
    });
    expect(spend.totals.redeemedPoints).toBe(60);
    await send([spend]);
    const ret = await send([makeReturn(sale, ++seq)]);
    expect(ret.body.results[0]!.customer!.balance.available).toBe(-60 + spend.totals.accruedPoints);
    const next = saleForNewCard(card, 300000); // earns 90 at the base tier
    const paid = await send([next]);
    expect(paid.body.results[0]!.customer!.balance.available).toBe(-60 + spend.totals.accruedPoints + 90);
  });

  it('enrols with the bonus usable at once, and grants it only once per customer', async () => {
    const card = '2000000100070';
    const enrol: Tx = {
      ...saleForNewCard(card),
      kind: 'enrolment',
      lines: [],
      totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 150 },
    };
    const res = await send([enrol]);
    expect(res.body.results[0]).toMatchObject({
      status: 'accepted',
      customer: { balance: { available: 150, pending: 0 } },
    });
    const again = await send([{ ...enrol, id: uid('enrol'), seq: ++seq }]);
    expect(again.body.results[0]!.customer!.balance.available).toBe(150);
    const notes = await cloud.db.query<{ recompute_diff: { notes?: string[] } }>(
      'SELECT recompute_diff FROM transactions WHERE customer_id = $1 AND recompute_diff IS NOT NULL',
      [res.body.results[0]!.customer!.id],
    );
    expect(notes[0]!.recompute_diff.notes?.[0]).toMatch(/already granted/);
  });

  it('records a difference when the till reports numbers the engine does not give, and keeps the receipt', async () => {
    const tx = saleForNewCard('2000000100087', 100000);
    const tampered: Tx = {
      ...tx,
      lines: [{ ...tx.lines[0]!, accruedPoints: 500 }],
      totals: { ...tx.totals, accruedPoints: 500 },
    };
    const res = await send([tampered]);
    expect(res.body.results[0]!.status).toBe('accepted');
    // The receipt's own figure is booked (never silently replaced) — and the disagreement is shown.
    expect(res.body.results[0]!.customer!.balance.available).toBe(500);
    const rows = await cloud.db.query<{
      recompute_diff: { differences: { field: string; agent: number; cloud: number }[] };
    }>('SELECT recompute_diff FROM transactions WHERE id = $1', [tx.id]);
    expect(rows[0]!.recompute_diff.differences).toEqual(
      expect.arrayContaining([
        { field: `lines[${tx.lines[0]!.lineId}].accruedPoints`, agent: 500, cloud: 30 },
        { field: 'totals.accruedPoints', agent: 500, cloud: 30 },
      ]),
    );
    const page = await cloud.request<{ diffs: { id: string }[] }>('GET', '/central/api/overview');
    expect(page.body.diffs.map((d) => d.id)).toContain(tx.id);
  });

  it('records an unknown program version as a difference instead of rejecting the sale', async () => {
    const tx = { ...saleForNewCard('2000000100094'), programVersion: 'never-seen' };
    const res = await send([tx]);
    expect(res.body.results[0]!.status).toBe('accepted');
    const rows = await cloud.db.query<{ recompute_diff: { error?: string } }>(
      'SELECT recompute_diff FROM transactions WHERE id = $1',
      [tx.id],
    );
    expect(rows[0]!.recompute_diff.error).toMatch(/never-seen/);
  });

  it('spends a single-use coupon once; a second sale with it is kept and noted', async () => {
    await cloud.db.query(`INSERT INTO coupons (code, percent, single_use) VALUES ('ONE20', 20, true)`);
    const check = () =>
      cloud.request<{ coupons: { code: string; status: string; percent?: number }[] }>(
        'POST',
        '/v1/coupons/check',
        {
          key: AGENT_1.key,
          body: { codes: ['one20', 'NOPE'] },
        },
      );
    expect((await check()).body.coupons).toEqual([
      { code: 'one20', status: 'valid', percent: 20 },
      { code: 'NOPE', status: 'unknown' },
    ]);
    const coupon = { code: 'ONE20', status: 'valid' as const, percent: 20 };
    const a = saleForNewCard('2000000100100', 100000, { coupons: [coupon] });
    expect(a.coupons).toEqual([{ code: 'ONE20', status: 'applied' }]);
    expect(a.totals.discount).toBe(20000);
    await send([a]);
    expect((await check()).body.coupons[0]!.status).toBe('used');
    const b = saleForNewCard('2000000100117', 100000, { coupons: [coupon] });
    const res = await send([b]);
    expect(res.body.results[0]!.status).toBe('accepted');
    const rows = await cloud.db.query<{ recompute_diff: { notes?: string[] } }>(
      'SELECT recompute_diff FROM transactions WHERE id = $1',
      [b.id],
    );
    expect(rows[0]!.recompute_diff.notes).toContain('coupon ONE20 had already been used');
  });
});
