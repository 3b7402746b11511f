// The page's pure modules: what goes into /v1 bodies, independent of the DOM.
import { describe, expect, it } from 'vitest';
import type { CalculateResponse } from '../../src/agent/till-api.js';
import { ApiError, createApi } from '../../src/web/cashier/api.js';
import { queryKind, toCustomerQuery } from '../../src/web/cashier/customer-input.js';
import {
  DraftError,
  lineAmount,
  newReceiptId,
  parseCoupons,
  ReceiptDraft,
} from '../../src/web/cashier/receipt.js';
import { ambiguousStores, buildReturnRequest, returnableLines } from '../../src/web/cashier/return-draft.js';
import { parseScan } from '../../src/web/cashier/scans.js';

describe('identification input', () => {
  it.each([
    ['2000000000008', { card: '2000000000008' }],
    ['2000 0000 0000 8', { card: '2000000000008' }],
    [';2000000000008=2912?', { card: '2000000000008' }],
    [';4000123456789?', { card: '4000123456789' }],
    ['8 (912) 345-67-89', { phone: '8 (912) 345-67-89' }],
    ['+7 912 3456789', { phone: '+7 912 3456789' }],
    ['9123456789', { phone: '9123456789' }],
    ['89123456789', { phone: '89123456789' }],
    ['eyJhbGciOiJFZERTQSJ9.eyJjIjoiMSJ9.sig', { qr: 'eyJhbGciOiJFZERTQSJ9.eyJjIjoiMSJ9.sig' }],
    ['LOYALTY-QR-ANNA-0001', { qr: 'LOYALTY-QR-ANNA-0001' }],
  ])('%s → %j', (text, query) => {
    expect(toCustomerQuery(text)).toEqual(query);
  });

  it('gives nothing for an empty input', () => {
    expect(toCustomerQuery('   ')).toBeNull();
    expect(toCustomerQuery(null)).toBeNull();
    expect(queryKind(null)).toBeNull();
  });

  it('lets the cashier force the kind', () => {
    expect(toCustomerQuery('9123456789', 'card')).toEqual({ card: '9123456789' });
    expect(toCustomerQuery('2000000000008', 'phone')).toEqual({ phone: '2000000000008' });
    expect(toCustomerQuery('12345', 'qr')).toEqual({ qr: '12345' });
    expect(queryKind({ phone: '1' })).toBe('phone');
  });
});

describe('receipt id', () => {
  it('names the till, the time and a random tail', () => {
    expect(newReceiptId('till-1', 1732270000000, () => 0.5)).toMatch(/^till-1-1732270000000-[0-9a-z]{6}$/);
  });

  it('stays within 64 characters and safe characters whatever the till id', () => {
    const id = newReceiptId(`т/${'x'.repeat(100)}`, 1732270000000, () => 0.999999);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.endsWith('-1732270000000-' + id.slice(-6))).toBe(true);
  });

  it('differs between two receipts of the same millisecond', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newReceiptId('till-1', 1)));
    expect(ids.size).toBe(50);
  });
});

function calculation(receiptId: string): CalculateResponse {
  return {
    receiptId,
    status: 'calculated',
    offline: false,
    customer: null,
    lines: [
      {
        lineId: '1',
        amount: 26970,
        discount: 1349,
        redeemed: 0,
        paid: 25621,
        accruedPoints: 12,
        fiscalPositions: [{ qty: 3, price: 8540, amount: 25621 }],
      },
    ],
    totals: {
      amount: 26970,
      discount: 1349,
      redeemedPoints: 0,
      redeemedAmount: 0,
      toPay: 25621,
      accruedPoints: 12,
    },
    applied: [],
    coupons: [],
    messages: [],
    expiresAt: '2026-11-22T14:20:00+03:00',
  };
}

