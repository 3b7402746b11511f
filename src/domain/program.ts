// Parsing the loyalty program document (MECHANICS "The program"). Every problem is collected
// with its field path ("tiers[1].minSpend must be ≥ 0") and reported at once; a program is
// either loaded whole, with defaults filled in, or refused. Unknown keys are ignored so that a
// newer cloud can add fields without stopping older agents.
import {
  arrayAt,
  booleanAt,
  Issues,
  integerAt,
  isObject,
  type Json,
  objectAt,
  percentAt,
  quantityIssue,
  stringAt,
  stringListAt,
} from './checks.js';
import { DomainError } from './errors.js';
import { RATIO_SCALE, scaledOrNull } from './money.js';
import { dayNumber, parseHours } from './time-window.js';
import type {
  CardRange,
  Program,
  Promotion,
  PromotionMatch,
  PromotionWindow,
  ReceiptThreshold,
  TagRule,
  Tier,
} from './types.js';

/** Largest multiplier a promotion may declare; guards against a typo turning into a fortune. */
const MAX_FACTOR = 100;

export function parseProgram(json: unknown): Program {
  const issues = new Issues();
  if (!isObject(json)) {
    throw new DomainError('PROGRAM_INVALID', 'The loyalty program must be a JSON object', [
      'program must be an object',
    ]);
  }
  const version = stringAt(issues, json, 'version', 'version', { required: true, nonEmpty: true }) ?? '';
  const pointValue = integerAt(issues, json, 'pointValue', 'pointValue', { min: 1, fallback: 100 });
  const tiers = parseTiers(issues, json);
  const tierPeriodDays = integerAt(issues, json, 'tierPeriodDays', 'tierPeriodDays', {
    min: 1,
    fallback: 365,
  });

  const accrualJson = objectAt(issues, json, 'accrual', 'accrual');
  const accrual = {
    pendingDays: integerAt(issues, accrualJson, 'pendingDays', 'accrual.pendingDays', {
      min: 0,
      fallback: 0,
    }),
    expiryDays: parseExpiry(issues, accrualJson),
    onRedeemedPart: booleanAt(issues, accrualJson, 'onRedeemedPart', 'accrual.onRedeemedPart', false),
  };

  const r = objectAt(issues, json, 'redemption', 'redemption');
  const fiscalMode = stringAt(issues, r, 'fiscalMode', 'redemption.fiscalMode', { fallback: 'discount' });
  if (fiscalMode !== 'discount' && fiscalMode !== 'payment') {
    issues.add('redemption.fiscalMode', 'must be "discount" or "payment"');
  }
  const redemption = {
    maxPercent: percentAt(issues, r, 'maxPercent', 'redemption.maxPercent', { fallback: 100 }),
    minPoints: integerAt(issues, r, 'minPoints', 'redemption.minPoints', { min: 0, fallback: 1 }),
    confirmPhone: booleanAt(issues, r, 'confirmPhone', 'redemption.confirmPhone', true),
    offlineMaxPoints: integerAt(issues, r, 'offlineMaxPoints', 'redemption.offlineMaxPoints', {
      min: 0,
      fallback: 0,
    }),
    fiscalMode: fiscalMode === 'payment' ? ('payment' as const) : ('discount' as const),
  };

  const b = objectAt(issues, json, 'birthday', 'birthday');
  const birthday = {
    daysBefore: integerAt(issues, b, 'daysBefore', 'birthday.daysBefore', { min: 0, max: 180, fallback: 0 }),
    daysAfter: integerAt(issues, b, 'daysAfter', 'birthday.daysAfter', { min: 0, max: 180, fallback: 0 }),
    discountPercent: percentAt(issues, b, 'discountPercent', 'birthday.discountPercent', { fallback: 0 }),
    bonusPoints: integerAt(issues, b, 'bonusPoints', 'birthday.bonusPoints', { min: 0, fallback: 0 }),
  };

  const e = objectAt(issues, json, 'enrollment', 'enrollment');
  const enrollment = {
    bonusPoints: integerAt(issues, e, 'bonusPoints', 'enrollment.bonusPoints', { min: 0, fallback: 0 }),
    autoEnrollMinAmount: integerAt(issues, e, 'autoEnrollMinAmount', 'enrollment.autoEnrollMinAmount', {
      min: 0,
      fallback: 0,
    }),
  };

  const program: Program = {
    version,
    pointValue,
    tiers,
    tierPeriodDays,
    accrual,
    redemption,
    receiptThresholds: parseThresholds(issues, json),
    promotions: parsePromotions(issues, json),
    birthday,
    tagRules: parseTagRules(issues, json),
    enrollment,
    cardRanges: parseCardRanges(issues, json),
  };
  const phoneSalt = stringAt(issues, json, 'phoneSalt', 'phoneSalt');
  if (phoneSalt !== undefined) program.phoneSalt = phoneSalt;

  if (!issues.empty) {
    throw new DomainError(
      'PROGRAM_INVALID',
      `The loyalty program is invalid (${issues.list.length} problem${issues.list.length === 1 ? '' : 's'})`,
      issues.list,
    );
  }
  return program;
}

