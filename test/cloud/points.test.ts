import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, startTestCloud, type TestCloud, testProgram } from './harness.js';
import { line, makeReturn, makeSale, uid } from './tx-builder.js';

type Results = { results: TxResult[] };
type Balance = { available: number; pending: number };

const DAY = 86_400_000;
let cloud: TestCloud;
let seq = 0;

beforeAll(async () => {
  // Points wait a week before they can be spent and last 30 days after that.
  cloud = await startTestCloud({
    program: testProgram({
      version: 'lots-1',
      accrual: { pendingDays: 7, expiryDays: 30, onRedeemedPart: false },
    }),
  });
});
afterAll(async () => {
  await cloud.close();
});

const send = (txs: Tx[]) =>
  cloud.request<Results>('POST', `/v1/agents/${AGENT_1.agentId}/transactions`, {
    key: AGENT_1.key,
    body: { transactions: txs },
  });

const balance = async (id: string): Promise<Balance> =>
  (await cloud.request<{ balance: Balance }>('GET', `/v1/customers/${id}`)).body.balance;

/** A customer with the 150-point enrolment bonus, available at once. */
async function enrolled(card: string): Promise<string> {
  const tx: Tx = {
    id: uid('enrol'),
    seq: ++seq,
    kind: 'enrolment',
    storeId: AGENT_1.storeId,
    tillId: 'till-1',
    at: cloud.now().toISOString(),
    offline: false,
    programVersion: 'lots-1',
    receiptId: uid('r'),
    customer: { card },
    lines: [],
    totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 150 },
  };
  const res = await send([tx]);
  return res.body.results[0]!.customer!.id;
}

function sale(id: string, b: Balance, price: number, redeem?: number, holdId?: string): Tx {
  return makeSale({
    program: cloud.program,
    seq: ++seq,
    at: cloud.now().toISOString(),
    customer: { id },
    snapshot: { id, periodSpend: 0, balance: b },
    lines: [line('GOODS', price)],
    ...(redeem ? { redeem: { points: redeem } } : {}),
    ...(holdId ? { holdId } : {}),
  });
}

const hold = (body: Record<string, unknown>) =>
  cloud.request('POST', '/v1/holds', { key: AGENT_1.key, body });

describe('point lots and holds', () => {
  it('holds: 409 INSUFFICIENT_POINTS beyond the free balance, release and TTL free the points', async () => {
    const id = await enrolled('2000000200017');
    const base = { customerId: id, receiptId: 'r-h', ttlSec: 60 };
    expect((await hold({ ...base, holdId: 'h1', points: 100 })).status).toBe(200);
    const refused = await hold({ ...base, holdId: 'h2', points: 100 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'INSUFFICIENT_POINTS', details: ['available 50'] });
    expect((await hold({ ...base, holdId: 'h3', points: 50 })).status).toBe(200);

    const released = await cloud.request('DELETE', '/v1/holds/h1', { key: AGENT_1.key });
    expect(released.body).toEqual({ holdId: 'h1', released: true });
    expect((await hold({ ...base, holdId: 'h2', points: 100 })).status).toBe(200);

    // After their TTL the holds no longer count.
    cloud.advance(61_000);
    expect((await hold({ ...base, holdId: 'h4', points: 150 })).status).toBe(200);
    expect((await hold({ ...base, holdId: 'h5', points: 1, customerId: 'nobody' })).status).toBe(404);
    const bad = await hold({ ...base, holdId: 'h6', points: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/body\/points/);
  });

  it('a sale captures its hold and spends exactly the redeemed points', async () => {
    const id = await enrolled('2000000200024');
    const placed = await hold({
      holdId: 'cap-1',
      customerId: id,
      points: 40,
      receiptId: 'r-cap',
      ttlSec: 120,
    });
    expect(placed.status).toBe(200);
    const tx = sale(id, { available: 150, pending: 0 }, 100000, 40, 'cap-1');
    expect(tx.totals.redeemedPoints).toBe(40);
    const res = await send([tx]);
    expect(res.body.results[0]!.customer!.balance).toEqual({
      available: 110,
      pending: tx.totals.accruedPoints,
    });
    const rows = await cloud.db.query<{ state: string; captured_by_tx: string }>(
      'SELECT state, captured_by_tx FROM holds WHERE hold_id = $1',
      ['cap-1'],
    );
    expect(rows[0]).toEqual({ state: 'captured', captured_by_tx: tx.id });
    // A captured hold cannot be released any more, and no longer blocks the balance.
    expect((await cloud.request('DELETE', '/v1/holds/cap-1', { key: AGENT_1.key })).body).toMatchObject({
      released: false,
    });
    expect(
      (await hold({ holdId: 'cap-2', customerId: id, points: 110, receiptId: 'r2', ttlSec: 60 })).status,
    ).toBe(200);
  });

  it('earned points are pending for pendingDays, then available; redemption takes the soonest-expiring lot first; lots expire', async () => {
    const id = await enrolled('2000000200031'); // 150, expires in 30 days
    cloud.advance(5 * DAY);
    const earn = sale(id, { available: 150, pending: 0 }, 200000); // 60 points, pending 7 days
    expect(earn.totals.accruedPoints).toBe(60);
    await send([earn]);
    expect(await balance(id)).toEqual({ available: 150, pending: 60 });

    cloud.advance(7 * DAY + 1000);
    expect(await balance(id)).toEqual({ available: 210, pending: 0 });

    const spend = sale(id, { available: 210, pending: 0 }, 40000, 100);
    expect(spend.totals.redeemedPoints).toBe(100);
    await send([spend]);
    const lots = await cloud.db.query<{ kind: string; remaining: number }>(
      `SELECT kind, remaining FROM point_lots WHERE customer_id = $1 AND kind IN ('bonus', 'earned') ORDER BY id`,
      [id],
    );
    // The bonus (expires day 30) paid before the purchase lot (expires day 42).
    expect(lots.slice(0, 2)).toEqual([
      { kind: 'bonus', remaining: 50 },
      { kind: 'earned', remaining: 60 },
    ]);
    const afterSpend = await balance(id);
    expect(afterSpend.available).toBe(110);

    cloud.advance(19 * DAY); // day 31: the bonus lot has expired
    expect((await balance(id)).available).toBe(60 + spend.totals.accruedPoints);
  });

  it('a return takes back the points its sale earned even while they are still pending', async () => {
    const id = await enrolled('2000000200048');
    const s = sale(id, { available: 150, pending: 0 }, 100000);
    await send([s]);
    expect(await balance(id)).toEqual({ available: 150, pending: 30 });
    const res = await send([makeReturn(s, ++seq)]);
    expect(res.body.results[0]!.customer!.balance).toEqual({ available: 150, pending: 0 });
  });
});
