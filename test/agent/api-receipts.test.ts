// The till API over real HTTP: the worked example end to end, confirm durability and idempotency,
// cancel, returns, and every error path of POS-API.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  card,
  SUNDAY,
  silverCustomer,
  startTestAgent,
  type TestAgent,
  workedLines,
} from '../helpers/agent-harness.js';

const SILVER = card(1001);
let t: TestAgent;

beforeAll(async () => {
  t = await startTestAgent();
  await t.agent.store.cache.apply([silverCustomer('c-silver', SILVER)]);
});
afterAll(() => t.close());

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

describe('calculate and confirm', () => {
  it('computes the MECHANICS worked example exactly through the API', async () => {
    const res = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-worked',
      customer: { card: SILVER },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.status).toBe('calculated');
    expect(b.offline).toBe(true); // no cloud configured
    expect(b.totals).toEqual({
      amount: 107575,
      discount: 4304,
      redeemedPoints: 300,
      redeemedAmount: 30000,
      toPay: 73271,
      accruedPoints: 77,
    });
    const byId = Object.fromEntries(b.lines.map((l: Body) => [l.lineId, l]));
    expect(byId.A).toMatchObject({ amount: 26970, discount: 1349, redeemed: 9400, paid: 16221 });
    expect(byId.B).toMatchObject({ amount: 21500, discount: 0, redeemed: 0, paid: 21500, accruedPoints: 0 });
    expect(byId.C).toMatchObject({ amount: 59105, discount: 2955, redeemed: 20600, paid: 35550 });
    expect(byId.A.fiscalPositions).toEqual([{ qty: 3, price: 5407, amount: 16221 }]);
    expect(byId.C.fiscalPositions).toEqual([{ qty: 0.455, price: 78132, amount: 35550 }]);
    expect(b.customer).toMatchObject({ id: 'c-silver', displayName: 'Анна К.', cardLast4: SILVER.slice(-4) });
    expect(b.customer.tier.id).toBe('silver');
    expect(b.customer.nextTier).toEqual({ id: 'gold', name: 'Золото', remaining: 400000 });
    // Progress counts this purchase as the cloud counts spend: 4 000,00 ₽ − (1 075,75 − 43,04) = 2 967,29 ₽.
    expect(b.messages).toContain('До уровня «Золото» осталось 2 967,29 ₽');
    // 300 spent, 77 earned and available at once (pendingDays 0).
    expect(b.messages).toContain('Баланс после покупки: 77 баллов');
  });

  it('confirms durably, answers the same 200 again, and queues one sale transaction', async () => {
    const first = await t.call<Body>('POST', '/v1/receipts/r-worked/confirm', {
      payments: [{ type: 'card', amount: 73271 }],
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      receiptId: 'r-worked',
      status: 'confirmed',
      totals: { toPay: 73271 },
    });
    // 300 spent, 77 earned at once (pendingDays 0)
    expect(first.body.balance).toEqual({ available: 77, pending: 0 });
    const again = await t.call<Body>('POST', '/v1/receipts/r-worked/confirm', {});
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const sales = t.agent.store.journal.byReceipt('r-worked').filter((e) => e.tx.kind === 'sale');
    expect(sales).toHaveLength(1);
    expect(sales[0]!.tx).toMatchObject({
      storeId: 'store-1',
      tillId: 'till-1',
      offline: true,
      customer: { id: 'c-silver' },
    });
    const read = await t.call<Body>('GET', '/v1/receipts/r-worked');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'confirmed', synced: false, totals: { toPay: 73271 } });
    const status = await t.call<Body>('GET', '/v1/status');
    expect(status.body.queue.pending).toBe(1);
    expect(status.body.cloud.state).toBe('unconfigured');
  });

  it('does not spend the same points twice offline: the balance includes the unsynced sale', async () => {
    const res = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-second',
      customer: { card: SILVER },
      at: SUNDAY,
      lines: workedLines,
      redeem: { max: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.customer.balance.available).toBe(77);
    // offlineMaxPoints 300 were already used by r-worked since the last sync
    expect(res.body.totals.redeemedPoints).toBe(0);
  });

  it('recalculating the same receipt replaces the calculation; a confirmed one is refused', async () => {
    const a = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-re',
      lines: [workedLines[0]],
    });
    expect(a.body.totals.amount).toBe(26970);
    const b = await t.call<Body>('POST', '/v1/receipts/calculate', { receiptId: 'r-re', lines: workedLines });
    expect(b.body.totals.amount).toBe(107575);
    expect((await t.call('POST', '/v1/receipts/r-re/confirm')).status).toBe(200);
    const c = await t.call<Body>('POST', '/v1/receipts/calculate', { receiptId: 'r-re', lines: workedLines });
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe('RECEIPT_CONFIRMED');
  });

  it('cancel is idempotent; a cancelled receipt cannot be confirmed; a confirmed one cannot be cancelled', async () => {
    await t.call('POST', '/v1/receipts/calculate', { receiptId: 'r-cancel', lines: workedLines });
    const c1 = await t.call<Body>('POST', '/v1/receipts/r-cancel/cancel');
    const c2 = await t.call<Body>('POST', '/v1/receipts/r-cancel/cancel');
    expect([c1.status, c2.status]).toEqual([200, 200]);
    expect(c1.body.status).toBe('cancelled');
    const confirm = await t.call<Body>('POST', '/v1/receipts/r-cancel/confirm');
    expect(confirm.status).toBe(409);
    expect(t.agent.store.journal.byReceipt('r-cancel')).toHaveLength(0);
    const cancelConfirmed = await t.call<Body>('POST', '/v1/receipts/r-worked/cancel');
    expect(cancelConfirmed.status).toBe(409);
    expect((await t.call<Body>('GET', '/v1/receipts/r-cancel')).body.status).toBe('cancelled');
  });

  it('an unknown receipt is 404 for confirm, cancel and read', async () => {
    for (const [m, u] of [
      ['POST', '/v1/receipts/nope/confirm'],
      ['POST', '/v1/receipts/nope/cancel'],
      ['GET', '/v1/receipts/nope'],
    ] as const) {
      const r = await t.call<Body>(m, u);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('RECEIPT_NOT_FOUND');
    }
  });

  it('another till cannot confirm this till’s receipt', async () => {
    await t.call('POST', '/v1/receipts/calculate', { receiptId: 'r-mine', lines: workedLines });
    const r = await t.call<Body>('POST', '/v1/receipts/r-mine/confirm', {}, 'secret-till-2');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('RECEIPT_OTHER_TILL');
  });
});