describe('ReceiptDraft', () => {
  it('builds the calculate body from lines, customer, points and coupons', () => {
    const d = new ReceiptDraft('r-1');
    d.setCustomer({ card: '2000000000008' }, null);
    d.addLine({ sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, tags: [] });
    d.addLine({ sku: 'CIG-1', name: 'Сигареты', price: 15000, qty: 1, tags: ['tobacco'] });
    d.setRedeem({ kind: 'points', points: 100 });
    d.setCoupons(parseCoupons('SPRING-10, x;SPRING-10'));
    expect(d.toCalculateRequest()).toEqual({
      receiptId: 'r-1',
      customer: { card: '2000000000008' },
      lines: [
        { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, tags: [] },
        { lineId: '2', sku: 'CIG-1', name: 'Сигареты', price: 15000, qty: 1, tags: ['tobacco'] },
      ],
      redeem: { points: 100 },
      coupons: ['SPRING-10', 'x'],
    });
    d.setRedeem({ kind: 'max' });
    expect(d.toCalculateRequest().redeem).toEqual({ max: true });
  });

  it('never reuses a line id after a removal', () => {
    const d = new ReceiptDraft('r-1');
    d.addLine({ sku: 'A', name: 'A', price: 100, qty: 1 });
    d.addLine({ sku: 'B', name: 'B', price: 100, qty: 1 });
    d.removeLine('2');
    expect(d.addLine({ sku: 'C', name: 'C', price: 100, qty: 1 }).lineId).toBe('3');
    expect(d.lines.map((l) => l.lineId)).toEqual(['1', '3']);
  });

  it('sends a total-only receipt as one "Покупка" line', () => {
    const d = new ReceiptDraft('r-2');
    d.addLine({ sku: 'A', name: 'A', price: 100, qty: 1 });
    d.setMode('total');
    d.setTotal(120000);
    expect(d.toCalculateRequest().lines).toEqual([
      { lineId: '1', sku: 'PURCHASE', name: 'Покупка', price: 120000, qty: 1, tags: [] },
    ]);
    expect(d.draftAmount()).toBe(120000);
  });

  it('refuses to build an empty receipt or points without a customer', () => {
    const d = new ReceiptDraft('r-3');
    expect(() => d.toCalculateRequest()).toThrow(DraftError);
    d.setMode('total');
    expect(() => d.toCalculateRequest()).toThrow(/сумму покупки/);
    d.setTotal(5000);
    d.setRedeem({ kind: 'max' });
    expect(() => d.toCalculateRequest()).toThrow(/найдите покупателя/);
    d.setCustomer({ phone: '+79123456789' }, null);
    d.setRedeem({ kind: 'points', points: 0 });
    expect(() => d.toCalculateRequest()).toThrow(/сколько баллов/);
  });

  it('drops the points choice when the customer is cleared', () => {
    const d = new ReceiptDraft('r-4');
    d.setCustomer({ card: '1' }, null);
    d.setRedeem({ kind: 'max' });
    d.clearCustomer();
    d.addLine({ sku: 'A', name: 'A', price: 100, qty: 1 });
    expect(d.toCalculateRequest()).toEqual({ receiptId: 'r-4', lines: d.lines });
  });

  it('can be confirmed only while the calculation matches the receipt', () => {
    const d = new ReceiptDraft('r-5');
    d.addLine({ sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3 });
    expect(d.canConfirm).toBe(false);
    d.applyCalculation(calculation('r-5'));
    expect(d.canConfirm).toBe(true);
    expect(d.lineResult('1')?.paid).toBe(25621);
    d.setCoupons(['NEW']);
    expect(d.stale).toBe(true);
    expect(d.canConfirm).toBe(false);
    expect(d.lineResult('1')).toBeNull();
    d.setCoupons(['NEW']); // the same value again is no change
    d.applyCalculation(calculation('r-5'));
    expect(d.canConfirm).toBe(true);
  });

  it('keeps an answer stale when the receipt changed while it was computed', () => {
    const d = new ReceiptDraft('r-6');
    d.addLine({ sku: 'A', name: 'A', price: 100, qty: 1 });
    const sentAt = d.revision;
    d.addLine({ sku: 'B', name: 'B', price: 100, qty: 1 });
    d.applyCalculation(calculation('r-6'), sentAt);
    expect(d.canConfirm).toBe(false);
    expect(d.sentToAgent).toBe(true);
  });

  it('computes line amounts with the half-up rule on exact thousandths', () => {
    expect(lineAmount(8990, 3)).toBe(26970);
    expect(lineAmount(5999, 0.345)).toBe(2070); // 2069.655 → 2070
    expect(lineAmount(100, 0.005)).toBe(1); // 0.5 → 1
    expect(lineAmount(1, 0.001)).toBe(0);
  });
});

