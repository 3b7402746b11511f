import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError, parseProgram } from '../../src/domain/index.js';
import { MECHANICS_PROGRAM_JSON } from './fixtures.js';

function issuesOf(json: unknown): string[] {
  try {
    parseProgram(json);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('PROGRAM_INVALID');
    return (err as DomainError).details ?? [];
  }
  throw new Error('the program was accepted');
}

describe('parseProgram', () => {
  it('accepts the MECHANICS program and fills defaults', () => {
    const p = parseProgram(MECHANICS_PROGRAM_JSON);
    expect(p.redemption.fiscalMode).toBe('discount');
    expect(p.cardRanges).toEqual([]);
    expect(p.tiers.map((t) => t.id)).toEqual(['standard', 'silver', 'gold']);
    expect(p.promotions).toHaveLength(4);
    expect(p.tagRules['tobacco']).toEqual({ discount: false, redeem: false, accrue: false });
  });

  it('parses config/program.example.json', () => {
    const json: unknown = JSON.parse(
      readFileSync(new URL('../../config/program.example.json', import.meta.url), 'utf8'),
    );
    const p = parseProgram(json);
    expect(p.tiers.map((t) => [t.name, t.minSpend, t.discountPercent, t.accrualPercent])).toEqual([
      ['Стандарт', 0, 0, 3],
      ['Серебро', 500000, 5, 5],
      ['Золото', 1000000, 10, 7],
    ]);
    expect(p.receiptThresholds.map((t) => [t.minAmount, t.accrualPercent])).toEqual([
      [60000, 10],
      [80000, 15],
      [100000, 20],
    ]);
    expect(p.promotions.map((x) => x.id)).toEqual(['x2-cleaning', 'fuel-30l', 'happy-hours', 'yellow-tags']);
    expect(p.accrual.expiryDays).toBe(365);
    expect(p.birthday).toMatchObject({ daysBefore: 3, daysAfter: 3 });
    expect(p.enrollment).toEqual({ bonusPoints: 150, autoEnrollMinAmount: 200000 });
    expect(p.cardRanges).toEqual([{ prefix: '2', lengths: [13] }]);
    expect(p.phoneSalt).toMatch(/\S/);
    expect(Object.keys(p.tagRules).sort()).toEqual(['alcohol', 'gift-certificate', 'tobacco']);
  });

  it('fills defaults for a minimal program', () => {
    const p = parseProgram({ version: 'v1', tiers: [{ id: 'base', name: 'База', minSpend: 0 }] });
    expect(p).toMatchObject({
      pointValue: 100,
      tierPeriodDays: 365,
      accrual: { pendingDays: 0, expiryDays: null, onRedeemedPart: false },
      redemption: {
        maxPercent: 100,
        minPoints: 1,
        confirmPhone: true,
        offlineMaxPoints: 0,
        fiscalMode: 'discount',
      },
      receiptThresholds: [],
      promotions: [],
      tagRules: {},
      enrollment: { bonusPoints: 0, autoEnrollMinAmount: 0 },
      cardRanges: [],
    });
    expect(p.tiers[0]).toEqual({
      id: 'base',
      name: 'База',
      minSpend: 0,
      discountPercent: 0,
      accrualPercent: 0,
    });
  });

  it('sorts tiers by minSpend', () => {
    const p = parseProgram({
      version: 'v1',
      tiers: [
        { id: 'gold', name: 'Золото', minSpend: 1000 },
        { id: 'base', name: 'База', minSpend: 0 },
      ],
    });
    expect(p.tiers.map((t) => t.id)).toEqual(['base', 'gold']);
  });

  it('collects every problem with its path', () => {
    const issues = issuesOf({
      version: '',
      pointValue: 0,
      tiers: [
        { id: 'a', name: 'A', minSpend: 100, discountPercent: 101 },
        { id: 'a', name: 'B', minSpend: -1, accrualPercent: 2.12345 },
      ],
      redemption: { maxPercent: 50, fiscalMode: 'cash' },
      promotions: [
        { id: 'p', kind: 'multiplier', factor: 0, match: { skus: ['X'], minQty: 0.0001 } },
        { id: 'p', kind: 'gift', match: {} },
        {
          id: 'w',
          kind: 'discount',
          percent: 5,
          window: { from: '2026-02-30', weekdays: [0], hours: '25:00-26:00' },
        },
      ],
      cardRanges: [{ from: '100', to: '99' }],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'version must not be empty',
        'pointValue must be ≥ 1',
        'tiers[0].discountPercent must be between 0 and 100',
        'tiers[1].id "a" duplicates tiers[0].id',
        'tiers[1].minSpend must be ≥ 0',
        'tiers[1].accrualPercent must have at most 4 decimals',
        'redemption.fiscalMode must be "discount" or "payment"',
        'promotions[0].factor must be a number ≥ 1 and ≤ 100',
        'promotions[0].match.minQty must have at most 3 decimals',
        'promotions[1].id "p" duplicates promotions[0].id',
        'promotions[1].kind must be "multiplier", "bonus" or "discount"',
        'promotions[2].window.from must be a date YYYY-MM-DD',
        'promotions[2].window.weekdays[0] must be an integer from 1 (Monday) to 7 (Sunday)',
        'promotions[2].window.hours must be "HH:MM-HH:MM" with different ends',
        'cardRanges[0] from and to must have the same length',
      ]),
    );
  });

  it('requires the lowest tier to start at 0', () => {
    expect(issuesOf({ version: 'v', tiers: [{ id: 'a', name: 'A', minSpend: 100 }] })).toEqual([
      'tiers[0].minSpend must be 0 for the lowest tier',
    ]);
  });

  it('refuses a card range that restricts nothing', () => {
    expect(issuesOf({ ...MECHANICS_PROGRAM_JSON, cardRanges: [{}] })).toEqual([
      'cardRanges[0] must restrict something: prefix, from/to or lengths',
    ]);
  });

  it('refuses a missing or empty tier list and a non-object', () => {
    expect(issuesOf({ version: 'v' })).toContain('tiers is required');
    expect(issuesOf({ version: 'v', tiers: [] })).toContain('tiers must name at least one tier');
    expect(issuesOf('nope')).toEqual(['program must be an object']);
    expect(issuesOf(null)).toEqual(['program must be an object']);
  });

  it('refuses tiers with the same minSpend, thresholds out of range and bad tag rules', () => {
    const issues = issuesOf({
      ...MECHANICS_PROGRAM_JSON,
      tiers: [
        { id: 'a', name: 'A', minSpend: 0 },
        { id: 'b', name: 'B', minSpend: 0 },
      ],
      receiptThresholds: [{ minAmount: 1.5, accrualPercent: 200 }],
      tagRules: { tobacco: { discount: 'no' } },
      accrual: { expiryDays: 0 },
      birthday: { daysBefore: -1 },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'tiers[1].minSpend duplicates tiers[0].minSpend',
        'receiptThresholds[0].minAmount must be an integer',
        'receiptThresholds[0].accrualPercent must be between 0 and 100',
        'tagRules.tobacco.discount must be true or false',
        'accrual.expiryDays must be ≥ 1',
        'birthday.daysBefore must be ≥ 0',
      ]),
    );
  });

  it('does not share mutable state with its input', () => {
    const json = structuredClone(MECHANICS_PROGRAM_JSON);
    const p = parseProgram(json);
    json.tiers[0]!.discountPercent = 99;
    expect(p.tiers[0]!.discountPercent).toBe(0);
  });
});
