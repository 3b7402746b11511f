// The demo's customers and coupons (config/demo-customers.json): known cards and phones that the
// demo prints, tiers spread by spend, balances, a birthday near today, a few coupons.
import { readFile } from 'node:fs/promises';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { findProjectFile } from '../project-file.js';

const DemoCustomer = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    card: Type.String({ pattern: '^2[0-9]{12}$' }),
    phone: Type.Optional(Type.String({ pattern: '^\\+7[0-9]{10}$' })),
    /** Spend over the tier period (kopecks), which decides the tier. */
    spend: Type.Integer({ minimum: 0 }),
    points: Type.Integer({ minimum: 0 }),
    pendingPoints: Type.Integer({ minimum: 0 }),
    birthday: Type.Optional(Type.String({ pattern: '^[0-9]{2}-[0-9]{2}$' })),
    /** A birthday this many days from the seeding day (so the demo always has one in the window). */
    birthdayInDays: Type.Optional(Type.Integer({ minimum: -3, maximum: 3 })),
    offlineAllowance: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The tier the spend is meant to give; informational, printed by the demo. */
    tier: Type.String(),
  },
  { additionalProperties: false },
);

const DemoCoupon = Type.Object(
  {
    code: Type.String({ minLength: 1 }),
    title: Type.String(),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    amount: Type.Optional(Type.Integer({ minimum: 1 })),
    minAmount: Type.Optional(Type.Integer({ minimum: 0 })),
    singleUse: Type.Optional(Type.Boolean()),
    expiredDaysAgo: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const DemoDataSchema = Type.Object(
  {
    customers: Type.Array(DemoCustomer),
    unassignedCards: Type.Array(Type.String({ pattern: '^2[0-9]{12}$' })),
    coupons: Type.Array(DemoCoupon),
  },
  { additionalProperties: false },
);

export type DemoData = Static<typeof DemoDataSchema>;
export type DemoCustomer = Static<typeof DemoCustomer>;

export const DEMO_DATA_FILE = 'config/demo-customers.json';

export async function loadDemoData(file = findProjectFile(DEMO_DATA_FILE)): Promise<DemoData> {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Value.Check(DemoDataSchema, json)) {
    const first = Value.Errors(DemoDataSchema, json).First();
    throw new Error(`${file}: ${first?.path ?? '/'} ${first?.message ?? 'is invalid'}`);
  }
  return json;
}

/** What the demo prints for the cashier to type or scan. */
export async function demoCards(): Promise<{ card: string; phone?: string; name: string; tier: string }[]> {
  const data = await loadDemoData();
  return data.customers.map((c) =>
    c.phone
      ? { card: c.card, phone: c.phone, name: c.name, tier: c.tier }
      : { card: c.card, name: c.name, tier: c.tier },
  );
}
