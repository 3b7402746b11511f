// A fake terminal replays recorded event JSON against the bridge over real HTTP (127.0.0.1:0).
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTill } from './fake-till.js';
import { CHEESE, MILK, recording, SALE, send, startBridge, TOBACCO, WORKED_POSITIONS } from './terminal.js';

describe('Evotor bridge: replay of a recorded sale and payback', () => {
  let till: FakeTill;
  let app: FastifyInstance;
  let base: string;

  beforeEach(async () => {
    till = new FakeTill();
    ({ app, base } = await startBridge(till));
  });
  afterEach(async () => {
    await app.close();
  });

  it('answers the worked example discount, confirms the sale and books the payback as a return', async () => {
    const rec = recording('sale-card-payback.json');
    const answers: Record<string, unknown>[] = [];
    for (const event of rec.events) {
      const res = await send(base, event.type, event.body);
      expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
      answers.push(res.body);
    }
    const [hint1, hint2, discount, completed, payback] = answers;

    // Editing positions changes nothing and calls no till operation.
    expect(hint1).toMatchObject({ receiptUuid: SALE, changes: [] });
    expect(hint2).toMatchObject({ changes: [] });
    expect(String(hint2!.hint)).toContain('Лояльность');

    // The loyalty button: rubles became exact kopecks, the tobacco got its tag, the card went along.
    const calc = till.calls.find((c) => c.op === 'calculate');
    expect(calc).toEqual({
      op: 'calculate',
      tillId: 'till-1',
      req: {
        receiptId: SALE,
        customer: { card: '2000000000015' },
        at: '2026-11-22T14:05:00+03:00',
        redeem: { max: true },
        lines: [
          { lineId: MILK, sku: 'MILK-1', name: 'Молоко 3,2% 1 л', price: 8990, qty: 3, tags: [] },
          {
            lineId: TOBACCO,
            sku: 'TOB-PARL-AQ',
            name: 'Сигареты Parliament Aqua Blue',
            price: 21500,
            qty: 1,
            tags: ['tobacco'],
          },
          {
            lineId: CHEESE,
            sku: 'CHEESE-ROS',
            name: 'Сыр Российский весовой',
            price: 129900,
            qty: 0.455,
            tags: [],
          },
        ],
      },
    });

    // MECHANICS.md worked example: to pay 732.71, positions lose 43.04 discount + 300.00 in points.
    expect(discount).toMatchObject({
      receiptUuid: SALE,
      discount: '343.04',
      payments: [],
      offline: false,
      customer: { displayName: 'Анна К.', cardLast4: '0015', tier: 'Серебро', balance: 300 },
      totals: { amount: 107575, discount: 4304, redeemedPoints: 300, toPay: 73271, accruedPoints: 77 },
    });
    expect(discount!.positions).toEqual(WORKED_POSITIONS);
    expect(discount!.extraText).toEqual([
      'Покупатель: Анна К., уровень «Серебро»',
      'Скидка: 43,04 ₽',
      'Списано 300 баллов',
      'Начислено 77 баллов',
      'До уровня «Золото» осталось 1 200,00 ₽',
    ]);

    // Completion: fiscal data and payments mapped, the sale confirmed.
    expect(till.calls.find((c) => c.op === 'confirm')).toEqual({
      op: 'confirm',
      tillId: 'till-1',
      receiptId: SALE,
      req: {
        fiscal: { fn: '9960440300123456', fd: '4812', fp: '2874301956', at: '2026-11-22T14:07:31+03:00' },
        payments: [
          { type: 'cash', amount: 50000 },
          { type: 'card', amount: 23271 },
        ],
      },
    });
    expect(completed).toMatchObject({
      receiptUuid: SALE,
      status: 'confirmed',
      totals: { toPay: 73271, accruedPoints: 77 },
      balance: { available: 77, pending: 0 },
    });
    expect(completed!.extraText).toEqual(['Начислено баллов: 77', 'Баланс: 77 баллов']);

    // The payback becomes a return of the base receipt, lines by position uuid.
    expect(till.calls.find((c) => c.op === 'createReturn')).toEqual({
      op: 'createReturn',
      tillId: 'till-1',
      req: {
        returnId: 'e9a1b2c3-4d5e-4f60-8a7b-9c0d1e2f3a4b',
        receiptId: SALE,
        lines: [
          { lineId: MILK, qty: 1 },
          { lineId: CHEESE, qty: 0.455 },
        ],
      },
    });
    expect(payback).toMatchObject({
      status: 'confirmed',
      refund: { amount: 40957, pointsReturned: 237, pointsReversed: 61 },
    });
    expect(payback!.extraText).toEqual([
      'Возврат: 409,57 ₽',
      'Возвращено баллов: 237',
      'Списано начисленных баллов: 61',
    ]);
    expect(till.calls.map((c) => c.op)).toEqual(['calculate', 'confirm', 'createReturn']);
  });

  it('a replayed completion and payback answer the same (the terminal retries)', async () => {
    const rec = recording('sale-card-payback.json');
    for (const event of rec.events) await send(base, event.type, event.body);
    const completion = rec.events.find((e) => e.type === 'receiptCompleted')!;
    const paybackEvent = rec.events.find((e) => e.type === 'paybackCompleted')!;
    const again = await send(base, completion.type, completion.body);
    expect(again).toMatchObject({ status: 200, body: { status: 'confirmed', totals: { toPay: 73271 } } });
    const paybackAgain = await send(base, paybackEvent.type, paybackEvent.body);
    expect(paybackAgain).toMatchObject({ status: 200, body: { refund: { amount: 40957 } } });
  });

  it('a sale without the loyalty button is acknowledged as skipped, not an error', async () => {
    const rec = recording('sale-without-loyalty.json');
    const answers = [];
    for (const event of rec.events) answers.push(await send(base, event.type, event.body));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.body).toEqual({
      receiptUuid: '0a7e6d5c-4b3a-4291-8f7e-6d5c4b3a2910',
      status: 'skipped',
      reason: 'RECEIPT_NOT_FOUND',
      extraText: [],
    });
    expect(answers[1]!.body).toMatchObject({ status: 'skipped', reason: 'RECEIPT_NOT_FOUND' });
    // The till was still asked: the bridge does not guess which receipts are loyalty ones.
    expect(till.calls.map((c) => c.op)).toEqual(['confirm', 'createReturn']);
  });

  it('the loyalty button without a card calculates without a customer: no discount', async () => {
    const event = recording('sale-card-payback.json').events.find((e) => e.type === 'receiptDiscount')!;
    const { card: _card, redeemPoints: _redeem, ...anonymous } = event.body;
    const res = await send(base, 'receiptDiscount', anonymous);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ discount: '0.00', customer: null, extraText: [] });
    const calc = till.calls[0]!;
    expect(calc.op === 'calculate' && calc.req.customer).toBeUndefined();
  });

  it('a cleared receipt releases its calculation', async () => {
    const event = recording('sale-card-payback.json').events.find((e) => e.type === 'receiptDiscount')!;
    await send(base, 'receiptDiscount', event.body);
    const res = await send(base, 'receiptCanceled', { receiptUuid: SALE });
    expect(res).toEqual({ status: 200, body: { receiptUuid: SALE, status: 'cancelled', extraText: [] } });
    const completed = await send(base, 'receiptCompleted', { receiptUuid: SALE, payments: [] });
    expect(completed.status).toBe(409);
    expect(completed.body).toEqual({ error: { code: 'RECEIPT_CANCELLED', message: 'cancelled' } });
  });
});