function parseExpiry(issues: Issues, accrual: Json): number | null {
  if (accrual['expiryDays'] === undefined || accrual['expiryDays'] === null) return null;
  return integerAt(issues, accrual, 'expiryDays', 'accrual.expiryDays', { min: 1 });
}

function parseTiers(issues: Issues, json: Json): Tier[] {
  const raw = arrayAt(issues, json, 'tiers', 'tiers', true);
  if (Array.isArray(json['tiers']) && raw.length === 0) issues.add('tiers', 'must name at least one tier');
  const tiers: { tier: Tier; index: number }[] = [];
  const ids = new Map<string, number>();
  raw.forEach((item, i) => {
    const path = `tiers[${i}]`;
    if (!isObject(item)) {
      issues.add(path, 'must be an object');
      return;
    }
    const id = stringAt(issues, item, 'id', `${path}.id`, { required: true, nonEmpty: true }) ?? '';
    if (id && ids.has(id)) issues.add(`${path}.id`, `"${id}" duplicates tiers[${ids.get(id)}].id`);
    else if (id) ids.set(id, i);
    tiers.push({
      index: i,
      tier: {
        id,
        name: stringAt(issues, item, 'name', `${path}.name`, { required: true, nonEmpty: true }) ?? '',
        minSpend: integerAt(issues, item, 'minSpend', `${path}.minSpend`, { min: 0 }),
        discountPercent: percentAt(issues, item, 'discountPercent', `${path}.discountPercent`, {
          fallback: 0,
        }),
        accrualPercent: percentAt(issues, item, 'accrualPercent', `${path}.accrualPercent`, { fallback: 0 }),
      },
    });
  });
  tiers.sort((x, y) => x.tier.minSpend - y.tier.minSpend || x.index - y.index);
  const lowest = tiers[0];
  if (lowest && lowest.tier.minSpend !== 0 && Number.isSafeInteger(lowest.tier.minSpend)) {
    issues.add(`tiers[${lowest.index}].minSpend`, 'must be 0 for the lowest tier');
  }
  for (let k = 1; k < tiers.length; k++) {
    const [prev, cur] = [tiers[k - 1]!, tiers[k]!];
    if (cur.tier.minSpend === prev.tier.minSpend) {
      issues.add(`tiers[${cur.index}].minSpend`, `duplicates tiers[${prev.index}].minSpend`);
    }
  }
  return tiers.map((t) => t.tier);
}

function parseThresholds(issues: Issues, json: Json): ReceiptThreshold[] {
  const out: ReceiptThreshold[] = [];
  arrayAt(issues, json, 'receiptThresholds', 'receiptThresholds').forEach((item, i) => {
    const path = `receiptThresholds[${i}]`;
    if (!isObject(item)) {
      issues.add(path, 'must be an object');
      return;
    }
    out.push({
      minAmount: integerAt(issues, item, 'minAmount', `${path}.minAmount`, { min: 0 }),
      accrualPercent: percentAt(issues, item, 'accrualPercent', `${path}.accrualPercent`),
    });
  });
  return out.sort((x, y) => x.minAmount - y.minAmount);
}

function parsePromotions(issues: Issues, json: Json): Promotion[] {
  const out: Promotion[] = [];
  const ids = new Map<string, number>();
  arrayAt(issues, json, 'promotions', 'promotions').forEach((item, i) => {
    const path = `promotions[${i}]`;
    if (!isObject(item)) {
      issues.add(path, 'must be an object');
      return;
    }
    const id = stringAt(issues, item, 'id', `${path}.id`, { required: true, nonEmpty: true }) ?? '';
    if (id && ids.has(id)) issues.add(`${path}.id`, `"${id}" duplicates promotions[${ids.get(id)}].id`);
    else if (id) ids.set(id, i);
    const title = stringAt(issues, item, 'title', `${path}.title`);
    const match = parseMatch(issues, item, `${path}.match`);
    const window = item['window'] === undefined ? undefined : parseWindow(issues, item, `${path}.window`);
    const common = { id, ...(title !== undefined && { title }), match, ...(window && { window }) };
    switch (item['kind']) {
      case 'multiplier': {
        const factor = item['factor'];
        if (typeof factor !== 'number' || !(factor >= 1) || factor > MAX_FACTOR) {
          // Below 1 a "multiplier" would cut points, which the best-of rule could never apply.
          issues.add(`${path}.factor`, `must be a number ≥ 1 and ≤ ${MAX_FACTOR}`);
        } else if (scaledOrNull(factor, RATIO_SCALE) === null) {
          issues.add(`${path}.factor`, 'must have at most 4 decimals');
        }
        out.push({ ...common, kind: 'multiplier', factor: typeof factor === 'number' ? factor : 1 });
        break;
      }
      case 'bonus':
        out.push({
          ...common,
          kind: 'bonus',
          points: integerAt(issues, item, 'points', `${path}.points`, { min: 0 }),
        });
        break;
      case 'discount':
        out.push({
          ...common,
          kind: 'discount',
          percent: percentAt(issues, item, 'percent', `${path}.percent`),
        });
        break;
      default:
        issues.add(`${path}.kind`, 'must be "multiplier", "bonus" or "discount"');
    }
  });
  return out;
}

