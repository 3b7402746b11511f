// Property tests: random programs and receipts must keep the engine's invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calculate,
  computeReturn,
  fiscalPositions,
  lineAmount,
  lineFloor,
  parseProgram,
  spread,
} from '../../src/domain/index.js';
import type {
  CalculationInput,
  CouponState,
  CustomerSnapshot,
  ReceiptLineInput,
  ReturnedSoFar,
  SoldLine,
} from '../../src/domain/types.js';

const RUNS = { numRuns: 150 };

const percent = fc.integer({ min: 0, max: 1000 }).map((x) => x / 10); // 0..100 with one decimal
const TAGS = ['tobacco', 'alcohol', 'yellow-price', 'gift-certificate'];
const CATEGORIES = ['dairy', 'cleaning', 'fuel'];

const programArb = fc
  .record({
    pointValue: fc.constantFrom(1, 10, 100),
    tierDiscounts: fc.array(percent, { minLength: 1, maxLength: 3 }),
    tierAccruals: fc.array(percent, { minLength: 3, maxLength: 3 }),
    maxPercent: percent,
    minPoints: fc.integer({ min: 0, max: 5 }),
    offlineMaxPoints: fc.integer({ min: 0, max: 500 }),
    fiscalMode: fc.constantFrom('discount', 'payment'),
    onRedeemedPart: fc.boolean(),
    thresholds: fc.array(
      fc.record({ minAmount: fc.integer({ min: 0, max: 300000 }), accrualPercent: percent }),
      {
        maxLength: 3,
      },
    ),
    promotions: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('discount'), percent, tag: fc.constantFrom(...TAGS) }),
        fc.record({
          kind: fc.constant('multiplier'),
          factor: fc.constantFrom(1.5, 2, 3),
          category: fc.constantFrom(...CATEGORIES),
        }),
        fc.record({
          kind: fc.constant('bonus'),
          points: fc.integer({ min: 0, max: 100 }),
          category: fc.constantFrom(...CATEGORIES),
        }),
      ),
      { maxLength: 4 },
    ),
    birthdayPercent: percent,
    birthdayBonus: fc.integer({ min: 0, max: 100 }),
    enrollBonus: fc.integer({ min: 0, max: 200 }),
    enrollMin: fc.integer({ min: 0, max: 100000 }),
  })
  .map((r) =>
    parseProgram({
      version: 'prop',
      pointValue: r.pointValue,
      tiers: r.tierDiscounts.map((d, i) => ({
        id: `t${i}`,
        name: `Tier ${i}`,
        minSpend: i * 100000,
        discountPercent: d,
        accrualPercent: r.tierAccruals[i]!,
      })),
      accrual: { onRedeemedPart: r.onRedeemedPart },
      redemption: {
        maxPercent: r.maxPercent,
        minPoints: r.minPoints,
        offlineMaxPoints: r.offlineMaxPoints,
        fiscalMode: r.fiscalMode,
      },
      receiptThresholds: r.thresholds,
      promotions: r.promotions.map((p, i) => {
        const id = `p${i}`;
        if (p.kind === 'discount')
          return { id, kind: 'discount', percent: p.percent, match: { tags: [p.tag] } };
        if (p.kind === 'multiplier')
          return { id, kind: 'multiplier', factor: p.factor, match: { categories: [p.category] } };
        return { id, kind: 'bonus', points: p.points, match: { categories: [p.category] } };
      }),
      birthday: {
        daysBefore: 3,
        daysAfter: 3,
        discountPercent: r.birthdayPercent,
        bonusPoints: r.birthdayBonus,
      },
      tagRules: {
        tobacco: { discount: false, redeem: false, accrue: false },
        'gift-certificate': { discount: false, redeem: false, accrue: false },
        alcohol: { discount: true, redeem: true, accrue: false },
      },
      enrollment: { bonusPoints: r.enrollBonus, autoEnrollMinAmount: r.enrollMin },
    }),
  );

const lineArb = fc
  .record({
    price: fc.integer({ min: 0, max: 200000 }),
    milli: fc.integer({ min: 1, max: 20000 }),
    tags: fc.subarray(TAGS, { maxLength: 2 }),
    category: fc.constantFrom(...CATEGORIES),
    minPriceShare: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  })
  .map(
    (l): Omit<ReceiptLineInput, 'lineId'> => ({
      sku: `SKU-${l.category}`,
      name: 'Товар',
      price: l.price,
      qty: l.milli / 1000,
      category: l.category,
      tags: l.tags,
      ...(l.minPriceShare !== undefined && { minPrice: Math.floor((l.price * l.minPriceShare) / 100) }),
    }),
  );

