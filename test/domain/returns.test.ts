import { describe, expect, it } from 'vitest';
import { computeReturn, DomainError } from '../../src/domain/index.js';
import type { ReturnedSoFar, ReturnLineResult, SoldLine } from '../../src/domain/types.js';

// The worked example as sold.
const SOLD: SoldLine[] = [
  { lineId: 'A', qty: 3, paid: 16221, redeemed: 9400, accruedPoints: 24 },
  { lineId: 'B', qty: 1, paid: 21500, redeemed: 0, accruedPoints: 0 },
  { lineId: 'C', qty: 0.455, paid: 35550, redeemed: 20600, accruedPoints: 53 },
];

function add(so: Record<string, ReturnedSoFar>, lines: ReturnLineResult[]): Record<string, ReturnedSoFar> {
  const out = structuredClone(so);
  for (const l of lines) {
    const acc = out[l.lineId] ?? { qty: 0, paid: 0, redeemed: 0, accruedPoints: 0 };
    out[l.lineId] = {
      qty: (Math.round(acc.qty * 1000) + Math.round(l.qty * 1000)) / 1000,
      paid: acc.paid + l.paid,
      redeemed: acc.redeemed + l.redeemed,
      accruedPoints: acc.accruedPoints + l.accruedPoints,
    };
  }
  return out;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  }
  throw new Error('accepted');
}

describe('computeReturn', () => {
  it('returns everything when no lines are named', () => {
    const r = computeReturn(SOLD, {});
    expect(r.lines).toEqual(
      SOLD.map(({ lineId, qty, paid, redeemed, accruedPoints }) => ({
        lineId,
        qty,
        paid,
        redeemed,
        accruedPoints,
      })),
    );
    expect(r.refund).toEqual({ amount: 73271, pointsReturned: 300, pointsReversed: 77 });
  });

  it('gives a partial return its rounded share', () => {
    const r = computeReturn(SOLD, {}, [{ lineId: 'A', qty: 1 }]);
    // 16221 / 3 = 5407; 9400 / 3 = 3133.3 → 3133; 24 / 3 = 8.
    expect(r.lines).toEqual([{ lineId: 'A', qty: 1, paid: 5407, redeemed: 3133, accruedPoints: 8 }]);
    expect(r.refund).toEqual({ amount: 5407, pointsReturned: 31, pointsReversed: 8 });
  });

  it('lets the last return take exactly what remains', () => {
    let so: Record<string, ReturnedSoFar> = {};
    const parts: ReturnLineResult[] = [];
    let points = 0;
    for (const qty of [0.1, 0.2, 0.155]) {
      const r = computeReturn(SOLD, so, [{ lineId: 'C', qty }]);
      parts.push(...r.lines);
      points += r.refund.pointsReturned;
      so = add(so, r.lines);
    }
    expect(parts.reduce((s, l) => s + l.paid, 0)).toBe(35550);
    expect(parts.reduce((s, l) => s + l.redeemed, 0)).toBe(20600);
    expect(parts.reduce((s, l) => s + l.accruedPoints, 0)).toBe(53);
    expect(points).toBe(206);
    // 0.1 of 0.455: 35550 × 100 / 455 = 7813.19 → 7813.
    expect(parts[0]!.paid).toBe(7813);
  });

  it('returns "everything left" after a partial return', () => {
    const first = computeReturn(SOLD, {}, [{ lineId: 'A', qty: 2 }]);
    const rest = computeReturn(SOLD, add({}, first.lines));
    expect(rest.lines.map((l) => [l.lineId, l.qty])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 0.455],
    ]);
    expect(first.refund.amount + rest.refund.amount).toBe(73271);
    expect(first.refund.pointsReturned + rest.refund.pointsReturned).toBe(300);
    expect(first.refund.pointsReversed + rest.refund.pointsReversed).toBe(77);
  });

  it('never gives a partial share above what remains', () => {
    // 5 kopecks over 8 units: each unit rounds 0.625 up to 1, the sixth must get what is left (0).
    const sold: SoldLine[] = [{ lineId: 'x', qty: 8, paid: 5, redeemed: 0, accruedPoints: 0 }];
    let so: Record<string, ReturnedSoFar> = {};
    const paid: number[] = [];
    for (let k = 0; k < 8; k++) {
      const r = computeReturn(sold, so, [{ lineId: 'x', qty: 1 }]);
      paid.push(r.lines[0]!.paid);
      so = add(so, r.lines);
    }
    expect(paid).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('refuses more than remains', () => {
    expect(codeOf(() => computeReturn(SOLD, {}, [{ lineId: 'A', qty: 4 }]))).toBe('RETURN_EXCEEDS_SALE');
    const so = add({}, computeReturn(SOLD, {}, [{ lineId: 'A', qty: 3 }]).lines);
    expect(codeOf(() => computeReturn(SOLD, so, [{ lineId: 'A', qty: 1 }]))).toBe('RETURN_EXCEEDS_SALE');
    const all = add({}, computeReturn(SOLD, {}).lines);
    expect(codeOf(() => computeReturn(SOLD, all))).toBe('RETURN_EXCEEDS_SALE');
  });

  it('refuses unknown lines, bad quantities, repeated lines and an empty list', () => {
    expect(codeOf(() => computeReturn(SOLD, {}, [{ lineId: 'Z', qty: 1 }]))).toBe('RETURN_INVALID');
    expect(codeOf(() => computeReturn(SOLD, {}, [{ lineId: 'A', qty: 0 }]))).toBe('RETURN_INVALID');
    expect(codeOf(() => computeReturn(SOLD, {}, [{ lineId: 'A', qty: -1 }]))).toBe('RETURN_INVALID');
    expect(codeOf(() => computeReturn(SOLD, {}, [{ lineId: 'C', qty: 0.0001 }]))).toBe('RETURN_INVALID');
    expect(
      codeOf(() =>
        computeReturn(SOLD, {}, [
          { lineId: 'A', qty: 1 },
          { lineId: 'A', qty: 1 },
        ]),
      ),
    ).toBe('RETURN_INVALID');
    expect(codeOf(() => computeReturn(SOLD, {}, []))).toBe('RETURN_INVALID');
  });

  it('converts returned kopecks of points with the program point value', () => {
    const sold: SoldLine[] = [{ lineId: 'x', qty: 2, paid: 0, redeemed: 1000, accruedPoints: 0 }];
    expect(computeReturn(sold, {}, undefined, 10).refund.pointsReturned).toBe(100);
  });
});