function parseMatch(issues: Issues, promo: Json, path: string): PromotionMatch {
  if (promo['match'] === undefined) return {};
  const m = objectAt(issues, promo, 'match', path);
  const match: PromotionMatch = {};
  const skus = stringListAt(issues, m, 'skus', `${path}.skus`);
  const categories = stringListAt(issues, m, 'categories', `${path}.categories`);
  const tags = stringListAt(issues, m, 'tags', `${path}.tags`);
  if (skus) match.skus = skus;
  if (categories) match.categories = categories;
  if (tags) match.tags = tags;
  if (m['minQty'] !== undefined) {
    const problem = quantityIssue(m['minQty']);
    if (problem) issues.add(`${path}.minQty`, problem);
    else match.minQty = m['minQty'] as number;
  }
  if (m['minLines'] !== undefined)
    match.minLines = integerAt(issues, m, 'minLines', `${path}.minLines`, { min: 1 });
  return match;
}

function parseWindow(issues: Issues, promo: Json, path: string): PromotionWindow {
  const w = objectAt(issues, promo, 'window', path);
  const window: PromotionWindow = {};
  for (const key of ['from', 'to'] as const) {
    const v = stringAt(issues, w, key, `${path}.${key}`);
    if (v === undefined) continue;
    if (dayNumber(v) === null) issues.add(`${path}.${key}`, 'must be a date YYYY-MM-DD');
    else window[key] = v;
  }
  if (window.from && window.to && window.from > window.to)
    issues.add(`${path}.to`, 'must not be before from');
  if (w['weekdays'] !== undefined) {
    const days = w['weekdays'];
    if (!Array.isArray(days) || days.length === 0) {
      issues.add(`${path}.weekdays`, 'must be a non-empty array of 1 (Monday) … 7 (Sunday)');
    } else {
      days.forEach((d, i) => {
        if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7) {
          issues.add(`${path}.weekdays[${i}]`, 'must be an integer from 1 (Monday) to 7 (Sunday)');
        }
      });
      window.weekdays = days.filter((d): d is number => typeof d === 'number');
    }
  }
  const hours = stringAt(issues, w, 'hours', `${path}.hours`);
  if (hours !== undefined) {
    if (parseHours(hours) === null) issues.add(`${path}.hours`, 'must be "HH:MM-HH:MM" with different ends');
    else window.hours = hours;
  }
  return window;
}

function parseTagRules(issues: Issues, json: Json): Record<string, TagRule> {
  const raw = objectAt(issues, json, 'tagRules', 'tagRules');
  const rules: Record<string, TagRule> = {};
  for (const [tag, rule] of Object.entries(raw)) {
    const path = `tagRules.${tag}`;
    if (!isObject(rule)) {
      issues.add(path, 'must be an object');
      continue;
    }
    // An absent permission allows: a rule exists to forbid something.
    rules[tag] = {
      discount: booleanAt(issues, rule, 'discount', `${path}.discount`, true),
      redeem: booleanAt(issues, rule, 'redeem', `${path}.redeem`, true),
      accrue: booleanAt(issues, rule, 'accrue', `${path}.accrue`, true),
    };
  }
  return rules;
}

function parseCardRanges(issues: Issues, json: Json): CardRange[] {
  const out: CardRange[] = [];
  arrayAt(issues, json, 'cardRanges', 'cardRanges').forEach((item, i) => {
    const path = `cardRanges[${i}]`;
    if (!isObject(item)) {
      issues.add(path, 'must be an object');
      return;
    }
    const range: CardRange = {};
    const prefix = stringAt(issues, item, 'prefix', `${path}.prefix`);
    if (prefix !== undefined) {
      if (!/^\d+$/.test(prefix)) issues.add(`${path}.prefix`, 'must be digits');
      else range.prefix = prefix;
    }
    const from = stringAt(issues, item, 'from', `${path}.from`);
    const to = stringAt(issues, item, 'to', `${path}.to`);
    if ((from === undefined) !== (to === undefined)) {
      issues.add(path, 'must give both from and to, or neither');
    } else if (from !== undefined && to !== undefined) {
      if (!/^\d+$/.test(from) || !/^\d+$/.test(to)) issues.add(path, 'from and to must be digits');
      else if (from.length !== to.length) issues.add(path, 'from and to must have the same length');
      else if (from > to) issues.add(`${path}.to`, 'must not be below from');
      else Object.assign(range, { from, to });
    }
    if (item['lengths'] !== undefined) {
      const lengths = item['lengths'];
      if (
        !Array.isArray(lengths) ||
        lengths.length === 0 ||
        !lengths.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 32)
      ) {
        issues.add(`${path}.lengths`, 'must be a non-empty array of integers 1..32');
      } else {
        range.lengths = lengths as number[];
      }
    }
    if (prefix === undefined && from === undefined && item['lengths'] === undefined) {
      issues.add(path, 'must restrict something: prefix, from/to or lengths');
    }
    out.push(range);
  });
  return out;
}
