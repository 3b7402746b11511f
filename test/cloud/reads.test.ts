import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyQrToken } from '../../src/domain/index.js';
import type { CachedCustomer, CustomersPage, QrKey, Tx, TxResult } from '../../src/protocol/sync.js';
import { ADMIN, AGENT_1, AGENT_2, startTestCloud, type TestCloud } from './harness.js';
import { line, makeReturn, makeSale, UNKNOWN, uid } from './tx-builder.js';

type Results = { results: TxResult[] };
let cloud: TestCloud;
let seq = 0;
const AT = '2026-11-16T12:00:00+03:00';

beforeAll(async () => {
  cloud = await startTestCloud();
  await cloud.db.query(
    `INSERT INTO customers (id, name, phone, birthday, created_at, updated_at, change_seq)
     VALUES ('anna', 'Анна Ковалёва', '+79123456789', '11-17', $1, $1, nextval('customer_change_seq'))`,
    [new Date('2026-01-10T10:00:00Z')],
  );
  await cloud.db.query(`INSERT INTO cards (card, customer_id) VALUES ('2000000300014', 'anna')`);
});
afterAll(async () => {
  await cloud.close();
});

const send = (txs: Tx[], agent = AGENT_1) =>
  cloud.request<Results>('POST', `/v1/agents/${agent.agentId}/transactions`, {
    key: agent.key,
    body: { transactions: txs },
  });

function sale(card: string, price: number, at = AT, storeId = AGENT_1.storeId): Tx {
  return makeSale({
    program: cloud.program,
    seq: ++seq,
    at,
    storeId,
    customer: { card },
    snapshot: UNKNOWN,
    redeemAllowed: false,
    lines: [line('X', price)],
  });
}