describe('returns', () => {
  it('partial returns then the rest sum exactly to the sale; more than sold is 409; returnId is idempotent', async () => {
    const r1 = await t.call<Body>('POST', '/v1/returns', {
      returnId: 'ret-1',
      receiptId: 'r-worked',
      lines: [{ lineId: 'A', qty: 1 }],
    });
    expect(r1.status).toBe(200);
    expect(r1.body.lines).toEqual([
      { lineId: 'A', qty: 1, paid: 5407, redeemed: 3133, accruedPoints: expect.any(Number) },
    ]);
    const again = await t.call<Body>('POST', '/v1/returns', {
      returnId: 'ret-1',
      receiptId: 'r-worked',
      lines: [{ lineId: 'A', qty: 1 }],
    });
    expect(again.body).toEqual(r1.body);
    const tooMuch = await t.call<Body>('POST', '/v1/returns', {
      returnId: 'ret-x',
      receiptId: 'r-worked',
      lines: [{ lineId: 'A', qty: 3 }],
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.code).toBe('RETURN_EXCEEDS_SALE');
    const rest = await t.call<Body>('POST', '/v1/returns', { returnId: 'ret-2', receiptId: 'r-worked' });
    expect(rest.status).toBe(200);
    const total = (k: 'amount' | 'pointsReturned' | 'pointsReversed') =>
      r1.body.refund[k] + rest.body.refund[k];
    expect(total('amount')).toBe(73271);
    expect(total('pointsReturned')).toBe(300);
    expect(total('pointsReversed')).toBe(77);
    const none = await t.call<Body>('POST', '/v1/returns', { returnId: 'ret-3', receiptId: 'r-worked' });
    expect(none.status).toBe(409);
    const returns = t.agent.store.journal.byReceipt('r-worked').filter((e) => e.tx.kind === 'return');
    expect(returns).toHaveLength(2);
    expect(returns[0]!.tx.refund).toEqual(r1.body.refund);
  });

  it('a return of an unknown receipt is 404', async () => {
    const r = await t.call<Body>('POST', '/v1/returns', { returnId: 'ret-u', receiptId: 'unknown' });
    expect(r.status).toBe(404);
  });
});

describe('identify', () => {
  it('finds a cached customer by card, masks the data, and says where it came from', async () => {
    const r = await t.call<Body>('POST', '/v1/identify', { card: SILVER });
    expect(r.status).toBe(200);
    expect(r.body.source).toBe('cache');
    expect(r.body.customer).toMatchObject({
      id: 'c-silver',
      cardLast4: SILVER.slice(-4),
      redeemNeedsCode: false,
    });
  });

  it('accepts a magnetic stripe track 2 of the same card', async () => {
    const r = await t.call<Body>('POST', '/v1/identify', { card: `;${SILVER}=2912101?` });
    expect(r.status).toBe(200);
    expect(r.body.customer.id).toBe('c-silver');
  });

  it('answers 404 for a valid unknown card, 400 for a bad check digit, a bad phone, a forged QR', async () => {
    const unknown = await t.call<Body>('POST', '/v1/identify', { card: card(9999) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CUSTOMER_NOT_FOUND');
    const bad = SILVER.slice(0, 12) + String((Number(SILVER[12]) + 1) % 10);
    expect((await t.call<Body>('POST', '/v1/identify', { card: bad })).body.error.code).toBe('CARD_INVALID');
    expect((await t.call<Body>('POST', '/v1/identify', { card: '4000000000006' })).body.error.code).toBe(
      'CARD_INVALID',
    );
    const phone = await t.call<Body>('POST', '/v1/identify', { phone: '12345' });
    expect(phone.status).toBe(400);
    expect(phone.body.error.code).toBe('PHONE_INVALID');
    const qr = await t.call<Body>('POST', '/v1/identify', { qr: 'LQ1.e30.AAAA' });
    expect(qr.status).toBe(400);
    expect(qr.body.error.code).toBe('QR_INVALID');
  });

  it('refuses a body with two identifiers or none', async () => {
    expect((await t.call('POST', '/v1/identify', { card: SILVER, phone: '+79123456789' })).status).toBe(400);
    expect((await t.call('POST', '/v1/identify', {})).status).toBe(400);
  });
});

describe('bad input changes nothing', () => {
  it('names the field: lines/0/qty: должно быть > 0', async () => {
    const before = t.agent.store.journal.stats(Date.now()).total;
    const r = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-bad',
      lines: [{ ...workedLines[0], qty: 0 }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_REQUEST');
    expect(r.body.error.message).toContain('lines/0/qty: должно быть > 0');
    expect(t.agent.store.openReceipts.get('r-bad')).toBeUndefined();
    expect(t.agent.store.journal.stats(Date.now()).total).toBe(before);
  });

  it.each([
    [{ lines: workedLines }, 'receiptId: обязательное поле'],
    [{ receiptId: 'x', lines: [] }, 'lines: должно содержать не меньше 1 элем.'],
    [{ receiptId: 'x', lines: [{ ...workedLines[0], price: -1 }] }, 'lines/0/price: должно быть >= 0'],
    [
      { receiptId: 'x', lines: [{ ...workedLines[0], price: 1.5 }] },
      'lines/0/price: должно быть целым числом',
    ],
    [{ receiptId: 'x', lines: workedLines, extra: 1 }, 'extra: лишнее поле'],
    [{ receiptId: 'x'.repeat(65), lines: workedLines }, 'receiptId: должно быть не длиннее 64 символ.'],
  ])('refuses %j', async (body, message) => {
    const r = await t.call<Body>('POST', '/v1/receipts/calculate', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
  });

  it('refuses a quantity with 4 decimals and duplicate line ids with the engine’s message', async () => {
    const q = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-q',
      lines: [{ ...workedLines[2], qty: 0.4555 }],
    });
    expect(q.status).toBe(400);
    expect(q.body.error.message).toMatch(/qty/);
    const dup = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'r-d',
      lines: [workedLines[0], workedLines[0]],
    });
    expect(dup.status).toBe(400);
  });

  it('answers 400 for malformed JSON and 413 for a huge body', async () => {
    const r = await t.call<Body>('POST', '/v1/receipts/calculate', '{"receiptId":');
    expect(r.status).toBe(400);
    expect(r.body.error).toBeDefined();
    const huge = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'h',
      pad: 'x'.repeat(2_000_000),
    });
    expect(huge.status).toBe(413);
  });
});

