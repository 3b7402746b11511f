// Confirm's payments rule (POS-API.md): cash may exceed what is due and the answer names the change;
// no other payment type may; less than due is 400 and nothing is recorded. Figures by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeOf, dueAtConfirm } from '../../src/agent/payments-check.js';
import { SUNDAY, startTestAgent, type TestAgent } from '../helpers/agent-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

let t: TestAgent;
beforeAll(async () => {
  t = await startTestAgent();
});
afterAll(() => t.close());

/** Calculates one loaf at 256,21 ₽ (no customer: nothing off) under `receiptId`. */
async function calculated(receiptId: string): Promise<void> {
  const res = await t.call<Body>('POST', '/v1/receipts/calculate', {
    receiptId,
    at: SUNDAY,
    lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 25621, qty: 1 }],
  });
  expect(res.status).toBe(200);
  expect(res.body.totals.toPay).toBe(25621);
}

const confirm = (receiptId: string, body: unknown) =>
  t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, body);
const sales = (receiptId: string) =>
  t.agent.store.journal.byReceipt(receiptId).filter((e) => e.tx.kind === 'sale');

describe('confirm with payments', () => {
  it('300,00 cash for 256,21: confirmed, change 43,79, payments kept as given', async () => {
    await calculated('c-cash');
    const res = await confirm('c-cash', { payments: [{ type: 'cash', amount: 30000 }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'confirmed', change: 4379 });
    expect(sales('c-cash')[0]!.tx.payments).toEqual([{ type: 'cash', amount: 30000 }]);
    // confirming again answers the same, change included
    const again = await confirm('c-cash', {});
    expect(again.body).toEqual(res.body);
  });

  it('exact payment: change 0; card + cash above: the cash gives the change', async () => {
    await calculated('c-exact');
    expect((await confirm('c-exact', { payments: [{ type: 'card', amount: 25621 }] })).body.change).toBe(0);
    await calculated('c-mixed');
    const mixed = await confirm('c-mixed', {
      payments: [
        { type: 'card', amount: 25000 },
        { type: 'cash', amount: 5000 },
      ],
    });
    expect(mixed.status).toBe(200);
    expect(mixed.body.change).toBe(4379); // 250,00 + 50,00 − 256,21
  });

  it('a card above what is due is 400 and nothing is recorded', async () => {
    await calculated('c-card-over');
    const res = await confirm('c-card-over', { payments: [{ type: 'card', amount: 30000 }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYMENTS_MISMATCH');
    expect(res.body.error.details).toEqual({ toPay: 25621, nonCash: 30000 });
    expect(sales('c-card-over')).toHaveLength(0);
    expect((await t.call<Body>('GET', '/v1/receipts/c-card-over')).body.status).toBe('calculated');
    // the same receipt confirms once the payments are right
    expect((await confirm('c-card-over', { payments: [{ type: 'card', amount: 25621 }] })).status).toBe(200);
  });

  it('less than due is 400 and nothing is recorded', async () => {
    await calculated('c-short');
    const res = await confirm('c-short', { payments: [{ type: 'cash', amount: 25620 }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'PAYMENTS_MISMATCH',
      details: { toPay: 25621, paid: 25620 },
    });
    expect(res.body.error.message).toContain('не хватает 0,01');
    expect(sales('c-short')).toHaveLength(0);
  });

  it('without payments (or an empty list) nothing is checked and no change is answered', async () => {
    await calculated('c-none');
    const res = await confirm('c-none', {});
    expect(res.status).toBe(200);
    expect(res.body.change).toBeUndefined();
    await calculated('c-empty');
    expect((await confirm('c-empty', { payments: [] })).status).toBe(200);
  });
});

describe('what confirm payments must cover when points are a payment', () => {
  const points = { amount: 20000 };
  it('the points count in what is due only when the till lists them as "other"', () => {
    expect(dueAtConfirm([{ type: 'card', amount: 75000 }], 75000, points)).toBe(75000);
    expect(
      dueAtConfirm(
        [
          { type: 'card', amount: 75000 },
          { type: 'other', amount: 20000 },
        ],
        75000,
        points,
      ),
    ).toBe(95000);
    expect(dueAtConfirm([{ type: 'other', amount: 100 }], 75000, undefined)).toBe(75000);
  });

  it('changeOf: Σ − due for payments that pass, 0 otherwise', () => {
    expect(changeOf([{ type: 'cash', amount: 30000 }], 25621)).toBe(4379);
    expect(changeOf(undefined, 25621)).toBe(0);
    expect(changeOf([{ type: 'card', amount: 30000 }], 25621)).toBe(0);
  });
});
