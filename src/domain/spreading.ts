// MECHANICS step 5: spreading an integer amount over lines, proportionally to weights, exactly.
// Caps are what a line can still take (its room above the floor); the overflow of a capped line
// goes to the others. All arithmetic is on BigInt so large weights never lose precision.

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
  return spreadBig(
    amount,
    weights.map((w) => BigInt(w)),
    caps,
  );
}

/** `spread` with BigInt weights (products of amounts and ratios may exceed 2^53). */
export function spreadBig(amount: number, weights: bigint[], caps?: number[]): number[] {
  assertCount(amount, 'amount');
  weights.forEach((w, i) => {
    if (w < 0n) throw new RangeError(`weights[${i}] must not be negative`);
  });
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
  let remaining = allocate(
    amount,
    indices.filter((i) => weights[i]! > 0n && capOf(i) > 0),
    (i) => weights[i]!,
    capOf,
    parts,
  );
  if (remaining > 0) {
    // No weighted line can take more: share the rest by free capacity (or equally without caps).
    const free = indices.filter((i) => capOf(i) - parts[i]! > 0);
    remaining = allocate(
      remaining,
      free,
      (i) => (caps ? BigInt(capOf(i) - parts[i]!) : 1n),
      (i) => capOf(i) - parts[i]!,
      parts,
      true,
    );
  }
  if (remaining !== 0) throw new RangeError(`internal: ${remaining} left after spreading`);
  return parts;
}

/**
 * Water-filling over `active` lines: lines whose proportional share reaches their cap are fixed
 * at the cap (the ratio only grows as they leave, so all of them can be fixed in one pass), then
 * the rest is split by floors and largest remainders. Adds to `parts`; returns what is left
 * (non-zero only when `active` is empty).
 */
function allocate(
  amount: number,
  active: number[],
  weightOf: (i: number) => bigint,
  capOf: (i: number) => number,
  parts: number[],
  addToExisting = false,
): number {
  let remaining = amount;
  let open = active;
  for (;;) {
    if (open.length === 0 || remaining === 0) return remaining;
    const total = open.reduce((s, i) => s + weightOf(i), 0n);
    const rest = BigInt(remaining);
    const full = open.filter(
      (i) => Number.isFinite(capOf(i)) && rest * weightOf(i) >= BigInt(capOf(i)) * total,
    );
    if (full.length === 0) break;
    for (const i of full) {
      const cap = capOf(i);
      parts[i] = (addToExisting ? parts[i]! : 0) + cap;
      remaining -= cap;
    }
    open = open.filter((i) => !full.includes(i));
  }

  const total = open.reduce((s, i) => s + weightOf(i), 0n);
  const rest = BigInt(remaining);
  const remainders: { i: number; r: bigint }[] = [];
  let given = 0;
  for (const i of open) {
    const exact = rest * weightOf(i);
    const share = Number(exact / total);
    parts[i] = (addToExisting ? parts[i]! : 0) + share;
    given += share;
    remainders.push({ i, r: exact % total });
  }
  // Largest remainder first; the stable order of `open` settles ties in favour of the earlier line.
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (let k = 0; k < remaining - given; k++) parts[remainders[k]!.i]! += 1;
  return 0;
}
