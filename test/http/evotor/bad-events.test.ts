// Events a broken or hostile terminal app might send: each is refused with 400 naming the field
// (or 401/4xx from the till), never a 500, and never reaches the till when the input is bad.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors/catalogue.js';
import { FakeTill } from './fake-till.js';
import { recording, send, startBridge } from './terminal.js';

const rec = recording('sale-card-payback.json');
const event = (type: string) => structuredClone(rec.events.find((e) => e.type === type)!.body);
type Body = Record<string, unknown> & { positions: Record<string, unknown>[] };

let till: FakeTill;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  till = new FakeTill();
  ({ app, base } = await startBridge(till));
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  till.calls.length = 0;
  till.failNext = null;
});

async function expect400(type: string, body: unknown, message: string | RegExp) {
  const res = await send(base, type, body);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const error = (res.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('BAD_REQUEST');
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(till.calls).toEqual([]);
}

describe('access', () => {
  it('refuses a missing or wrong token with 401 in the error shape', async () => {
    for (const token of [null, 'wrong-token', '']) {
      const res = await send(base, 'receiptDiscount', event('receiptDiscount'), token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: {
          code: 'UNAUTHORIZED',
          message: 'Нет токена терминала или он неверный (Authorization: Bearer …)',
        },
      });
    }
    expect(till.calls).toEqual([]);
  });
});

describe('bad events → 400 with the field named', () => {
  it('a missing receiptUuid', async () => {
    const body = event('receiptDiscount');
    delete body.receiptUuid;
    await expect400('receiptDiscount', body, 'receiptUuid: обязательное поле');
  });

  it('no positions on the loyalty button', async () => {
    await expect400(
      'receiptDiscount',
      { ...event('receiptDiscount'), positions: [] },
      /^positions: должно содержать не меньше 1 элем\./,
    );
  });

  it('a price that is not a number', async () => {
    const body = event('receiptDiscount') as Body;
    body.positions[2]!.price = 'дорого';
    await expect400('receiptDiscount', body, /^positions\/2\/price: /);
  });

  it('a price with a fraction of a kopeck', async () => {
    const body = event('receiptDiscount') as Body;
    body.positions[0]!.price = '89.905';
    await expect400(
      'receiptDiscount',
      body,
      'positions/0/price: должно быть неотрицательной суммой в рублях, не больше 2 знаков после запятой',
    );
  });

  it('a negative price', async () => {
    const body = event('receiptDiscount') as Body;
    body.positions[1]!.price = -215;
    await expect400('receiptDiscount', body, /^positions\/1\/price: /);
  });

  it('a zero quantity and a weight with 4 decimals', async () => {
    const zero = event('receiptDiscount') as Body;
    zero.positions[0]!.quantity = '0';
    await expect400('receiptDiscount', zero, /^positions\/0\/quantity: должно быть количеством > 0/);
    const fine = event('receiptDiscount') as Body;
    fine.positions[2]!.quantity = 0.4551;
    await expect400(
      'receiptDiscount',
      fine,
      /^positions\/2\/quantity: должно быть количеством > 0, не больше 3 знаков после запятой/,
    );
  });

  it('a position without any product code', async () => {
    const body = event('receiptDiscount') as Body;
    const { productCode: _a, barcode: _b, productUuid: _c, ...bare } = body.positions[0]!;
    body.positions[0] = bare;
    await expect400(
      'receiptDiscount',
      body,
      'positions/0/productCode: обязательное поле (или sku, barcode, productUuid)',
    );
  });

  it('a position without a name', async () => {
    const body = event('receiptDiscount') as Body;
    delete body.positions[1]!.name;
    await expect400('receiptDiscount', body, 'positions/1/name: обязательное поле');
  });

  it('the same position uuid twice', async () => {
    const body = event('receiptDiscount') as Body;
    body.positions.push({ ...body.positions[0]! });
    await expect400('receiptDiscount', body, 'positions/3/uuid: повторяет uuid предыдущей позиции');
  });

  it('both a card and a phone', async () => {
    await expect400(
      'receiptDiscount',
      { ...event('receiptDiscount'), phone: '+79123456789' },
      'phone: нельзя передавать вместе с card (только один идентификатор)',
    );
  });

  it('a bad redeemPoints value', async () => {
    await expect400('receiptDiscount', { ...event('receiptDiscount'), redeemPoints: -5 }, /^redeemPoints: /);
    await expect400(
      'receiptDiscount',
      { ...event('receiptDiscount'), redeemPoints: 'all' },
      /^redeemPoints: /,
    );
  });

  it('an unknown payment type and a payment in fractions of a kopeck', async () => {
    const body = event('receiptCompleted') as Body & { payments: Record<string, unknown>[] };
    body.payments[1]!.type = 'BITCOIN';
    await expect400('receiptCompleted', body, /^payments\/1\/type: /);
    const cents = event('receiptCompleted') as Body & { payments: Record<string, unknown>[] };
    cents.payments[0]!.sum = '500.001';
    await expect400(
      'receiptCompleted',
      cents,
      'payments/0/sum: должно быть неотрицательной суммой в рублях, не больше 2 знаков после запятой',
    );
  });

  it('fiscal data with a malformed FN number', async () => {
    const body = event('receiptCompleted') as Body & { fiscal: Record<string, unknown> };
    body.fiscal.fnNumber = '12345';
    await expect400('receiptCompleted', body, /^fiscal\/fnNumber: /);
  });

  it('a payback without its base receipt', async () => {
    const body = event('paybackCompleted');
    delete body.baseReceiptUuid;
    await expect400('paybackCompleted', body, 'baseReceiptUuid: обязательное поле');
  });

  it('a body that is not JSON', async () => {
    const res = await fetch(`${base}/v1/evotor/receiptDiscount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer evotor-terminal-secret' },
      body: '{"receiptUuid": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});

describe('till answers', () => {
  it('a till error keeps its status and code', async () => {
    till.failNext = new AppError('CODE_REQUIRED', 'Paying with points by phone needs the SMS code');
    const res = await send(base, 'receiptDiscount', event('receiptDiscount'));
    expect(res).toEqual({
      status: 403,
      body: { error: { code: 'CODE_REQUIRED', message: 'Paying with points by phone needs the SMS code' } },
    });
  });

  it('a return of more than was sold is 409 RETURN_EXCEEDS_SALE', async () => {
    await send(base, 'receiptDiscount', event('receiptDiscount'));
    await send(base, 'receiptCompleted', event('receiptCompleted'));
    const payback = event('paybackCompleted') as Body;
    payback.receiptUuid = 'f0f0f0f0-0000-4000-8000-000000000001';
    payback.positions[0]!.quantity = '4';
    const res = await send(base, 'paybackCompleted', payback);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'RETURN_EXCEEDS_SALE' } });
  });

  it('an unexpected failure is a 500 that leaks nothing', async () => {
    till.failNext = new Error('disk on fire at /var/lib/loyalty-agent/journal');
    const res = await send(base, 'receiptDiscount', event('receiptDiscount'));
    expect(res).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Внутренняя ошибка агента: подробности в его журнале' } },
    });
  });
});