describe('auth', () => {
  it('401 without or with a wrong key, 403 for another agent or an agent on admin reads', async () => {
    const path = `/v1/agents/${AGENT_1.agentId}/program`;
    expect((await cloud.request('GET', path, { key: null })).status).toBe(401);
    const wrong = await cloud.request('GET', path, { key: 'not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('UNAUTHORIZED');
    const other = await cloud.request('GET', path, { key: AGENT_2.key });
    expect(other.status).toBe(403);
    expect(other.body.error?.code).toBe('FORBIDDEN');
    expect((await cloud.request('GET', path, { key: ADMIN })).status).toBe(403);
    expect((await cloud.request('GET', '/v1/receipts', { key: AGENT_1.key })).status).toBe(403);
    expect((await cloud.request('GET', '/central/api/overview', { key: AGENT_1.key })).status).toBe(403);
    expect(
      (await cloud.request('POST', '/v1/identify', { key: null, body: { card: '2000000300014' } })).status,
    ).toBe(401);
    // Look-ups accept both agent keys and admin tokens.
    expect(
      (await cloud.request('POST', '/v1/identify', { key: AGENT_2.key, body: { card: '2000000300014' } }))
        .status,
    ).toBe(200);
    expect(
      (await cloud.request('POST', '/v1/identify', { key: ADMIN, body: { card: '2000000300014' } })).status,
    ).toBe(200);
    expect((await cloud.request('GET', `/central/api/overview?token=${ADMIN}`, { key: null })).status).toBe(
      200,
    );
  });
});

describe('agent reads', () => {
  it('identify by card, phone in any form or QR; masked name, phone hash; 404 unknown; 400 bad phone', async () => {
    const byCard = await cloud.request<{ customer: CachedCustomer }>('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { card: '2000000300014' },
    });
    const c = byCard.body.customer;
    expect(c).toMatchObject({
      id: 'anna',
      cards: ['2000000300014'],
      displayName: 'Анна К.',
      tierId: 'standard',
      birthday: '11-17',
    });
    expect(c.birthdayBonusUsed).toBe(false);
    expect(c.phoneHash).toBe(createHash('sha256').update('test-salt+79123456789').digest('hex'));
    const byPhone = await cloud.request<{ customer: CachedCustomer }>('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { phone: '8 (912) 345-67-89' },
    });
    expect(byPhone.body.customer.id).toBe('anna');
    expect(
      (await cloud.request('POST', '/v1/identify', { key: AGENT_1.key, body: { card: '2999999999999' } }))
        .status,
    ).toBe(404);
    const badPhone = await cloud.request('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { phone: '12345' },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error?.code).toBe('PHONE_INVALID');
    const two = await cloud.request('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { card: '2000000300014', phone: '+79123456789' },
    });
    expect(two.status).toBe(400);
  });

  it('program with phoneSalt and qrKeys; ETag and If-None-Match → 304', async () => {
    const path = `/v1/agents/${AGENT_1.agentId}/program`;
    const first = await cloud.request<{ version: string; phoneSalt: string; qrKeys: QrKey[] }>('GET', path, {
      key: AGENT_1.key,
    });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe('test-1');
    expect(first.body.phoneSalt).toBe('test-salt');
    expect(first.body.qrKeys).toHaveLength(1);
    expect(Buffer.from(first.body.qrKeys[0]!.publicKey, 'base64')).toHaveLength(32);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await cloud.request('GET', path, { key: AGENT_1.key, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const stale = await cloud.request('GET', path, {
      key: AGENT_1.key,
      headers: { 'if-none-match': '"old"' },
    });
    expect(stale.status).toBe(200);
  });

  it('the change feed pages by cursor, oldest first, and hands a changed customer out again', async () => {
    for (let i = 0; i < 5; i++) await send([sale(`20000003100${i}0`, 10000)]);
    const all: CachedCustomer[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const q = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await cloud.request<CustomersPage>('GET', `/v1/agents/${AGENT_1.agentId}/customers${q}`, {
        key: AGENT_1.key,
      });
      expect(page.status).toBe(200);
      expect(page.body.customers.length).toBeLessThanOrEqual(2);
      all.push(...page.body.customers);
      cursor = page.body.cursor;
      pages++;
      if (!page.body.more) break;
    }
    expect(pages).toBe(3);
    expect(all.map((c) => c.id)[0]).toBe('anna');
    expect(new Set(all.map((c) => c.id)).size).toBe(6);
    const empty = await cloud.request<CustomersPage>(
      'GET',
      `/v1/agents/${AGENT_1.agentId}/customers?cursor=${cursor}`,
      {
        key: AGENT_1.key,
      },
    );
    expect(empty.body).toEqual({ customers: [], cursor, more: false });
    // A new sale for Anna moves her to the end of the feed with her new balance.
    await send([{ ...sale('2000000300014', 100000), customer: { card: '2000000300014' } }]);
    const changed = await cloud.request<CustomersPage>(
      'GET',
      `/v1/agents/${AGENT_1.agentId}/customers?cursor=${cursor}`,
      {
        key: AGENT_1.key,
      },
    );
    expect(changed.body.customers.map((c) => [c.id, c.balance.available])).toEqual([['anna', 30]]);
    const bad = await cloud.request('GET', `/v1/agents/${AGENT_1.agentId}/customers?cursor=abc`, {
      key: AGENT_1.key,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/querystring\/cursor/);
  });

  it('one-time codes: 202, the TEST gateway keeps the code, verify 200 for it and 403 otherwise, lock after 5 misses', async () => {
    const req = { customerId: 'anna', receiptId: 'r-code' };
    const sent = await cloud.request('POST', '/v1/codes', { key: AGENT_1.key, body: req });
    expect(sent.status).toBe(202);
    const code = cloud.sms.sent()[0]!.code;
    expect(code).toMatch(/^\d{6}$/);
    expect(cloud.sms.sent()[0]!.phone).toBe('********6789');
    const wrong = code === '000000' ? '111111' : '000000';
    const verify = (c: string, receiptId = 'r-code') =>
      cloud.request('POST', '/v1/codes/verify', {
        key: AGENT_1.key,
        body: { customerId: 'anna', receiptId, code: c },
      });
    expect((await verify(wrong)).status).toBe(403);
    expect((await verify(code, 'r-other')).status).toBe(403);
    expect((await verify(code)).status).toBe(200);
    for (let i = 0; i < 5; i++) await verify(wrong);
    expect((await verify(code)).status).toBe(403);
    // A fresh code for another receipt works, and expires after 5 minutes.
    await cloud.request('POST', '/v1/codes', {
      key: AGENT_1.key,
      body: { customerId: 'anna', receiptId: 'r-late' },
    });
    cloud.advance(5 * 60_000 + 1);
    expect((await verify(cloud.sms.sent()[0]!.code, 'r-late')).status).toBe(403);
    expect(
      (
        await cloud.request('POST', '/v1/codes', {
          key: AGENT_1.key,
          body: { customerId: 'ghost', receiptId: 'x' },
        })
      ).status,
    ).toBe(404);
  });

  it('a QR token issued by the central office verifies with the published key and identifies the customer', async () => {
    const issued = await cloud.request<{ token: string; expiresAt: string }>(
      'POST',
      '/v1/customers/anna/qr',
      {
        body: { ttlSec: 120 },
      },
    );
    expect(issued.status).toBe(200);
    expect(issued.body.token).toMatch(/^LQ1\./);
    const program = await cloud.request<{ qrKeys: QrKey[] }>('GET', `/v1/agents/${AGENT_1.agentId}/program`, {
      key: AGENT_1.key,
    });
    const claims = verifyQrToken(issued.body.token, program.body.qrKeys, cloud.now().getTime());
    expect(claims.customerId).toBe('anna');
    const who = await cloud.request<{ customer: CachedCustomer }>('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { qr: issued.body.token },
    });
    expect(who.body.customer.id).toBe('anna');
    expect(
      (await cloud.request('POST', '/v1/customers/anna/qr', { key: AGENT_1.key, body: {} })).status,
    ).toBe(403);
    cloud.advance(121_000);
    const expired = await cloud.request('POST', '/v1/identify', {
      key: AGENT_1.key,
      body: { qr: issued.body.token },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error?.code).toBe('QR_INVALID');
  });

  it('heartbeat is stored and shown in the fleet view; a bad body names the field', async () => {
    const hb = {
      version: '0.1.0',
      queue: { pending: 3, oldestAgeSec: 12, deadLetter: 1 },
      register: { state: 'ready' },
    };
    const ok = await cloud.request('POST', `/v1/agents/${AGENT_2.agentId}/heartbeat`, {
      key: AGENT_2.key,
      body: hb,
    });
    expect(ok.status).toBe(200);
    const view = await cloud.request<{
      agents: { agentId: string; queue: unknown; lastHeartbeatAt: string | null }[];
    }>('GET', '/central/api/overview');
    const agent = view.body.agents.find((a) => a.agentId === AGENT_2.agentId)!;
    expect(agent.queue).toEqual(hb.queue);
    expect(agent.lastHeartbeatAt).toBe(cloud.now().toISOString());
    const bad = await cloud.request('POST', `/v1/agents/${AGENT_2.agentId}/heartbeat`, {
      key: AGENT_2.key,
      body: { version: '1', queue: { pending: -1, oldestAgeSec: 0, deadLetter: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/body\/queue\/pending/);
  });

  it('serves the central page with Russian labels', async () => {
    const res = await fetch(`${cloud.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Чеки по мере поступления');
    expect(html).toContain('Расхождения пересчёта');
  });
});

describe('central office reads', () => {
  it('receipts filtered by store and time, paged; customer with history; KPI numbers', async () => {
    const day = '2026-11-20';
    const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00:00+03:00`;
    const a1 = sale('2000000320015', 100000, at(10));
    const a2 = sale('2000000320015', 300000, at(11));
    const b1 = sale('2000000320022', 200000, at(12), AGENT_2.storeId);
    const anon = makeSale({
      program: cloud.program,
      seq: ++seq,
      at: at(13),
      customer: {},
      snapshot: null,
      lines: [line('Y', 50000)],
    });
    await send([a1, a2, anon]);
    await send([b1], AGENT_2);
    const ret = makeReturn(a2, ++seq);
    await send([{ ...ret, at: at(15) }]);
    // Outside the day: must not count, nor its new customer.
    await send([sale('2000000320039', 999900, '2026-11-21T00:00:01+03:00')]);

    const page1 = await cloud.request<{
      receipts: { id: string; kind: string; storeId: string; customerId?: string }[];
      cursor: string;
      more: boolean;
    }>('GET', `/v1/receipts?from=${day}&to=${day}&limit=3`);
    expect(page1.status).toBe(200);
    expect(page1.body.receipts.map((r) => r.id)).toEqual([a1.id, a2.id, anon.id]);
    expect(page1.body.more).toBe(true);
    const page2 = await cloud.request<{ receipts: { id: string }[]; more: boolean }>(
      'GET',
      `/v1/receipts?from=${day}&to=${day}&limit=3&cursor=${page1.body.cursor}`,
    );
    expect(page2.body.receipts.map((r) => r.id)).toEqual([b1.id, ret.id]);
    expect(page2.body.more).toBe(false);
    const store2 = await cloud.request<{ receipts: { id: string }[] }>(
      'GET',
      `/v1/receipts?storeId=store-2&from=${day}&to=${day}`,
    );
    expect(store2.body.receipts.map((r) => r.id)).toEqual([b1.id]);
    expect((await cloud.request('GET', '/v1/receipts?from=yesterday')).status).toBe(400);

    const kpi = await cloud.request<Record<string, number>>('GET', `/v1/reports/kpi?from=${day}&to=${day}`);
    expect(kpi.status).toBe(200);
    // Sales: 1 000 + 3 000 + 500 (anonymous) + 2 000 ₽ = 6 500 ₽ over 4 receipts → 1 625 ₽.
    expect(kpi.body).toMatchObject({
      receipts: 4,
      averageReceipt: 162500,
      // Identified buyers: the first card twice, the second once.
      purchaseFrequency: 1.5,
      repeatRate: 0.5,
      pointsEarned: 30 + 90 + 60,
      pointsSpent: 0,
    });
    const members = await cloud.db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM customers');
    expect(kpi.body.members).toBe(members[0]!.n - 1); // the next-day customer joined after the window
    expect(kpi.body.newMembers).toBe(2);
    const badRange = await cloud.request('GET', `/v1/reports/kpi?from=${day}&to=2026-11-01`);
    expect(badRange.status).toBe(400);
    const missing = await cloud.request('GET', `/v1/reports/kpi?from=${day}`);
    expect(missing.body.error?.message).toMatch(/querystring\/to is required/);

    const results = await cloud.request<{ results: TxResult[] }>(
      'POST',
      `/v1/agents/${AGENT_1.agentId}/transactions`,
      {
        key: AGENT_1.key,
        body: { transactions: [a1] },
      },
    );
    const cid = results.body.results[0]!.customer!.id;
    const c = await cloud.request<{
      id: string;
      tierId: string;
      history: { kind: string; points: number; receiptId?: string }[];
    }>('GET', `/v1/customers/${cid}`);
    expect(
      c.body.history.filter((h) => h.receiptId !== undefined).map((h) => [h.kind, h.points, h.receiptId]),
    ).toEqual([
      ['earned', 30, a1.receiptId],
      ['earned', 90, a2.receiptId],
      ['reversed', -90, a2.receiptId],
    ]);
    expect(c.body.tierId).toBe('standard');
    expect((await cloud.request('GET', `/v1/customers/${uid('ghost')}`)).status).toBe(404);
  });
});