describe('access and operations', () => {
  it('every /v1 route wants a valid token', async () => {
    for (const token of [null, 'wrong-token', '']) {
      const r = await t.call<Body>(
        'POST',
        '/v1/receipts/calculate',
        { receiptId: 'a', lines: workedLines },
        token,
      );
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
    expect((await t.call('GET', '/v1/status', undefined, null)).status).toBe(401);
  });

  it('health, readiness, metrics and the OpenAPI document need no token', async () => {
    expect((await t.call('GET', '/healthz', undefined, null)).status).toBe(200);
    expect((await t.call('GET', '/readyz', undefined, null)).status).toBe(200);
    const metrics = await t.call<string>('GET', '/metrics', undefined, null);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('loyalty_agent_queue_pending');
    expect(metrics.body).toContain('loyalty_agent_http_request_duration_seconds_bucket');
    const api = await t.call<Body>('GET', '/openapi.json', undefined, null);
    expect(api.status).toBe(200);
    expect(Object.keys(api.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/identify',
        '/v1/receipts/calculate',
        '/v1/receipts/{receiptId}/confirm',
        '/v1/returns',
        '/v1/status',
      ]),
    );
  });

  it('POST /v1/sync answers 202 and the queue can be listed', async () => {
    expect((await t.call('POST', '/v1/sync')).status).toBe(202);
    const q = await t.call<Body>('GET', '/v1/queue?state=pending&limit=10');
    expect(q.status).toBe(200);
    expect(q.body.entries.length).toBeGreaterThan(0);
    expect(q.body.entries[0]).toMatchObject({ kind: 'sale', state: 'pending' });
  });

  it('an unknown route answers the error shape', async () => {
    const r = await t.call<Body>('GET', '/v1/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });

  it('the logs never carry a full phone or card number', async () => {
    await t.call('POST', '/v1/identify', { phone: '+7 912 345-67-89' });
    await t.call('POST', '/v1/receipts/calculate', {
      receiptId: 'r-log',
      customer: { phone: '8 (912) 345-67-89' },
      lines: workedLines,
    });
    await t.call('POST', '/v1/identify', { card: SILVER });
    const text = t.logs.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('9123456789');
    expect(text).not.toContain('345-67-89');
    expect(text).not.toContain(SILVER);
  });

  it('logs one access line per request, at debug, with the route pattern', async () => {
    const res = await t.call('POST', '/v1/receipts/r-access/cancel');
    // The agent's own time rides along as W3C Server-Timing (what the benchmark reads).
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d{3}$/);
    const access = t.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['msg'] === 'request');
    expect(access.at(-1)).toMatchObject({
      level: 20,
      method: 'POST',
      route: '/v1/receipts/:receiptId/cancel',
    });
    expect(t.logs.join('\n')).not.toContain('r-access');
    expect(t.logs.some((l) => l.includes('incoming request'))).toBe(false);
  });
});
