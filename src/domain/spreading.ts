// MECHANICS step 5: spreading an integer amount over lines, proportionally to weights, exactly.
// Caps are what a line can still take (its room above the floor); the overflow of a capped line
// goes to the others. The arithmetic runs on Numbers while every product stays below 2^53 (every
// real receipt) and on BigInt beyond, so large weights never lose precision either way.

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Splits `amount` into parts proportional to `weights`: floors first, then the leftover units
 * one by one by the largest remainder (ties: the earlier line). With `caps`, no part exceeds its
 * cap and what a capped line cannot take is shared by the others. If no weighted line can take
 * the rest (all weights 0 or all full), it goes to the remaining lines by their free capacity
 * (equally without caps). The parts always sum to `amount`.
 * Throws RangeError when the amount exceeds the total capacity or the input is not integral.
 */
export function spread(amount: number, weights: number[], caps?: number[]): number[] {
  weights.forEach((w, i) => {
    assertCount(w, `weights[${i}]`);
  });
  return spreadWith(amount, weights, caps);
}

/** `spread` with BigInt weights (products of amounts and ratios may exceed 2^53). */
export function spreadBig(amount: number, weights: bigint[], caps?: number[]): number[] {
  weights.forEach((w, i) => {
    if (w < 0n) throw new RangeError(`weights[${i}] must not be negative`);
  });
  return spreadWith(amount, weights, caps);
}

function spreadWith(
  amount: number,
  weights: readonly (number | bigint)[],
  caps: number[] | undefined,
): number[] {
  assertCount(amount, 'amount');
  if (caps) {
    if (caps.length !== weights.length) throw new RangeError('caps and weights must have the same length');
    caps.forEach((c, i) => {
      assertCount(c, `caps[${i}]`);
    });
    const capacity = caps.reduce((s, c) => s + c, 0);
    if (amount > capacity) throw new RangeError(`amount ${amount} exceeds the total capacity ${capacity}`);
  } else if (amount > 0 && weights.length === 0) {
    throw new RangeError(`amount ${amount} cannot be spread over no lines`);
  }

  const parts = weights.map(() => 0);
  if (amount === 0) return parts;
  const capOf = (i: number): number => (caps ? caps[i]! : Number.POSITIVE_INFINITY);
  const indices = weights.map((_, i) => i);
  const byWeight = exactFor(amount, weights);
  let remaining = allocateIn(
    amount,
    indices.filter((i) => byWeight.weights[i]! > 0 && capOf(i) > 0),
    byWeight,
    capOf,
    parts,
  );
  if (remaining > 0) {
    // No weighted line can take more: share the rest by free capacity (or equally without caps).
    const freeOf = (i: number): number => capOf(i) - parts[i]!;
    const byFree = exactFor(
      remaining,
      indices.map((i) => (caps ? Math.max(freeOf(i), 0) : 1)),
    );
    remaining = allocateIn(
      remaining,
      indices.filter((i) => freeOf(i) > 0),
      byFree,
      freeOf,
      parts,
    );
  }
  if (remaining !== 0) throw new RangeError(`internal: ${remaining} left after spreading`);
  return parts;
}

/** Exact integer arithmetic on one representation (Number or BigInt), chosen per call. */
interface Exact<T> {
  kind: T extends number ? 'number' : 'bigint';
  weights: readonly T[];
  /** Σ weights of the lines `open` */
  sumOf(open: readonly number[]): T;
  /** rest × weight ≥ cap × total */
  reachesCap(rest: number, weight: T, cap: number, total: T): boolean;
  /** ⌊rest × weight / total⌋ */
  quotient(rest: number, weight: T, total: T): number;
  /** rest × weight mod total */
  remainder(rest: number, weight: T, total: T): T;
}

const numbers = (weights: readonly number[]): Exact<number> => ({
  kind: 'number',
  weights,
  sumOf: (open) => {
    let total = 0;
    for (const i of open) total += weights[i]!;
    return total;
  },
  // cap ≤ rest here, so cap × total ≤ rest × total, which exactFor bounded below 2^53.
  reachesCap: (rest, weight, cap, total) => cap <= rest && rest * weight >= cap * total,
  // % of safe integers is exact, so (product − remainder) / total is an exact whole quotient.
  quotient: (rest, weight, total) => (rest * weight - ((rest * weight) % total)) / total,
  remainder: (rest, weight, total) => (rest * weight) % total,
});

const bigints = (weights: readonly bigint[]): Exact<bigint> => ({
  kind: 'bigint',
  weights,
  sumOf: (open) => {
    let total = 0n;
    for (const i of open) total += weights[i]!;
    return total;
  },
  reachesCap: (rest, weight, cap, total) => BigInt(rest) * weight >= BigInt(cap) * total,
  quotient: (rest, weight, total) => Number((BigInt(rest) * weight) / total),
  remainder: (rest, weight, total) => (BigInt(rest) * weight) % total,
});

/**
 * Numbers are exact when amount × Σweights < 2^53: every product below (rest × weight,
 * rest × total, cap × total with cap ≤ rest) is bounded by it.
 */
function exactFor(amount: number, weights: readonly (number | bigint)[]): EitherExact {
  let total = 0;
  for (const w of weights) total += Number(w);
  if (Number.isSafeInteger(total) && Number.isSafeInteger(amount * total)) {
    return numbers(weights.map(Number));
  }
  return bigints(weights.map((w) => BigInt(w)));
}

type EitherExact = Exact<number> | Exact<bigint>;

function allocateIn(
  amount: number,
  active: number[],
  exact: EitherExact,
  capOf: (i: number) => number,
  parts: number[],
): number {
  // Each branch narrows `exact` to one arithmetic, so `allocate` is instantiated for it.
  return exact.kind === 'number'
    ? allocate(amount, active, exact, capOf, parts)
    : allocate(amount, active, exact, capOf, parts);
}

/**
 * Water-filling over `active` lines: lines whose proportional share reaches their cap are fixed
 * at the cap (the ratio only grows as they leave, so all of them can be fixed in one pass), then
 * the rest is split by floors and largest remainders. Adds to `parts`; returns what is left
 * (non-zero only when `active` is empty).
 */
function allocate<T extends number | bigint>(
  amount: number,
  active: number[],
  exact: Exact<T>,
  capOf: (i: number) => number,
  parts: number[],
): number {
  const weightOf = (i: number): T => exact.weights[i]!;
  let remaining = amount;
  let open = active;
  for (;;) {
    if (open.length === 0 || remaining === 0) return remaining;
    const total = exact.sumOf(open);
    const rest = remaining;
    const full = open.filter(
      (i) => Number.isFinite(capOf(i)) && exact.reachesCap(rest, weightOf(i), capOf(i), total),
    );
    if (full.length === 0) break;
    for (const i of full) {
      const cap = capOf(i);
      parts[i]! += cap;
      remaining -= cap;
    }
    open = open.filter((i) => !full.includes(i));
  }

  const total = exact.sumOf(open);
  let given = 0;
  for (const i of open) {
    const share = exact.quotient(remaining, weightOf(i), total);
    parts[i]! += share;
    given += share;
  }
  const leftover = remaining - given;
  if (leftover === 0) return 0;
  // Largest remainder first; ties go to the earlier line.
  const remainders = open.map((i) => exact.remainder(remaining, weightOf(i), total));
  const order = open.map((_, k) => k);
  order.sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    return ra === rb ? open[a]! - open[b]! : ra > rb ? -1 : 1;
  });
  for (let k = 0; k < leftover; k++) parts[open[order[k]!]!]! += 1;
  return 0;
}
