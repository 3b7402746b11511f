// The customer's tier and the progress to the next one. The cloud's tierId wins when the program
// still has it; otherwise the tier follows the spend over the tier period (tiers are sorted by
// minSpend and the lowest starts at 0, as parseProgram guarantees).
import type { CustomerSnapshot, Kopecks, Program, Tier } from './types.js';

export function tierBySpend(program: Program, periodSpend: Kopecks): Tier {
  let found = program.tiers[0]!;
  for (const tier of program.tiers) if (tier.minSpend <= periodSpend) found = tier;
  return found;
}

export function tierOf(program: Program, customer: CustomerSnapshot): Tier {
  const named =
    customer.tierId === undefined ? undefined : program.tiers.find((t) => t.id === customer.tierId);
  return named ?? tierBySpend(program, customer.periodSpend);
}

/** The tier above the customer's and the spend still missing for it (never negative); null at the top. */
export function nextTierProgress(
  program: Program,
  customer: CustomerSnapshot,
): { tier: Tier; remaining: Kopecks } | null {
  const current = tierOf(program, customer);
  const next = program.tiers.find((t) => t.minSpend > current.minSpend);
  if (!next) return null;
  return { tier: next, remaining: Math.max(0, next.minSpend - customer.periodSpend) };
}