describe('returns', () => {
  it('sends no lines for the whole receipt', () => {
    expect(buildReturnRequest({ returnId: 'ret-1', receiptId: ' r-1 ', whole: true })).toEqual({
      returnId: 'ret-1',
      receiptId: 'r-1',
    });
  });

  it('sends only the filled lines with exact quantities', () => {
    const body = buildReturnRequest({
      returnId: 'ret-1',
      receiptId: 'r-1',
      whole: false,
      picked: [
        { lineId: '1', qtyText: '' },
        { lineId: '2', qtyText: '0,5' },
        { lineId: '3', qtyText: '1' },
      ],
    });
    expect(body.lines).toEqual([
      { lineId: '2', qty: 0.5 },
      { lineId: '3', qty: 1 },
    ]);
  });

  it('names the store of the sale when the cashier chose one', () => {
    expect(
      buildReturnRequest({ returnId: 'ret-1', receiptId: 'r-1', whole: true, storeId: 'store-3' }),
    ).toEqual({
      returnId: 'ret-1',
      receiptId: 'r-1',
      storeId: 'store-3',
    });
    expect(
      buildReturnRequest({ returnId: 'ret-1', receiptId: 'r-1', whole: true, storeId: null }),
    ).not.toHaveProperty('storeId');
  });

  it('reads the stores to offer only from a RECEIPT_AMBIGUOUS answer', () => {
    expect(ambiguousStores({ code: 'RECEIPT_AMBIGUOUS', details: ['s-1', '', 7, 's-2'] })).toEqual([
      's-1',
      's-2',
    ]);
    expect(ambiguousStores({ code: 'RECEIPT_AMBIGUOUS', details: [] })).toBeNull();
    expect(ambiguousStores({ code: 'RECEIPT_AMBIGUOUS' })).toBeNull();
    expect(ambiguousStores({ code: 'RETURN_EXCEEDS_SALE', details: ['s-1'] })).toBeNull();
    expect(ambiguousStores(null)).toBeNull();
  });

  it('names the bad line, the missing receipt id and an empty choice', () => {
    expect(() =>
      buildReturnRequest({
        returnId: 'x',
        receiptId: 'r',
        whole: false,
        picked: [{ lineId: '2', qtyText: '-1' }],
      }),
    ).toThrow(/Строка 2/);
    expect(() => buildReturnRequest({ returnId: 'x', receiptId: '  ', whole: true })).toThrow(DraftError);
    expect(() => buildReturnRequest({ returnId: 'x', receiptId: 'r', whole: false, picked: [] })).toThrow(
      /Весь чек/,
    );
  });

  it('offers the sold quantity of each line of a receipt read from the agent', () => {
    const lines = returnableLines({
      lines: [
        { lineId: '1', fiscalPositions: [{ qty: 0.1 }, { qty: 0.2 }] },
        { lineId: '2', name: 'Хлеб', fiscalPositions: [{ qty: 2 }] },
      ],
    });
    expect(lines).toEqual([
      { lineId: '1', name: 'Строка 1', qty: 0.3 },
      { lineId: '2', name: 'Хлеб', qty: 2 },
    ]);
  });
});

describe('scanner events', () => {
  it('accepts JSON with a code and a known kind, or a bare code', () => {
    expect(parseScan('{"raw":"8 (912) 345-67-89\\r","kind":"phone","value":"+79123456789"}')).toEqual({
      text: '+79123456789',
      kind: 'phone',
    });
    expect(parseScan('{"code":" 2000000000008 ","kind":"card"}')).toEqual({
      text: '2000000000008',
      kind: 'card',
    });
    expect(parseScan('{"value":"QR-1","kind":"barcode"}')).toEqual({ text: 'QR-1' });
    expect(parseScan('2000000000008\r')).toEqual({ text: '2000000000008' });
    expect(parseScan('{not json')).toEqual({ text: '{not json' });
  });

  it('ignores empty events', () => {
    expect(parseScan('')).toBeNull();
    expect(parseScan('{"code":""}')).toBeNull();
    expect(parseScan(undefined)).toBeNull();
  });
});

describe('api client', () => {
  function fakeFetch(
    status: number,
    body: string,
    seen: { url?: string; init?: RequestInit } = {},
  ): typeof fetch {
    return (async (url: string | URL | Request, init?: RequestInit) => {
      seen.url = String(url);
      seen.init = init;
      return new Response(body, { status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
  }

  it('sends the Bearer token and JSON, and returns the parsed answer', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const api = createApi({
      getToken: () => 'tok-1',
      baseUrl: 'http://x',
      fetchImpl: fakeFetch(200, '{"ok":1}', seen),
    });
    await expect(api.post('/v1/identify', { card: '1' })).resolves.toEqual({ ok: 1 });
    const headers = seen.init?.headers as Record<string, string>;
    expect(seen.url).toBe('http://x/v1/identify');
    expect(headers.Authorization).toBe('Bearer tok-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(seen.init?.body).toBe('{"card":"1"}');
  });

  it('turns the API error shape into an ApiError with the human message', async () => {
    const api = createApi({
      getToken: () => null,
      fetchImpl: fakeFetch(404, '{"error":{"code":"CUSTOMER_NOT_FOUND","message":"Покупатель не найден"}}'),
    });
    const err = await api.get('/v1/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'CUSTOMER_NOT_FOUND', message: 'Покупатель не найден' });
  });

  it('gives a readable error for a non-JSON failure and for an unreachable agent', async () => {
    const html = createApi({ getToken: () => null, fetchImpl: fakeFetch(502, '<html>Bad gateway</html>') });
    await expect(html.get('/v1/x')).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
    const down = createApi({
      getToken: () => null,
      fetchImpl: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(down.get('/v1/x')).rejects.toMatchObject({ status: 0, code: 'AGENT_UNREACHABLE' });
  });

  it('gives up after its deadline', async () => {
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    const api = createApi({ getToken: () => null, timeoutMs: 20, fetchImpl: hanging });
    await expect(api.get('/v1/x')).rejects.toMatchObject({ code: 'AGENT_TIMEOUT' });
  });
});
