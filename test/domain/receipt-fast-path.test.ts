import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReceiptLines, wellFormedReceiptLines } from '../../src/domain/receipt.js';

// A well-formed line with at most one field spoiled by a value near an edge the thorough
// reader checks, so that accepted and refused receipts are both common.
const edge = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  ' ',
  'A',
  0,
  -1,
  0.5,
  1.2345,
  0.0005,
  9e15,
  Number.NaN,
  true,
  [],
  [''],
  ['a', 1],
  {},
);
const validLine = fc.record(
  {
    lineId: fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '8'),
    sku: fc.constantFrom('A', 'молоко', ' x '),
    name: fc.constantFrom('', 'Хлеб'),
    price: fc.nat({ max: 100_000 }),
    qty: fc.oneof(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 20_000 }).map((m) => m / 1000),
    ),
    category: fc.constantFrom('grocery', ''),
    tags: fc.array(fc.constantFrom('tobacco', ' ', 'yellow-price'), { maxLength: 3 }),
    minPrice: fc.oneof(fc.nat({ max: 2_000 }), fc.constant(null)),
  },
  { requiredKeys: ['lineId', 'sku', 'price', 'qty'] },
);
const fields = ['lineId', 'sku', 'name', 'price', 'qty', 'category', 'tags', 'minPrice'] as const;
const line = fc
  .tuple(validLine, fc.option(fc.tuple(fc.constantFrom(...fields), edge), { freq: 2 }))
  .map(([l, spoil]) => (spoil ? { ...l, [spoil[0]]: spoil[1] } : l));

function thorough(lines: unknown): { lines: unknown } | { refused: true } {
  try {
    return { lines: checkReceiptLines(lines) };
  } catch {
    return { refused: true };
  }
}

describe('receipt lines: the fast path agrees with the thorough reader', () => {
  it('accepts exactly the receipts the thorough reader accepts, with the same clean lines', () => {
    const outcomes = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(fc.array(line, { maxLength: 3 }), edge), (lines) => {
        const fast = wellFormedReceiptLines(lines);
        const slow = thorough(lines);
        if ('refused' in slow) expect(fast).toBeNull();
        else expect(fast).toEqual(slow.lines);
        outcomes['refused' in slow ? 'refused' : 'accepted'] += 1;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the comparison were really exercised.
    expect(outcomes.accepted).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(300);
  });

  it('copies the tags, so the caller cannot change a validated line', () => {
    const tags = ['tobacco'];
    const [l] = wellFormedReceiptLines([{ lineId: '1', sku: 'A', price: 100, qty: 1, tags }])!;
    tags.push('x');
    expect(l!.tags).toEqual(['tobacco']);
  });
});
