import { describe, expect, it } from 'vitest';
import type { CalculateResponse } from '../../../src/agent/till-api.js';
import {
  positionsToLines,
  tagsForProductType,
  toCalculateRequest,
  toConfirmRequest,
  toDiscountAnswer,
  toReturnRequest,
} from '../../../src/http/evotor/mapping.js';
import type { Position, ReceiptDiscount } from '../../../src/http/evotor/schemas.js';
import { silverCustomer } from './fake-till.js';

const juice: Position = {
  uuid: 'p-juice',
  productCode: 'JUICE',
  name: 'Сок',
  price: '100.00',
  quantity: '3',
};

function response(partial: Partial<CalculateResponse>): CalculateResponse {
  return {
    receiptId: 'r-1',
    status: 'calculated',
    offline: false,
    customer: null,
    lines: [],
    totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 0 },
    applied: [],
    coupons: [],
    messages: [],
    expiresAt: '2026-11-22T14:20:00+03:00',
    ...partial,
  };
}

describe('product types → loyalty tags', () => {
  it('tags tobacco and alcohol kinds, leaves the rest', () => {
    expect(tagsForProductType('TOBACCO')).toEqual(['tobacco']);
    expect(tagsForProductType('TOBACCO_MARKED')).toEqual(['tobacco']);
    expect(tagsForProductType('tobacco_products_marked')).toEqual(['tobacco']);
    expect(tagsForProductType('ALCOHOL_NOT_MARKED')).toEqual(['alcohol']);
    expect(tagsForProductType('BEER_MARKED')).toEqual(['alcohol']);
    expect(tagsForProductType('NORMAL')).toEqual([]);
    expect(tagsForProductType(undefined)).toEqual([]);
  });

  it('adds explicit tags and the category without duplicates', () => {
    const [line] = positionsToLines([
      {
        ...juice,
        productType: 'TOBACCO',
        tags: ['tobacco', 'yellow-price'],
        category: 'drinks',
        minPrice: 50,
      },
    ]);
    expect(line).toEqual({
      lineId: 'p-juice',
      sku: 'JUICE',
      name: 'Сок',
      price: 10000,
      qty: 3,
      tags: ['tobacco', 'yellow-price'],
      category: 'drinks',
      minPrice: 5000,
    });
  });

  it('falls back to sku, barcode, productUuid for the sku', () => {
    const lines = positionsToLines([
      { uuid: 'a', sku: 'S-1', name: 'a', price: 1, quantity: 1 },
      { uuid: 'b', barcode: '4600000000018', name: 'b', price: 1, quantity: 1 },
      { uuid: 'c', productUuid: 'prod-uuid', name: 'c', price: 1, quantity: 1 },
    ]);
    expect(lines.map((l) => l.sku)).toEqual(['S-1', '4600000000018', 'prod-uuid']);
  });
});

