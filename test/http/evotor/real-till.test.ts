// The Evotor bridge wired to the real till: a real agent (TillService, the example program, its own
// store, no cloud) with `evotor` configured, and the recorded terminal session replayed against it
// over HTTP. Unlike replay.test.ts (a fake till with fixed figures), every number here comes out of
// the real engine and journal, and is checked against MECHANICS.md's worked example, by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillExtras } from '../../../src/app/till-extras.js';
import type { Tx } from '../../../src/protocol/sync.js';
import { silverCustomer, startTestAgent, type TestAgent } from '../../helpers/agent-harness.js';
import { CHEESE, MILK, recording, SALE, send, TOBACCO, TOKEN, WORKED_POSITIONS } from './terminal.js';

const CARD = '2000000000015';

let t: TestAgent;
let base: string;

beforeAll(async () => {
  // Wired as `loyalty-agent start` wires it (src/cli/commands/start.ts): the bridge among the extras.
  t = await startTestAgent({ evotor: { token: TOKEN } }, { extras: tillExtras });
  base = t.url;
  // The worked example's customer: silver (600 000 spent), 300 points.
  await t.agent.store.cache.apply([silverCustomer('c-42', CARD)]);
});
afterAll(() => t?.close());

describe('Evotor bridge against the real till service', () => {
  it('a recorded sale and payback: the worked example to the kopeck, in the journal', async () => {
    const rec = recording('sale-card-payback.json');
    const answers: Record<string, unknown>[] = [];
    for (const event of rec.events) {
      const res = await send(base, event.type, event.body);
      expect(res.status, `${event.type}: ${JSON.stringify(res.body)}`).toBe(200);
      answers.push(res.body);
    }
    const [, , discount, completed, payback] = answers;

    // MECHANICS worked example: a 107575, d 4304, 300 points = 30000 → to pay 73271; 77 points.
    // The terminal takes off d + r = 4304 + 30000 = 343,04 ₽.
    expect(discount).toMatchObject({
      receiptUuid: SALE,
      discount: '343.04',
      offline: true, // no cloud here: the cache and the offline allowance (300) serve
      customer: { displayName: 'Анна К.', cardLast4: '0015', tier: 'Серебро', balance: 300 },
      totals: { amount: 107575, discount: 4304, redeemedPoints: 300, toPay: 73271, accruedPoints: 77 },
    });
    expect(discount!.positions).toEqual(WORKED_POSITIONS);
    // The bridge's own lines, then the engine's messages; each fact once: the points are said only
    // by the engine («Списано 300 баллов», «Начислено 77 баллов»), not again by the bridge.
    // Balance after: 300 − 300 + 77 = 77 (pendingDays 0).
    // Gold needs 1 000 000 spent: 1 000 000 − 600 000 − (107575 − 4304) = 296 729 → 2 967,29 ₽.
    expect(discount!.extraText).toEqual([
      'Покупатель: Анна К., уровень «Серебро»',
      'Скидка: 43,04 ₽',
      'Расчёт без связи с сервером лояльности',
      'Списано 300 баллов',
      'Начислено 77 баллов',
      'Баланс после покупки: 77 баллов',
      'До уровня «Золото» осталось 2 967,29 ₽',
    ]);

    expect(completed).toMatchObject({
      receiptUuid: SALE,
      status: 'confirmed',
      totals: { toPay: 73271, accruedPoints: 77 },
      balance: { available: 77, pending: 0 },
    });
    const journal = t.agent.store.journal.byReceipt(SALE).map((e) => e.tx);
    expect(journal.map((tx) => tx.kind)).toEqual(['sale', 'return']);
    const [sale, ret] = journal as [Tx, Tx];
    expect(sale).toMatchObject({
      tillId: 'till-1',
      offline: true,
      customer: { id: 'c-42', card: CARD, tierId: 'silver' },
      fiscal: { fn: '9960440300123456', fd: '4812', fp: '2874301956', at: '2026-11-22T14:07:31+03:00' },
      payments: [
        { type: 'cash', amount: 50000 },
        { type: 'card', amount: 23271 },
      ],
      totals: {
        amount: 107575,
        discount: 4304,
        redeemedPoints: 300,
        redeemedAmount: 30000,
        toPay: 73271,
        accruedPoints: 77,
      },
    });
    // Per line (MECHANICS): milk a 26970 d 1349 r 9400 p 16221, accrual ⌊16221 × 15 / 10000⌋ = 24;
    // cheese a 59105 d 2955 r 20600 p 35550, ⌊35550 × 15 / 10000⌋ = 53; 24 + 53 = 77.
    const byId = Object.fromEntries(sale.lines.map((l) => [l.lineId, l]));
    expect(byId[MILK]).toMatchObject({
      amount: 26970,
      discount: 1349,
      redeemed: 9400,
      paid: 16221,
      accruedPoints: 24,
    });
    expect(byId[TOBACCO]).toMatchObject({
      amount: 21500,
      discount: 0,
      redeemed: 0,
      paid: 21500,
      accruedPoints: 0,
    });
    expect(byId[CHEESE]).toMatchObject({
      amount: 59105,
      discount: 2955,
      redeemed: 20600,
      paid: 35550,
      accruedPoints: 53,
    });

    // Payback of 1 milk and all the cheese. Milk ⅓: paid 16221 / 3 = 5407, redeemed 9400 / 3 →
    // 3133, earned 24 / 3 = 8; cheese whole: 35550, 20600, 53. Money 5407 + 35550 = 40957;
    // points back roundHalfUp((3133 + 20600) / 100) = 237; taken back 8 + 53 = 61.
    expect(payback).toMatchObject({
      status: 'confirmed',
      refund: { amount: 40957, pointsReturned: 237, pointsReversed: 61 },
    });
    expect(payback!.extraText).toEqual([
      'Возврат: 409,57 ₽',
      'Возвращено баллов: 237',
      'Списано начисленных баллов: 61',
    ]);
    expect(ret).toMatchObject({
      kind: 'return',
      returnId: 'e9a1b2c3-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      refund: { amount: 40957, pointsReturned: 237, pointsReversed: 61 },
    });
    const retById = Object.fromEntries(ret.lines.map((l) => [l.lineId, l]));
    expect(retById[MILK]).toMatchObject({ qty: 1, paid: 5407, redeemed: 3133, accruedPoints: 8 });
    expect(retById[CHEESE]).toMatchObject({ qty: 0.455, paid: 35550, redeemed: 20600, accruedPoints: 53 });

    // The terminal retries: the same answers, nothing booked twice.
    const completion = rec.events.find((e) => e.type === 'receiptCompleted')!;
    const paybackEvent = rec.events.find((e) => e.type === 'paybackCompleted')!;
    expect((await send(base, completion.type, completion.body)).body).toMatchObject({
      status: 'confirmed',
      totals: { toPay: 73271 },
    });
    expect((await send(base, paybackEvent.type, paybackEvent.body)).body).toMatchObject({
      refund: { amount: 40957, pointsReturned: 237, pointsReversed: 61 },
    });
    expect(t.agent.store.journal.byReceipt(SALE).map((e) => e.tx.kind)).toEqual(['sale', 'return']);
  });

  it('a receipt cleared on the terminal is cancelled in the till: a late completion is refused', async () => {
    const event = recording('sale-card-payback.json').events.find((e) => e.type === 'receiptDiscount')!;
    const receiptUuid = 'd2c1b0a9-8f7e-4d6c-9b5a-4e3d2c1b0a99';
    const calc = await send(base, 'receiptDiscount', { ...event.body, receiptUuid });
    expect(calc.status).toBe(200);
    const cleared = await send(base, 'receiptCanceled', { receiptUuid });
    expect(cleared).toEqual({ status: 200, body: { receiptUuid, status: 'cancelled', extraText: [] } });
    const late = await send(base, 'receiptCompleted', { receiptUuid, payments: [] });
    expect(late.status).toBe(409);
    expect((late.body as { error: { code: string } }).error.code).toBe('RECEIPT_CANCELLED');
    expect(t.agent.store.journal.byReceipt(receiptUuid)).toEqual([]);
  });
});
