// POST /v1/sales in process: the agent calculates, prints through a real AtolRegister speaking bytes to
// the virtual register, and confirms only after the register closed the receipt. The device's paper
// journal is the witness of what was printed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Command } from '../../drivers/atol/commands/codes.js';
import { forReceiptPaper } from '../../src/agent/register-sale.js';
import {
  card,
  customer,
  SUNDAY,
  silverCustomer,
  startTestAgent,
  type TestAgent,
  workedLines,
} from '../helpers/agent-harness.js';
import type { FakeCloud } from '../sync/fakes/fake-cloud.js';
import {
  type Answer,
  cheeseWithPoints,
  closedReceipts,
  printIntents,
  type RegisterAgent,
  saleTxs,
  startPointsCloud,
  startRegisterAgent,
} from './register-sale-harness.js';

const SILVER = card(1001);
const SILVER_2 = card(1002);

describe('POST /v1/sales through the simulated register (no cloud)', () => {
  let t: RegisterAgent;

  beforeAll(async () => {
    t = await startRegisterAgent();
    await t.agent.store.cache.apply([
      silverCustomer('c-silver', SILVER),
      customer('c-silver-2', { cards: [SILVER_2], tierId: 'silver', periodSpend: 600000 }),
    ]);
  });
  afterAll(() => t.close());

  const workedSale = {
    receiptId: 'r-worked',
    customer: { card: SILVER },
    at: SUNDAY,
    lines: workedLines,
    redeem: { max: true },
    payments: [
      { type: 'card', amount: 70000 },
      { type: 'cash', amount: 3271 },
    ],
    cashier: { name: 'Иванова А.' },
  };

  it('prints the worked example at the prices after discount with the loyalty block, then confirms', async () => {
    const res = await t.call<Answer>('POST', '/v1/sales', workedSale);
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.status).toBe('confirmed');
    expect(b.totals).toEqual({
      amount: 107575,
      discount: 4304,
      redeemedPoints: 300,
      redeemedAmount: 30000,
      toPay: 73271,
      accruedPoints: 77,
    });

    const [printed, ...more] = closedReceipts(t.sim.device.journal);
    expect(more).toHaveLength(0);
    expect(printed!.positions.map((p) => [p.name, p.qty, p.price, p.amount])).toEqual([
      ['Молоко', 3, 5407, 16221],
      ['Сигареты', 1, 21500, 21500],
      ['Сыр', 0.455, 78132, 35550],
    ]);
    expect(printed!.total).toBe(73271);
    // payment codes: 2 cashless, 1 cash
    expect(printed!.payments).toEqual([
      { type: 2, amount: 70000 },
      { type: 1, amount: 3271 },
    ]);
    // The loyalty block: who, the discount, then the engine's messages spelled for code page 866.
    expect(printed!.texts).toEqual([
      'Программа лояльности',
      `Покупатель: Анна К., карта ****${SILVER.slice(-4)}`,
      'Скидка по карте: 43,04 руб.',
      ...b.messages.map(forReceiptPaper),
    ]);
    expect(printed!.texts).toContain('Начислено 77 баллов');
    expect(printed!.texts.some((l) => l.startsWith('Баланс после покупки:'))).toBe(true);
    expect(printed!.texts.some((l) => /^До уровня "Золото" осталось [\d ]+,\d\d руб\.$/.test(l))).toBe(true);

    // The answer carries the register's document, and so does the outbox transaction.
    expect(b.fiscal).toEqual({
      fn: '9999078900012345',
      fd: String(printed!.fd),
      fp: String(printed!.fp).padStart(10, '0'),
      at: printed!.clock,
    });
    const [tx, ...others] = saleTxs(t, 'r-worked');
    expect(others).toHaveLength(0);
    expect(tx!.fiscal).toEqual(b.fiscal);
    expect(tx!.payments).toEqual(workedSale.payments);
    expect(tx!.totals.toPay).toBe(73271);
    expect((await printIntents(t.dir)).printing).toEqual({});
  });

  it('answers a repeated sale with the same receipt and fiscal data, printing nothing again', async () => {
    const first = saleTxs(t, 'r-worked')[0]!;
    const again = await t.call<Answer>('POST', '/v1/sales', workedSale);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('confirmed');
    expect(again.body.fiscal).toEqual(first.fiscal);
    expect(again.body.totals.toPay).toBe(73271);
    expect(closedReceipts(t.sim.device.journal)).toHaveLength(1);
    expect(saleTxs(t, 'r-worked')).toHaveLength(1);
  });

  it('splits a position whose kopecks do not divide by its quantity', async () => {
    // silver 5 %: 3 × 89,90 = 269,70 − 13,49 = 256,21 → 2 × 85,40 + 1 × 85,41
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-split',
      customer: { card: SILVER_2 },
      at: SUNDAY,
      lines: [workedLines[0]],
      payments: [{ type: 'cash', amount: 25621 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.lines[0]!.fiscalPositions).toEqual([
      { qty: 2, price: 8540, amount: 17080 },
      { qty: 1, price: 8541, amount: 8541 },
    ]);
    const receipt = closedReceipts(t.sim.device.journal).at(-1)!;
    expect(receipt.positions.map((p) => [p.qty, p.price, p.amount])).toEqual([
      [2, 8540, 17080],
      [1, 8541, 8541],
    ]);
    expect(receipt.total).toBe(25621);
    expect(String(receipt.fd)).toBe(res.body.fiscal.fd);
  });

  it('prints no loyalty block for an anonymous sale and ignores zero payments', async () => {
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-anon',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 4500, qty: 2 }],
      payments: [
        { type: 'cash', amount: 9000 },
        { type: 'card', amount: 0 },
      ],
    });
    expect(res.status).toBe(200);
    const receipt = closedReceipts(t.sim.device.journal).at(-1)!;
    expect(receipt.texts).toEqual([]);
    expect(receipt.payments).toEqual([{ type: 1, amount: 9000 }]);
  });

  it('refuses payments that do not add up to the amount to pay, printing nothing', async () => {
    const journalBefore = t.sim.device.journal.length;
    const opensBefore = t.sim.device.core.executed.filter((c) => c === Command.OpenReceipt).length;
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-short',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 4500, qty: 1 }],
      payments: [{ type: 'cash', amount: 4000 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYMENTS_MISMATCH');
    expect(res.body.error.details).toMatchObject({ toPay: 4500, paid: 4000 });
    expect(t.sim.device.journal.length).toBe(journalBefore);
    expect(t.sim.device.core.executed.filter((c) => c === Command.OpenReceipt).length).toBe(opensBefore);
    expect(saleTxs(t, 'r-short')).toHaveLength(0);
    expect((await t.call<Answer>('GET', '/v1/receipts/r-short')).body.status).toBe('calculated');
  });

  it('cash above the total: 300,00 for 256,21 prints and confirms with 43,79 change', async () => {
    const sale = {
      receiptId: 'r-change',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 25621, qty: 1 }],
      payments: [{ type: 'cash', amount: 30000 }],
    };
    const res = await t.call<Answer>('POST', '/v1/sales', sale);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('confirmed');
    expect(res.body.totals.toPay).toBe(25621);
    expect(res.body.change).toBe(4379);
    const printed = closedReceipts(t.sim.device.journal).at(-1)!;
    expect(printed).toMatchObject({ total: 25621, change: 4379, payments: [{ type: 1, amount: 30000 }] });
    expect(res.body.fiscal.fd).toBe(String(printed.fd));
    // the transaction keeps the payments as the till gave them
    expect(saleTxs(t, 'r-change')[0]!.payments).toEqual([{ type: 'cash', amount: 30000 }]);
    // the same sale again answers the same, change included, without printing
    const again = await t.call<Answer>('POST', '/v1/sales', sale);
    expect(again.status).toBe(200);
    expect(again.body.change).toBe(4379);
    expect(closedReceipts(t.sim.device.journal).at(-1)!.fd).toBe(printed.fd);
  });

  it('card and cash: the card part is registered first, the cash gives the change', async () => {
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-card-cash',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 25621, qty: 1 }],
      payments: [
        { type: 'cash', amount: 10000 },
        { type: 'card', amount: 20000 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.change).toBe(4379); // 100,00 + 200,00 − 256,21
    expect(closedReceipts(t.sim.device.journal).at(-1)!.payments).toEqual([
      { type: 2, amount: 20000 },
      { type: 1, amount: 10000 },
    ]);
  });

  it('a card above the total is 400 PAYMENTS_MISMATCH, printing nothing', async () => {
    const journalBefore = t.sim.device.journal.length;
    const opensBefore = t.sim.device.core.executed.filter((c) => c === Command.OpenReceipt).length;
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-card-over',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 25621, qty: 1 }],
      payments: [{ type: 'card', amount: 30000 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PAYMENTS_MISMATCH');
    expect(res.body.error.message).toContain('только с наличных');
    expect(res.body.error.details).toMatchObject({ toPay: 25621, nonCash: 30000 });
    expect(t.sim.device.journal.length).toBe(journalBefore);
    expect(t.sim.device.core.executed.filter((c) => c === Command.OpenReceipt).length).toBe(opensBefore);
    expect(saleTxs(t, 'r-card-over')).toHaveLength(0);
  });

  it('refuses bad input with the field named and without touching the register', async () => {
    const journalBefore = t.sim.device.journal.length;
    const noPayments = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-bad',
      lines: [{ lineId: '1', sku: 'X', name: 'X', price: 100, qty: 1 }],
      payments: [],
    });
    expect(noPayments.status).toBe(400);
    expect(noPayments.body.error.message).toContain('payments');
    const badQty = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-bad',
      lines: [{ lineId: '1', sku: 'X', name: 'X', price: 100, qty: 0 }],
      payments: [{ type: 'cash', amount: 0 }],
    });
    expect(badQty.status).toBe(400);
    expect(badQty.body.error.message).toContain('lines/0/qty');
    const noToken = await t.call<Answer>('POST', '/v1/sales', workedSale, null);
    expect(noToken.status).toBe(401);
    expect(t.sim.device.journal.length).toBe(journalBefore);
  });

  it('refuses a sale for a receipt confirmed without the register', async () => {
    await t.call('POST', '/v1/receipts/calculate', {
      receiptId: 'r-manual',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'X', name: 'X', price: 100, qty: 1 }],
    });
    expect((await t.call('POST', '/v1/receipts/r-manual/confirm', {})).status).toBe(200);
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-manual',
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'X', name: 'X', price: 100, qty: 1 }],
      payments: [{ type: 'cash', amount: 100 }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('RECEIPT_CONFIRMED');
  });

  describe('register faults', () => {
    const bread = (receiptId: string) => ({
      receiptId,
      customer: { card: SILVER_2 },
      at: SUNDAY,
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 10000, qty: 1 }],
      payments: [{ type: 'cash', amount: 9500 }],
    });

    afterEach(() => t.sim.device.setPaper(true));

    it('no paper → 502 with the device code and text; nothing confirmed; a retry succeeds', async () => {
      const printedBefore = closedReceipts(t.sim.device.journal).length;
      t.sim.device.setPaper(false);
      const res = await t.call<Answer>('POST', '/v1/sales', bread('r-paper'));
      expect(res.status).toBe(502);
      expect(res.body.error.code).toBe('REGISTER_ERROR');
      expect(res.body.error.details.deviceCode).toBe(103);
      expect(res.body.error.details.deviceText).toContain('Нет бумаги');
      expect(res.body.error.message).toContain('103');
      expect(closedReceipts(t.sim.device.journal)).toHaveLength(printedBefore);
      expect(saleTxs(t, 'r-paper')).toHaveLength(0);
      expect((await t.call<Answer>('GET', '/v1/receipts/r-paper')).body.status).toBe('calculated');
      expect((await printIntents(t.dir)).printing).toEqual({});

      const status = await t.call<Answer>('GET', '/v1/status');
      expect(status.body.register).toMatchObject({ driver: 'simulator', lastError: { code: 103 } });
      expect(status.body.register.lastError!.message).toContain('Нет бумаги');

      t.sim.device.setPaper(true);
      const retry = await t.call<Answer>('POST', '/v1/sales', bread('r-paper'));
      expect(retry.status).toBe(200);
      expect(closedReceipts(t.sim.device.journal)).toHaveLength(printedBefore + 1);
      expect(saleTxs(t, 'r-paper')).toHaveLength(1);
      expect(saleTxs(t, 'r-paper')[0]!.fiscal!.fd).toBe(retry.body.fiscal.fd);
    });

    it('shift over 24 h → 502 with 136; after a Z report the sale goes through', async () => {
      t.sim.device.expireShift();
      const res = await t.call<Answer>('POST', '/v1/sales', bread('r-shift'));
      expect(res.status).toBe(502);
      expect(res.body.error.details.deviceCode).toBe(136);
      expect(res.body.error.details.deviceText).toContain('24');
      expect(saleTxs(t, 'r-shift')).toHaveLength(0);
      const status = await t.call<Answer>('GET', '/v1/status');
      expect(status.body.register.lastError!.code).toBe(136);

      await t.register.zReport();
      const retry = await t.call<Answer>('POST', '/v1/sales', bread('r-shift'));
      expect(retry.status).toBe(200);
      expect(saleTxs(t, 'r-shift')).toHaveLength(1);
    });

    it('an unplugged register → 502 at once, nothing written; replugged, the sale goes through', async () => {
      t.sim.cable.unplug();
      const started = Date.now();
      const res = await t.call<Answer>('POST', '/v1/sales', bread('r-unplugged'));
      expect(res.status).toBe(502);
      expect(res.body.error.details.deviceCode).toBe(1003);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await t.call<Answer>('GET', '/v1/status')).body.register.state).toBe('disconnected');
      expect((await printIntents(t.dir)).printing).toEqual({});

      t.sim.cable.replug();
      const deadline = Date.now() + 3000;
      while (t.register.state().state !== 'ready' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const retry = await t.call<Answer>('POST', '/v1/sales', bread('r-unplugged'));
      expect(retry.status).toBe(200);
      expect((await t.call<Answer>('GET', '/v1/status')).body.register.state).toBe('ready');
    });
  });
});