describe('discount answer', () => {
  it('splits a position whose paid amount does not divide by its quantity', () => {
    // 3 × 100.00 paid 289.99 = 3 × 96.66 + 1 kopeck → MECHANICS step 7: 2 × 96.66 and 1 × 96.67.
    const paid = 28_999;
    const event: ReceiptDiscount = { receiptUuid: 'r-1', positions: [juice], card: '2000000000015' };
    const answer = toDiscountAnswer(
      event,
      response({
        customer: silverCustomer,
        lines: [
          {
            lineId: 'p-juice',
            amount: 30000,
            discount: 1001,
            redeemed: 0,
            paid,
            accruedPoints: 4,
            fiscalPositions: [
              { qty: 2, price: 9666, amount: 19332 },
              { qty: 1, price: 9667, amount: 9667 },
            ],
          },
        ],
        totals: {
          amount: 30000,
          discount: 1001,
          redeemedPoints: 0,
          redeemedAmount: 0,
          toPay: paid,
          accruedPoints: 4,
        },
      }),
    );
    expect(answer.discount).toBe('10.01');
    expect(answer.positions).toEqual([
      {
        action: 'edit',
        uuid: 'p-juice',
        originalUuid: 'p-juice',
        quantity: '2',
        priceWithDiscountPosition: '96.66',
        sumWithDiscount: '193.32',
      },
      {
        action: 'split',
        uuid: 'p-juice.2',
        originalUuid: 'p-juice',
        quantity: '1',
        priceWithDiscountPosition: '96.67',
        sumWithDiscount: '96.67',
      },
    ]);
  });

  it('counts a split-off part that comes back as part of its original line', () => {
    const positions: Position[] = [
      { ...juice, quantity: '2' },
      { ...juice, uuid: 'p-juice.2', originalUuid: 'p-juice', quantity: '1' },
    ];
    const req = toCalculateRequest({ receiptUuid: 'r-1', positions });
    expect(req.lines).toEqual([
      { lineId: 'p-juice', sku: 'JUICE', name: 'Сок', price: 10000, qty: 3, tags: [] },
    ]);
    expect(() => positionsToLines([positions[0]!, { ...positions[1]!, price: '99.00' }])).toThrow(
      'positions/1/price: отличается от цены позиции, из которой она выделена',
    );
  });

  it('adds weights as thousandths: 0.1 + 0.2 kg is 0.3 kg', () => {
    const cheese: Position = { uuid: 'c', productCode: 'CH', name: 'Сыр', price: '1299.00', quantity: '0.1' };
    const lines = positionsToLines([cheese, { ...cheese, uuid: 'c.2', originalUuid: 'c', quantity: '0.2' }]);
    expect(lines[0]!.qty).toBe(0.3);
  });

  it('shows points as a COUNTEROFFER payment, coupon refusals, offline and code hints as text', () => {
    const answer = toDiscountAnswer(
      {
        receiptUuid: 'r-1',
        positions: [{ ...juice, quantity: '1' }],
        phone: '+79123456789',
        coupons: ['OLD'],
      },
      response({
        offline: true,
        customer: {
          ...silverCustomer,
          cardLast4: undefined,
          phoneMasked: '+7 912 ***-**-89',
          redeemNeedsCode: true,
        },
        lines: [
          {
            lineId: 'p-juice',
            amount: 10000,
            discount: 500,
            redeemed: 0,
            paid: 9500,
            accruedPoints: 4,
            fiscalPositions: [{ qty: 1, price: 9500, amount: 9500 }],
          },
        ],
        totals: {
          amount: 10000,
          discount: 500,
          redeemedPoints: 20,
          redeemedAmount: 2000,
          toPay: 7500,
          accruedPoints: 4,
        },
        coupons: [{ code: 'OLD', status: 'expired' }],
        pointsPayment: { type: 'other', amount: 2000 },
        messages: ['Списано 20 баллов', 'Начислено 4 балла', 'Баланс после покупки: 284 балла'],
      }),
    );
    expect(answer.discount).toBe('5.00');
    expect(answer.payments).toEqual([{ type: 'COUNTEROFFER', sum: '20.00' }]);
    expect(answer.customer).toEqual({
      displayName: 'Анна К.',
      phoneMasked: '+7 912 ***-**-89',
      tier: 'Серебро',
      balance: 300,
      redeemNeedsCode: true,
    });
    expect(answer.extraText).toEqual([
      'Покупатель: Анна К., уровень «Серебро»',
      'Скидка: 5,00 ₽',
      'Для оплаты баллами нужен код из SMS',
      'Купон OLD: истёк',
      'Расчёт без связи с сервером лояльности',
      // The points are said once, in the engine's words (no «Оплачено баллами» / «Будет начислено»).
      'Списано 20 баллов',
      'Начислено 4 балла',
      'Баланс после покупки: 284 балла',
    ]);
  });

  it('refuses to answer when the calculation lacks a position (never a silent wrong price)', () => {
    expect(() => toDiscountAnswer({ receiptUuid: 'r-1', positions: [juice] }, response({}))).toThrow(
      'the calculation has no line p-juice',
    );
  });
});

describe('completion and payback', () => {
  it('maps every Evotor payment type', () => {
    const req = toConfirmRequest({
      receiptUuid: 'r-1',
      payments: [
        { type: 'CASH', sum: '1.00' },
        { type: 'ELECTRON', sum: 2 },
        { type: 'ADVANCE', sum: '3.10' },
        { type: 'CREDIT', sum: '4' },
        { type: 'COUNTEROFFER', sum: 0.05 },
      ],
      code: '4821',
    });
    expect(req).toEqual({
      payments: [
        { type: 'cash', amount: 100 },
        { type: 'card', amount: 200 },
        { type: 'other', amount: 310 },
        { type: 'other', amount: 400 },
        { type: 'other', amount: 5 },
      ],
      code: '4821',
    });
  });

  it('adds the parts of a split position back into one return line', () => {
    const req = toReturnRequest({
      receiptUuid: 'ret-1',
      baseReceiptUuid: 'r-1',
      positions: [
        { uuid: 'p-juice', quantity: '1' },
        { uuid: 'p-juice.2', originalUuid: 'p-juice', quantity: 1 },
        { uuid: 'c', quantity: '0.1' },
        { uuid: 'c.2', originalUuid: 'c', quantity: '0.2' },
      ],
    });
    expect(req).toEqual({
      returnId: 'ret-1',
      receiptId: 'r-1',
      lines: [
        { lineId: 'p-juice', qty: 2 },
        { lineId: 'c', qty: 0.3 },
      ],
    });
  });
});
