// The receipt calculation, MECHANICS steps 1–8, as one pure function of its input. Each step
// lives in its own module; this file only wires them in the normative order.
import { accrue } from './accrual.js';
import { birthdayWindowContains } from './birthday.js';
import { checkCalculationInput } from './calculation-input.js';
import { planCoupons } from './coupons.js';
import { type DiscountSource, percentDiscounts } from './discount.js';
import { fiscalPositions } from './fiscal.js';
import { receiptMessages } from './messages.js';
import { formatPercent, formatRub, lineAmount, lineFloor } from './money.js';
import { promotionLines } from './promotions.js';
import { validateReceiptLines } from './receipt.js';
import { redeemablePoints } from './redemption.js';
import { spread } from './spreading.js';
import { lineRules } from './tag-rules.js';
import { nextTierProgress, tierOf } from './tier.js';
import type {
  Applied,
  CalculationInput,
  CalculationResult,
  Kopecks,
  LineResult,
  Points,
  Tier,
} from './types.js';

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

export function calculate(input: CalculationInput): CalculationResult {
  const { program } = input;
  const lines = validateReceiptLines(input.lines);
  const local = checkCalculationInput(input);
  const all = lines.map((_, i) => i);
  const rules = lines.map((l) => lineRules(program, l.tags));
  const discountable = all.filter((i) => rules[i]!.discount);
  const redeemable = all.filter((i) => rules[i]!.redeem);
  const accruable = all.filter((i) => rules[i]!.accrue);

  // 1. Amounts, and the floor no line may go below (never above the amount itself).
  const amounts = lines.map((l) => lineAmount(l.price, l.qty));
  const floors = lines.map((l, i) => Math.min(amounts[i]!, l.minPrice ? lineFloor(l.minPrice, l.qty) : 0));

  // A customer who is being enrolled is not a member yet: no personal discount on this receipt.
  const member = input.customer && !input.enrolling ? input.customer : null;
  const memberTier = member ? tierOf(program, member) : null;
  const birthdayNow =
    member !== null &&
    birthdayWindowContains(
      member.birthday,
      local.date,
      program.birthday.daysBefore,
      program.birthday.daysAfter,
    );

  // 2. Percent discount: the best source per line.
  const coupons = planCoupons(input.coupons ?? [], sum(discountable.map((i) => amounts[i]!)));
  const sources: DiscountSource[] = [];
  if (memberTier) {
    sources.push({
      kind: 'tier',
      id: memberTier.id,
      title: `Скидка уровня «${memberTier.name}» ${formatPercent(memberTier.discountPercent)}`,
      percent: memberTier.discountPercent,
    });
  }
  if (birthdayNow) {
    const percent = program.birthday.discountPercent;
    sources.push({
      kind: 'birthday',
      id: 'birthday',
      title: `Скидка ко дню рождения ${formatPercent(percent)}`,
      percent,
    });
  }
  for (const promo of program.promotions) {
    if (promo.kind !== 'discount') continue;
    const hits = promotionLines(promo, lines, discountable, local);
    if (hits.length > 0) {
      sources.push({
        kind: 'promotion',
        id: promo.id,
        title: promo.title ?? promo.id,
        percent: promo.percent,
        lines: new Set(hits),
      });
    }
  }
  const percentCoupon = coupons.percent;
  if (percentCoupon) {
    const { code, title, percent } = percentCoupon.coupon;
    sources.push({
      kind: 'coupon',
      id: code,
      title: title ?? `Купон ${code} ${formatPercent(percent)}`,
      percent,
    });
  }
  const { discounts, winners } = percentDiscounts(amounts, floors, new Set(discountable), sources);
  const applied: Applied[] = [];
  sources.forEach((s, k) => {
    const amount = sum(discounts.filter((_, i) => winners[i] === k));
    if (amount > 0) applied.push({ kind: s.kind, id: s.id, title: s.title, amount });
    if (s.kind === 'coupon' && percentCoupon) {
      coupons.outcomes[percentCoupon.index]!.status = amount > 0 ? 'applied' : 'not-applicable';
    }
  });

  //    Fixed-amount coupons: spread over what the eligible lines can still give up.
  for (const { index, coupon } of coupons.fixed) {
    const weights = discountable.map((i) => amounts[i]! - discounts[i]!);
    const caps = discountable.map((i) => Math.max(0, amounts[i]! - discounts[i]! - floors[i]!));
    const take = Math.min(coupon.amount, sum(caps));
    if (take === 0) continue;
    spread(take, weights, caps).forEach((part, k) => {
      discounts[discountable[k]!]! += part;
    });
    coupons.outcomes[index]!.status = 'applied';
    applied.push({
      kind: 'coupon',
      id: coupon.code,
      title: coupon.title ?? `Купон ${coupon.code} на ${formatRub(coupon.amount)}`,
      amount: take,
    });
  }

  const net = (i: number): Kopecks => amounts[i]! - discounts[i]!;
  const thresholdBase = sum(accruable.map(net));
  const enrolled = input.enrolling === true && thresholdBase >= program.enrollment.autoEnrollMinAmount;

  // 3. Redemption, spread over the redeemable lines by their current amounts (step 5).
  const { pointValue } = program;
  const redeemedPoints =
    member && input.redeemAllowed !== false
      ? redeemablePoints({
          program,
          customer: member,
          request: input.redeem,
          offline: input.offline,
          offlineRedeemedSinceSync: input.offlineRedeemedSinceSync ?? 0,
          base: sum(redeemable.map(net)),
          room: sum(redeemable.map((i) => Math.max(0, net(i) - floors[i]!))),
        })
      : 0;
  const redeemed = lines.map(() => 0);
  spread(
    redeemedPoints * pointValue,
    redeemable.map(net),
    redeemable.map((i) => Math.max(0, net(i) - floors[i]!)),
  ).forEach((part, k) => {
    redeemed[redeemable[k]!] = part;
  });

  // 4. Paid: the money the customer gives for the line (points are never money, in either fiscal mode).
  const paid = all.map((i) => net(i) - redeemed[i]!);

  // 6. Accrual: a member, or a customer this receipt enrols, earns on the lines that may accrue.
  // A newcomer (an unknown but valid card) earns at the base tier even below the enrolment amount:
  // MECHANICS "the sale still accrues under that card"; only the enrolment bonus needs the amount.
  const newcomer = input.enrolling === true && input.customer !== null;
  const accrualTier: Tier | null = memberTier ?? (enrolled || newcomer ? program.tiers[0]! : null);
  const accrued = lines.map(() => 0);
  let accruedTotal: Points = 0;
  let enrollmentBonus: Points = 0;
  if (accrualTier && accruable.length > 0) {
    const birthdayBonus =
      birthdayNow && member?.birthdayBonusUsed !== true ? program.birthday.bonusPoints : 0;
    enrollmentBonus = enrolled ? program.enrollment.bonusPoints : 0;
    const outcome = accrue({
      program,
      lines,
      accruable,
      local,
      tier: accrualTier,
      thresholdBase,
      bases: accruable.map((i) => (program.accrual.onRedeemedPart ? net(i) : paid[i]!)),
      amounts: accruable.map((i) => amounts[i]!),
      extraPoints: birthdayBonus + enrollmentBonus,
    });
    accruedTotal = outcome.total;
    outcome.perLine.forEach((points, k) => {
      accrued[accruable[k]!] = points;
    });
    applied.push(...outcome.applied);
    if (birthdayBonus > 0) {
      // One birthday entry: the discount and the bonus together.
      const entry = applied.find((a) => a.kind === 'birthday');
      if (entry) entry.points = birthdayBonus;
      else
        applied.push({
          kind: 'birthday',
          id: 'birthday',
          title: 'Бонус ко дню рождения',
          points: birthdayBonus,
        });
    }
    if (enrollmentBonus > 0) {
      applied.push({
        kind: 'enrollment',
        id: 'enrollment',
        title: 'Приветственные баллы',
        points: enrollmentBonus,
      });
    }
  }

  // 7. Fiscal positions: the line price after discount, and after points unless they are a payment.
  const paymentMode = program.redemption.fiscalMode === 'payment';
  const results: LineResult[] = lines.map((l, i) => ({
    lineId: l.lineId,
    amount: amounts[i]!,
    discount: discounts[i]!,
    redeemed: redeemed[i]!,
    paid: paid[i]!,
    accruedPoints: accrued[i]!,
    fiscalPositions: fiscalPositions(paymentMode ? net(i) : paid[i]!, l.qty),
  }));

  const toPay = sum(paid);
  const progress = member ? nextTierProgress(program, member) : null;
  const resultTier = memberTier ?? (enrolled ? program.tiers[0]! : null);
  const result: CalculationResult = {
    lines: results,
    totals: {
      amount: sum(amounts),
      discount: sum(discounts),
      redeemedPoints,
      redeemedAmount: redeemedPoints * pointValue,
      toPay,
      accruedPoints: accruedTotal,
    },
    applied,
    coupons: coupons.outcomes,
    // 8. Messages.
    messages: receiptMessages({
      program,
      enrolled,
      enrollmentBonus,
      redeemedPoints,
      accruedPoints: accruedTotal,
      // Points earned count in the balance when they are available at once (pendingDays 0).
      balanceAfter: member
        ? member.balance.available - redeemedPoints + (program.accrual.pendingDays === 0 ? accruedTotal : 0)
        : null,
      // The cloud's tier spend is amount − discount of each sale (docs/DECISIONS-cloud.md): the same here.
      nextTier: progress
        ? { tier: progress.tier, remaining: progress.remaining - (sum(amounts) - sum(discounts)) }
        : null,
    }),
    enrolled,
    tier: resultTier,
  };
  if (paymentMode && redeemedPoints > 0) {
    result.pointsPayment = { type: 'other', amount: redeemedPoints * pointValue };
  }
  return result;
}