const customerArb: fc.Arbitrary<CustomerSnapshot | null> = fc.option(
  fc.record({
    id: fc.constant('c'),
    tierId: fc.option(fc.constantFrom('t0', 't1', 't2', 'gone'), { nil: undefined }),
    periodSpend: fc.integer({ min: 0, max: 400000 }),
    balance: fc.record({
      available: fc.integer({ min: -100, max: 5000 }),
      pending: fc.integer({ min: 0, max: 100 }),
    }),
    birthday: fc.option(fc.constantFrom('11-22', '11-25', '01-01', '02-29'), { nil: undefined }),
    birthdayBonusUsed: fc.option(fc.boolean(), { nil: undefined }),
    offlineAllowance: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
  }),
  { nil: null },
);

const couponArb: fc.Arbitrary<CouponState> = fc.record({
  code: fc.constantFrom('A', 'B', 'C'),
  status: fc.constantFrom('valid', 'valid', 'unknown', 'used', 'expired'),
  percent: fc.option(percent, { nil: undefined }),
  amount: fc.option(fc.integer({ min: 1, max: 50000 }), { nil: undefined }),
  minAmount: fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
});

const inputArb: fc.Arbitrary<CalculationInput> = fc
  .record({
    program: programArb,
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    customer: customerArb,
    redeem: fc.option(
      fc.oneof(fc.constant({ max: true as const }), fc.record({ points: fc.integer({ min: 0, max: 6000 }) })),
      {
        nil: undefined,
      },
    ),
    coupons: fc.array(couponArb, { maxLength: 3 }),
    offline: fc.boolean(),
    offlineRedeemedSinceSync: fc.integer({ min: 0, max: 400 }),
    redeemAllowed: fc.option(fc.boolean(), { nil: undefined }),
    enrolling: fc.option(fc.boolean(), { nil: undefined }),
    at: fc.constantFrom('2026-11-22T11:00:00+03:00', '2026-11-23T14:30:00+03:00', '2026-12-31T23:30:00Z'),
  })
  .map((r) => ({
    ...r,
    lines: r.lines.map((l, i) => ({ ...l, lineId: `L${i}` })),
    timezone: 'Europe/Moscow',
  }));

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

describe('calculate: invariants over random receipts', () => {
  it('keeps every line between its floor and its amount, and the totals consistent', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = calculate(input);
        const payment = input.program.redemption.fiscalMode === 'payment';
        r.lines.forEach((l, i) => {
          const src = input.lines[i]!;
          const a = lineAmount(src.price, src.qty);
          const floor = Math.min(a, src.minPrice ? lineFloor(src.minPrice, src.qty) : 0);
          expect(l.amount).toBe(a);
          expect(l.discount).toBeGreaterThanOrEqual(0);
          expect(l.redeemed).toBeGreaterThanOrEqual(0);
          expect(l.accruedPoints).toBeGreaterThanOrEqual(0);
          expect(l.paid).toBe(l.amount - l.discount - l.redeemed);
          expect(l.paid).toBeGreaterThanOrEqual(floor);
          expect(floor).toBeGreaterThanOrEqual(0);
          const fiscal = payment ? l.paid + l.redeemed : l.paid;
          expect(sum(l.fiscalPositions.map((p) => p.amount))).toBe(fiscal);
          expect(sum(l.fiscalPositions.map((p) => Math.round(p.qty * 1000)))).toBe(
            Math.round(src.qty * 1000),
          );
        });
        expect(r.totals.amount).toBe(sum(r.lines.map((l) => l.amount)));
        expect(r.totals.discount).toBe(sum(r.lines.map((l) => l.discount)));
        expect(r.totals.redeemedAmount).toBe(sum(r.lines.map((l) => l.redeemed)));
        expect(r.totals.redeemedAmount).toBe(r.totals.redeemedPoints * input.program.pointValue);
        expect(r.totals.toPay).toBe(sum(r.lines.map((l) => l.paid)));
        expect(r.totals.accruedPoints).toBe(sum(r.lines.map((l) => l.accruedPoints)));
      }),
      RUNS,
    );
  });

  it('never redeems more than the balance, the request, maxPercent, the room or the offline allowance', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = calculate(input);
        const R = r.totals.redeemedPoints;
        if (R === 0) return;
        const { program: p, customer } = input;
        expect(customer).not.toBeNull();
        expect(input.enrolling).not.toBe(true);
        expect(input.redeemAllowed).not.toBe(false);
        expect(R).toBeLessThanOrEqual(customer!.balance.available);
        expect(R).toBeGreaterThanOrEqual(p.redemption.minPoints);
        if (input.redeem && 'points' in input.redeem) expect(R).toBeLessThanOrEqual(input.redeem.points);
        const redeemable = r.lines.filter(
          (_, i) => !(input.lines[i]!.tags ?? []).some((t) => t === 'tobacco' || t === 'gift-certificate'),
        );
        const base = sum(redeemable.map((l) => l.amount - l.discount));
        expect(R * p.pointValue * 100).toBeLessThanOrEqual(base * p.redemption.maxPercent + 1e-6);
        const room = sum(
          redeemable.map((l) => {
            const src = input.lines[r.lines.indexOf(l)]!;
            const floor = Math.min(l.amount, src.minPrice ? lineFloor(src.minPrice, src.qty) : 0);
            return Math.max(0, l.amount - l.discount - floor);
          }),
        );
        expect(R * p.pointValue).toBeLessThanOrEqual(room);
        if (input.offline) {
          const allowance = customer!.offlineAllowance ?? p.redemption.offlineMaxPoints;
          expect(R).toBeLessThanOrEqual(allowance - (input.offlineRedeemedSinceSync ?? 0));
        }
      }),
      RUNS,
    );
  });

  it('never discounts, redeems or rewards tobacco', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = calculate(input);
        r.lines.forEach((l, i) => {
          if (!(input.lines[i]!.tags ?? []).includes('tobacco')) return;
          expect(l.discount).toBe(0);
          expect(l.redeemed).toBe(0);
          expect(l.accruedPoints).toBe(0);
          expect(l.paid).toBe(l.amount);
        });
      }),
      RUNS,
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const before = structuredClone(input);
        const first = calculate(input);
        expect(input).toEqual(before);
        expect(calculate(structuredClone(input))).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });
});

