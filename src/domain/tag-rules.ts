// What a line's tags allow. A line may carry several tags; any rule that forbids wins (a bottle
// tagged both "alcohol" and "gift-certificate" is not rewarded). Unknown tags restrict nothing.
import type { Program, TagRule } from './types.js';

export function lineRules(program: Program, tags: string[] | undefined): TagRule {
  const rule: TagRule = { discount: true, redeem: true, accrue: true };
  for (const tag of tags ?? []) {
    const r = program.tagRules[tag];
    if (!r) continue;
    rule.discount &&= r.discount;
    rule.redeem &&= r.redeem;
    rule.accrue &&= r.accrue;
  }
  return rule;
}
