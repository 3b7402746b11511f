// Shared test data: the MECHANICS example program and small builders for receipts and customers.
import { parseProgram } from '../../src/domain/index.js';
import type {
  CalculationInput,
  CustomerSnapshot,
  Program,
  ReceiptLineInput,
} from '../../src/domain/types.js';

export const MECHANICS_PROGRAM_JSON = {
  version: '2026-11-01.1',
  pointValue: 100,
  tiers: [
    { id: 'standard', name: 'Стандарт', minSpend: 0, discountPercent: 0, accrualPercent: 3 },
    { id: 'silver', name: 'Серебро', minSpend: 500000, discountPercent: 5, accrualPercent: 5 },
    { id: 'gold', name: 'Золото', minSpend: 1000000, discountPercent: 10, accrualPercent: 7 },
  ],
  tierPeriodDays: 365,
  accrual: { pendingDays: 0, expiryDays: null, onRedeemedPart: false },
  redemption: { maxPercent: 50, minPoints: 1, confirmPhone: true, offlineMaxPoints: 0 },
  receiptThresholds: [
    { minAmount: 60000, accrualPercent: 10 },
    { minAmount: 80000, accrualPercent: 15 },
    { minAmount: 100000, accrualPercent: 20 },
  ],
  promotions: [
    { id: 'x2-cleaning', kind: 'multiplier', factor: 2, match: { categories: ['cleaning'], minQty: 5 } },
    { id: 'fuel-30l', kind: 'bonus', points: 50, match: { skus: ['AI-95'], minQty: 30 } },
    {
      id: 'happy-hours',
      kind: 'multiplier',
      factor: 2,
      match: {},
      window: { weekdays: [1, 2, 3, 4, 5], hours: '14:00-16:00' },
    },
    {
      id: 'yellow-tags',
      kind: 'discount',
      percent: 15,
      match: { tags: ['yellow-price'] },
      window: { from: '2026-11-01', to: '2026-11-30' },
    },
  ],
  birthday: { daysBefore: 3, daysAfter: 3, discountPercent: 10, bonusPoints: 0 },
  tagRules: {
    tobacco: { discount: false, redeem: false, accrue: false },
    'gift-certificate': { discount: false, redeem: false, accrue: false },
    alcohol: { discount: true, redeem: true, accrue: false },
  },
  enrollment: { bonusPoints: 150, autoEnrollMinAmount: 200000 },
};

/** The MECHANICS program with changes applied on top (shallow per top-level key). */
export function program(overrides: Record<string, unknown> = {}): Program {
  return parseProgram({ ...MECHANICS_PROGRAM_JSON, ...overrides });
}

/** The worked example's program: no promotions. */
export const EXAMPLE_PROGRAM = program({ promotions: [] });

export function customer(overrides: Partial<CustomerSnapshot> = {}): CustomerSnapshot {
  return {
    id: 'c1',
    tierId: 'silver',
    periodSpend: 600000,
    balance: { available: 300, pending: 0 },
    ...overrides,
  };
}

export function line(
  lineId: string,
  price: number,
  qty: number,
  extra: Partial<ReceiptLineInput> = {},
): ReceiptLineInput {
  return { lineId, sku: `SKU-${lineId}`, name: `Товар ${lineId}`, price, qty, ...extra };
}

/** A Sunday in Moscow, outside every window of the example program except yellow tags' month. */
export const SUNDAY_AT = '2026-11-22T11:00:00+03:00';

export function input(overrides: Partial<CalculationInput> = {}): CalculationInput {
  return {
    program: EXAMPLE_PROGRAM,
    lines: [line('1', 10000, 1)],
    at: SUNDAY_AT,
    timezone: 'Europe/Moscow',
    customer: customer(),
    offline: false,
    ...overrides,
  };
}