describe('spread: invariants', () => {
  it('sums exactly and respects caps', () => {
    const arb = fc
      .array(
        fc.record({ w: fc.integer({ min: 0, max: 1_000_000 }), cap: fc.integer({ min: 0, max: 100_000 }) }),
        {
          minLength: 1,
          maxLength: 10,
        },
      )
      .chain((rows) =>
        fc.record({
          rows: fc.constant(rows),
          amount: fc.integer({ min: 0, max: sum(rows.map((r) => r.cap)) }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ rows, amount }) => {
        const parts = spread(
          amount,
          rows.map((r) => r.w),
          rows.map((r) => r.cap),
        );
        expect(sum(parts)).toBe(amount);
        parts.forEach((p, i) => {
          expect(Number.isInteger(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(rows[i]!.cap);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is within one unit of the exact proportional share without caps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 10 }),
        (amount, weights) => {
          const parts = spread(amount, weights);
          const total = sum(weights);
          expect(sum(parts)).toBe(amount);
          for (const [i, p] of parts.entries())
            expect(Math.abs(p - (amount * weights[i]!) / total)).toBeLessThan(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fiscalPositions: invariants', () => {
  it('sum to the paid amount and the quantity, prices one kopeck apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (paid, milli) => {
          const qty = milli / 1000;
          const positions = fiscalPositions(paid, qty);
          expect(sum(positions.map((p) => p.amount))).toBe(paid);
          expect(sum(positions.map((p) => Math.round(p.qty * 1000)))).toBe(milli);
          if (milli % 1000 === 0) {
            for (const p of positions) expect(p.amount).toBe(p.price * p.qty);
            if (positions.length === 2) expect(positions[1]!.price - positions[0]!.price).toBe(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('computeReturn: any sequence of partial returns adds up to the sale', () => {
  it('to the kopeck and to the point', () => {
    const arb = fc
      .record({
        milli: fc.integer({ min: 1, max: 10_000 }),
        paid: fc.integer({ min: 0, max: 1_000_000 }),
        redeemed: fc.integer({ min: 0, max: 100_000 }),
        accruedPoints: fc.integer({ min: 0, max: 1000 }),
      })
      .chain((line) =>
        fc.record({
          line: fc.constant(line),
          cuts: fc.array(fc.integer({ min: 1, max: line.milli }), { maxLength: 6 }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ line, cuts }) => {
        const sold: SoldLine[] = [
          {
            lineId: 'x',
            qty: line.milli / 1000,
            paid: line.paid,
            redeemed: line.redeemed,
            accruedPoints: line.accruedPoints,
          },
        ];
        let left = line.milli;
        const so: ReturnedSoFar = { qty: 0, paid: 0, redeemed: 0, accruedPoints: 0 };
        let pointsBack = 0;
        const take = (k: number | undefined) => {
          const r = computeReturn(
            sold,
            { x: so },
            k === undefined ? undefined : [{ lineId: 'x', qty: k / 1000 }],
          );
          const l = r.lines[0]!;
          expect(l.paid).toBeGreaterThanOrEqual(0);
          expect(l.redeemed).toBeGreaterThanOrEqual(0);
          expect(l.accruedPoints).toBeGreaterThanOrEqual(0);
          so.qty = (Math.round(so.qty * 1000) + Math.round(l.qty * 1000)) / 1000;
          so.paid += l.paid;
          so.redeemed += l.redeemed;
          so.accruedPoints += l.accruedPoints;
          pointsBack += r.refund.pointsReturned;
          left -= Math.round(l.qty * 1000);
        };
        for (const cut of cuts) {
          const k = Math.min(cut, left - 1);
          if (k <= 0) break;
          take(k);
        }
        take(undefined); // the rest
        expect(left).toBe(0);
        expect(so).toEqual({
          qty: line.milli / 1000,
          paid: line.paid,
          redeemed: line.redeemed,
          accruedPoints: line.accruedPoints,
        });
        expect(pointsBack).toBe(Math.round(line.redeemed / 100));
      }),
      { numRuns: 300 },
    );
  });
});
