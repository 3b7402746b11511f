// Confirm's fiscal document as POS programs send it (POS-API.md, additions): `fd` and `fp` come as
// JSON numbers from many of them (the ATOL driver's own result has the document number as a number)
// or as strings of digits; the agent stores the digits. Anything else is a 400 and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/protocol/sync.js';
import { startTestAgent, type TestAgent } from '../helpers/agent-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

const FN = '9999078900012345';
const AT = '2026-11-22T14:07:31+03:00';
let t: TestAgent;
let n = 0;

beforeAll(async () => {
  t = await startTestAgent();
});
afterAll(() => t.close());

async function calculated(): Promise<string> {
  const receiptId = `r-fiscal-${++n}`;
  const res = await t.call<Body>('POST', '/v1/receipts/calculate', {
    receiptId,
    lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 5000, qty: 2 }],
  });
  expect(res.status).toBe(200);
  return receiptId;
}

const confirm = (receiptId: string, fiscal: unknown) =>
  t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, { fiscal });

function storedSale(receiptId: string): Tx | undefined {
  return t.agent.store.journal.byReceipt(receiptId).find((e) => e.tx.kind === 'sale')?.tx;
}

describe('fiscal.fd and fiscal.fp on confirm', () => {
  it('accepts them as JSON numbers and stores their digits', async () => {
    const receiptId = await calculated();
    const res = await confirm(receiptId, { fn: FN, fd: 4812, fp: 2874301956, at: AT });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(storedSale(receiptId)!.fiscal).toEqual({ fn: FN, fd: '4812', fp: '2874301956', at: AT });
  });

  it('accepts strings of digits and stores them as given (leading zeros kept); mixed is fine too', async () => {
    const receiptId = await calculated();
    const res = await confirm(receiptId, { fn: FN, fd: '0004812', fp: 0, at: AT });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(storedSale(receiptId)!.fiscal).toEqual({ fn: FN, fd: '0004812', fp: '0', at: AT });
  });

  it.each([
    ['a negative number', { fd: -1 }, 'fiscal/fd'],
    ['a fraction', { fd: 48.12 }, 'fiscal/fd'],
    ['a number past exact integers (digits would be lost)', { fp: 2 ** 53 + 2 }, 'fiscal/fp'],
    ['letters', { fd: '48a2' }, 'fiscal/fd'],
    ['a signed string', { fp: '-5' }, 'fiscal/fp'],
    ['an empty string', { fd: '' }, 'fiscal/fd'],
    ['a boolean', { fp: true }, 'fiscal/fp'],
    ['null', { fd: null }, 'fiscal/fd'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_what, bad, field) => {
    const receiptId = await calculated();
    const res = await confirm(receiptId, { fn: FN, fd: 4812, fp: 2874301956, at: AT, ...bad });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toContain(field);
    expect(storedSale(receiptId)).toBeUndefined();
    expect((await t.call<Body>('GET', `/v1/receipts/${receiptId}`)).body.status).toBe('calculated');
    // The same receipt confirms once the document is sent right.
    expect((await confirm(receiptId, { fn: FN, fd: 4812, fp: 2874301956, at: AT })).status).toBe(200);
  });

  it('the OpenAPI document says both forms are accepted', async () => {
    const doc = (await t.call<Body>('GET', '/openapi.json', undefined, null)).body;
    const text = JSON.stringify(doc);
    expect(text).toContain('a number or a string of digits');
  });
});