describe('POST /v1/sales with the cloud: holds and phone codes', () => {
  let cloud: FakeCloud;
  let t: RegisterAgent;

  beforeEach(async () => {
    cloud = await startPointsCloud();
    t = await startRegisterAgent({ cloud });
  });
  afterEach(async () => {
    await t.close();
    await cloud.close();
  });

  it('no paper: the hold stays unspent, no transaction; the retry captures a fresh hold', async () => {
    t.sim.device.setPaper(false);
    const failed = await t.call<Answer>('POST', '/v1/sales', cheeseWithPoints('r-hold'));
    expect(failed.status).toBe(502);
    expect(failed.body.error.details.deviceCode).toBe(103);
    const holds = cloud.callsTo('holds');
    expect(holds).toHaveLength(1);
    const firstHold = (holds[0]!.body as { holdId: string; points: number }).holdId;
    expect((holds[0]!.body as { points: number }).points).toBe(200);
    expect(saleTxs(t, 'r-hold')).toHaveLength(0);
    expect(cloud.callsTo('releaseHold')).toHaveLength(0);
    expect(closedReceipts(t.sim.device.journal)).toHaveLength(0);

    t.sim.device.setPaper(true);
    const ok = await t.call<Answer>('POST', '/v1/sales', cheeseWithPoints('r-hold'));
    expect(ok.status).toBe(200);
    expect(ok.body.totals).toMatchObject({ redeemedPoints: 200, toPay: 75000 });
    // Calculating again released the first hold and placed a new one, which the sale carries.
    expect(cloud.callsTo('releaseHold')).toHaveLength(1);
    const secondHold = (cloud.callsTo('holds')[1]!.body as { holdId: string }).holdId;
    expect(secondHold).not.toBe(firstHold);
    const [tx] = saleTxs(t, 'r-hold');
    expect(tx!.holdId).toBe(secondHold);
    expect(tx!.fiscal!.fd).toBe(ok.body.fiscal.fd);
    expect(closedReceipts(t.sim.device.journal)).toHaveLength(1);
  });

  it('a phone customer paying with points needs the code before anything is printed', async () => {
    const phone = { phone: '+7 912 345-67-89' };
    const res = await t.call<Answer>('POST', '/v1/sales', cheeseWithPoints('r-phone', phone));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CODE_REQUIRED');
    expect(cloud.callsTo('codes')).toHaveLength(1);
    expect(t.sim.device.core.executed).not.toContain(Command.OpenReceipt);
    expect(t.sim.device.journal).toHaveLength(0);
    expect(saleTxs(t, 'r-phone')).toHaveLength(0);

    cloud.script('verify', (req, reply) =>
      (req.body as { code: string }).code === '4321'
        ? { ok: true }
        : reply.status(403).send({ code: 'CODE_INVALID' }),
    );
    const wrong = await t.call<Answer>('POST', '/v1/sales', {
      ...cheeseWithPoints('r-phone', phone),
      code: '1111',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('CODE_INVALID');
    expect(t.sim.device.core.executed).not.toContain(Command.OpenReceipt);

    const ok = await t.call<Answer>('POST', '/v1/sales', {
      ...cheeseWithPoints('r-phone', phone),
      code: '4321',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.customer!.phoneMasked).toBe('+7 912 ***-**-89');
    expect(closedReceipts(t.sim.device.journal)).toHaveLength(1);
    expect(saleTxs(t, 'r-phone')).toHaveLength(1);
  });
});

describe('points shown as a payment (redemption.fiscalMode "payment")', () => {
  let t: RegisterAgent | undefined;
  let programDir = '';
  afterAll(async () => {
    await t?.close();
    if (programDir) await rm(programDir, { recursive: true, force: true });
  });

  it('prints positions after the discount only and adds the points as an "other" payment', async () => {
    const example = JSON.parse(await readFile(path.resolve('config/program.example.json'), 'utf8'));
    example.redemption.fiscalMode = 'payment';
    programDir = await mkdtemp(path.join(tmpdir(), 'la-program-'));
    const programFile = path.join(programDir, 'program.json');
    await writeFile(programFile, JSON.stringify(example));
    t = await startRegisterAgent({ config: { program: programFile } });
    await t.agent.store.cache.apply([
      customer('c-pay', {
        cards: [SILVER],
        tierId: 'silver',
        periodSpend: 600000,
        balance: { available: 300, pending: 0 },
      }),
    ]);
    // 1 000,00 − 5 % = 950,00; 200 points = 200,00 paid as "other"; the customer pays 750,00.
    const res = await t.call<Answer>(
      'POST',
      '/v1/sales',
      cheeseWithPoints('r-points-payment', { card: SILVER }),
    );
    expect(res.status).toBe(200);
    expect(res.body.totals.toPay).toBe(75000);
    expect(res.body.pointsPayment).toEqual({ type: 'other', amount: 20000 });
    const [receipt] = closedReceipts(t.sim.device.journal);
    expect(receipt!.positions.map((p) => [p.qty, p.price, p.amount])).toEqual([[1, 95000, 95000]]);
    expect(receipt!.payments).toEqual([
      { type: 2, amount: 75000 },
      { type: 5, amount: 20000 },
    ]);
    // The till's payments are what the transaction records; the points are in pointsPayment.
    const [tx] = saleTxs(t, 'r-points-payment');
    expect(tx!.payments).toEqual([{ type: 'card', amount: 75000 }]);
    expect(tx!.pointsPayment).toEqual({ type: 'other', amount: 20000 });
    expect(tx!.fiscal!.fd).toBe(String(receipt!.fd));
  });
});

describe('the register configured by name', () => {
  let t: TestAgent;
  afterAll(() => t?.close());

  it('`register.driver: simulator` sells through its own virtual register and reports it ready', async () => {
    t = await startTestAgent({ register: { driver: 'simulator' } });
    const status = await t.call<Answer>('GET', '/v1/status');
    expect(status.body.register).toEqual({ driver: 'simulator', state: 'ready' });
    const res = await t.call<Answer>('POST', '/v1/sales', {
      receiptId: 'r-sim',
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 4500, qty: 1 }],
      payments: [{ type: 'cash', amount: 4500 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.fiscal.fd).toMatch(/^\d+$/);
    expect(t.agent.store.journal.byReceipt('r-sim')[0]!.tx.fiscal).toEqual(res.body.fiscal);
  });

  it('without a register there is no /v1/sales', async () => {
    const none = await startTestAgent();
    try {
      const res = await none.call<Answer>('POST', '/v1/sales', {
        receiptId: 'r-none',
        lines: [{ lineId: '1', sku: 'X', name: 'X', price: 100, qty: 1 }],
        payments: [{ type: 'cash', amount: 100 }],
      });
      expect(res.status).toBe(404);
      expect((await none.call<Answer>('GET', '/v1/status')).body.register).toEqual({
        driver: 'none',
        state: 'none',
      });
    } finally {
      await none.close();
    }
  });
});
