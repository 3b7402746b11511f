// The batch ingest (a few queries per batch, items applied in memory) must leave exactly the
// database the one-at-a-time reference leaves: same answers, balances, lots, ledger, spend, tiers'
// inputs, holds, coupons, feed order, stored diffs and rejections — for random batches whose items
// depend on each other (a sale and its return in one batch, two sales of one customer, a return
// before its sale, duplicates, enrolments of customers the cloud already has, malformed entries).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/cloud/db/db.js';
import { ingestBatch } from '../../src/cloud/ingest/ingest-batch.js';
import type { IngestContext } from '../../src/cloud/ingest/ingest-context.js';
import { ProgramStore } from '../../src/cloud/store/program-store.js';
import type { CustomerSnapshot } from '../../src/domain/types.js';
import type { Tx, TxCustomer, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, AGENT_2, openTestDb, testProgram } from './harness.js';
import { ingestOneByOne } from './reference/ingest-one-by-one.js';
import { line, makeReturn, makeSale, uid } from './tx-builder.js';

const PROGRAM = testProgram({
  accrual: { pendingDays: 1, expiryDays: 30, onRedeemedPart: false },
  birthday: { daysBefore: 3, daysAfter: 3, discountPercent: 10, bonusPoints: 25 },
});
const BASE = new Date('2026-11-16T12:00:00+03:00').getTime();
const HOUR = 3_600_000;
const AGENTS = [AGENT_1, AGENT_2] as const;

type Ingest = typeof ingestBatch;
interface Side {
  db: Db;
  drop(): Promise<void>;
  programs: ProgramStore;
}
let batchSide: Side;
let refSide: Side;

async function openSide(): Promise<Side> {
  const { db, drop } = await openTestDb();
  const programs = await ProgramStore.install(db, PROGRAM, new Date(BASE), () => {});
  for (const a of AGENTS) {
    await db.query('INSERT INTO agents (agent_id, store_id) VALUES ($1, $2)', [a.agentId, a.storeId]);
  }
  return { db, drop, programs };
}

beforeAll(async () => {
  batchSide = await openSide();
  refSide = await openSide();
}, 60_000);
afterAll(async () => {
  await batchSide?.drop();
  await refSide?.drop();
});

// ---- the world every run starts from

const KNOWN = {
  c1: { card: '2000000000011', phone: '+79000000001' },
  c2: { card: '2000000000028' },
  c3: { phone: '+79000000003' },
};
const ago = (ms: number) => new Date(BASE - ms);

async function seed(side: Side): Promise<void> {
  await side.db.exec(`TRUNCATE customers, cards, point_lots, points_ledger, spend_entries, holds, transactions,
    rejected_transactions, coupons RESTART IDENTITY CASCADE`);
  await side.db.query('UPDATE agents SET last_seq = 0');
  const q = (sql: string, params: unknown[] = []) => side.db.query(sql, params as never[]);
  const created = ago(400 * 24 * HOUR);
  await q(
    `INSERT INTO customers (id, name, phone, birthday, offline_allowance, enrolment_bonus_tx, created_at, updated_at, change_seq)
     VALUES ('c1', 'Вера', $1, '11-16', 100, NULL, $3, $3, nextval('customer_change_seq')),
            ('c2', 'Пётр', NULL, NULL, NULL, 'old-enrol', $3, $3, nextval('customer_change_seq')),
            ('c3', '', $2, NULL, NULL, NULL, $3, $3, nextval('customer_change_seq'))`,
    [KNOWN.c1.phone, KNOWN.c3.phone, created],
  );
  await q(`INSERT INTO cards (card, customer_id) VALUES ($1, 'c1'), ($2, 'c2')`, [
    KNOWN.c1.card,
    KNOWN.c2.card,
  ]);
  const lots: [string, string, number, Date, Date | null, string | null][] = [
    ['c1', 'seed', 300, ago(24 * HOUR), new Date(BASE + 48 * HOUR), null],
    ['c1', 'earned', 50, new Date(BASE + 20 * HOUR), null, 'old-sale'],
    ['c1', 'seed', 40, ago(90 * 24 * HOUR), ago(HOUR), null],
    ['c1', 'seed', 70, ago(24 * HOUR), null, null],
    ['c2', 'debt', -30, ago(24 * HOUR), null, 'old-return'],
    ['c3', 'seed', 100, ago(24 * HOUR), null, null],
  ];
  for (const [c, kind, points, availableAt, expiresAt, source] of lots) {
    await q(
      `INSERT INTO point_lots (customer_id, kind, points, remaining, available_at, expires_at, source_tx, created_at)
       VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`,
      [c, kind, points, availableAt, expiresAt, source, created],
    );
  }
  await q(
    `INSERT INTO spend_entries (customer_id, at, amount, tx_id) VALUES ('c1', $1, 600000, NULL), ('c2', $2, 100000, NULL)`,
    [ago(10 * 24 * HOUR), ago(300 * 24 * HOUR)],
  );
  await q(
    `INSERT INTO holds (hold_id, customer_id, points, receipt_id, created_at, expires_at, state) VALUES
     ('h-active', 'c1', 50, 'r-h1', $1, $2, 'active'), ('h-expired', 'c1', 20, 'r-h2', $1, $1, 'active'),
     ('h-released', 'c3', 10, 'r-h3', $1, $2, 'released')`,
    [ago(HOUR), new Date(BASE + 10 * 24 * HOUR)],
  );
  await q(`INSERT INTO coupons (code, percent, amount, single_use) VALUES ('ONE', 10, NULL, true),
    ('MULTI', 5, NULL, false), ('FIX', NULL, 5000, true)`);
}

// ---- random batches

const WHO = [
  'anon',
  'c1-card',
  'c1-phone',
  'c1-id',
  'c2-card',
  'c3-phone',
  'new-card',
  'new-phone',
  'new-both',
  'new-id',
] as const;

const saleOp = fc.record({
  kind: fc.constant('sale' as const),
  who: fc.constantFrom(...WHO),
  fresh: fc.integer({ min: 0, max: 2 }),
  price: fc.integer({ min: 1000, max: 300000 }),
  qty: fc.constantFrom(1, 2, 3, 0.5),
  redeem: fc.constantFrom(0, 0, 10, 60, 400),
  hold: fc.constantFrom(undefined, undefined, 'h-active', 'h-expired', 'h-released', 'h-unknown'),
  coupon: fc.constantFrom(undefined, undefined, 'ONE', 'MULTI', 'FIX', 'NOPE'),
  hoursBack: fc.integer({ min: 0, max: 400 * 24 }),
  unknownProgram: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  sharedReceipt: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
const returnOp = fc.record({
  kind: fc.constant('return' as const),
  of: fc.nat(),
  partial: fc.boolean(),
  namesStore: fc.boolean(),
});
const enrolOp = fc.record({
  kind: fc.constant('enrol' as const),
  who: fc.constantFrom('c1-card', 'c2-card', 'c3-phone', 'new-card', 'new-phone'),
  fresh: fc.integer({ min: 0, max: 2 }),
  ownBonus: fc.boolean(),
  price: fc.integer({ min: 200000, max: 400000 }),
});
const otherOp = fc.record({
  kind: fc.constantFrom(
    'duplicate' as const,
    'malformed' as const,
    'wrong-store' as const,
    'shared-return' as const,
  ),
  of: fc.nat(),
  namesStore: fc.boolean(),
});
const op = fc.oneof(
  { arbitrary: saleOp, weight: 5 },
  { arbitrary: returnOp, weight: 3 },
  { arbitrary: enrolOp, weight: 2 },
  { arbitrary: otherOp, weight: 2 },
);
const plan = fc.array(
  fc.record({
    agent: fc.constantFrom(0, 1),
    ops: fc.array(op, { minLength: 1, maxLength: 10 }),
    shuffle: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);
type Plan = typeof plan extends fc.Arbitrary<infer T> ? T : never;

/** Turns a plan into the batches' bodies (built once; both sides get the very same objects). */
function buildBatches(p: Plan, sharedSale: Tx): { agent: (typeof AGENTS)[number]; body: unknown[] }[] {
  const seqs = [10, 10];
  const sent: Tx[] = [];
  const sales: Tx[] = [sharedSale];
  const who = (w: string, fresh: number): { customer: TxCustomer; snapshot: CustomerSnapshot | null } => {
    const rich: CustomerSnapshot = { periodSpend: 0, balance: { available: 1000, pending: 0 } };
    switch (w) {
      case 'c1-card':
        return { customer: { card: KNOWN.c1.card }, snapshot: rich };
      case 'c1-phone':
        return { customer: { phone: KNOWN.c1.phone }, snapshot: rich };
      case 'c1-id':
        return { customer: { id: 'c1', card: `20000009${fresh}0000` }, snapshot: rich };
      case 'c2-card':
        return { customer: { card: KNOWN.c2.card }, snapshot: rich };
      case 'c3-phone':
        return { customer: { phone: KNOWN.c3.phone }, snapshot: rich };
      case 'new-card':
        return { customer: { card: `20000001000${fresh}` }, snapshot: rich };
      case 'new-phone':
        return { customer: { phone: `+7900000009${fresh}` }, snapshot: rich };
      case 'new-both':
        return { customer: { card: `20000001000${fresh}`, phone: `+7900000008${fresh}` }, snapshot: rich };
      case 'new-id':
        return { customer: { id: `cx-${fresh}` }, snapshot: rich };
      default:
        return { customer: {}, snapshot: null };
    }
  };
  return p.map((batch) => {
    const agent = AGENTS[batch.agent]!;
    const next = () => ++seqs[batch.agent]!;
    const body: unknown[] = [];
    for (const o of batch.ops) {
      if (o.kind === 'sale') {
        const w = who(o.who, o.fresh);
        const tx = makeSale({
          program: PROGRAM,
          seq: next(),
          at: new Date(BASE - o.hoursBack * HOUR).toISOString(),
          storeId: agent.storeId,
          customer: w.customer,
          snapshot: w.snapshot,
          redeemAllowed: w.snapshot !== null,
          lines: [line('MILK', o.price, o.qty), line('BREAD', 4550, 1)],
          ...(o.redeem > 0 && w.snapshot && { redeem: { points: o.redeem } }),
          ...(o.hold && { holdId: o.hold }),
          ...(o.coupon && { coupons: [{ code: o.coupon, status: 'valid' as const, percent: 10 }] }),
        });
        if (o.unknownProgram) tx.programVersion = 'never-seen';
        // Store 2 sold a receipt with this id too.
        if (o.sharedReceipt) tx.receiptId = 'R-shared';
        sales.push(tx);
        sent.push(tx);
        body.push(tx);
      } else if (o.kind === 'return') {
        const sale = sales[o.of % sales.length]!;
        const lines = o.partial
          ? [{ lineId: sale.lines[0]!.lineId, qty: sale.lines[0]!.qty / 2 }]
          : undefined;
        const ret: Tx = { ...makeReturn(sale, next(), lines), storeId: agent.storeId, tillId: 'till-1' };
        if (o.namesStore) ret.originalStoreId = sale.storeId;
        sent.push(ret);
        body.push(ret);
      } else if (o.kind === 'enrol') {
        const w = who(o.who, o.fresh);
        const sale = makeSale({
          program: PROGRAM,
          seq: 0,
          at: new Date(BASE).toISOString(),
          storeId: agent.storeId,
          customer: w.customer,
          snapshot: { periodSpend: 0, balance: { available: 0, pending: 0 } },
          redeemAllowed: false,
          enrolling: true,
          lines: [line('TV', o.price)],
        });
        const enrolment: Tx = {
          ...sale,
          id: uid('enrol'),
          seq: next(),
          kind: 'enrolment',
          lines: [],
          totals: {
            amount: 0,
            discount: 0,
            redeemedPoints: 0,
            redeemedAmount: 0,
            toPay: 0,
            accruedPoints: o.ownBonus ? 150 : 0,
          },
          ...(!o.ownBonus && { bonusPoints: 150 }),
        };
        sale.seq = next();
        sales.push(sale);
        sent.push(enrolment, sale);
        body.push(enrolment, sale);
      } else if (o.kind === 'duplicate') {
        // The same Tx again: an earlier one (maybe of another batch, maybe retried before).
        if (sent.length > 0) body.push(sent[o.of % sent.length]!);
      } else if (o.kind === 'malformed') {
        body.push([{}, 'x', 42, null, { id: 'bad-1', kind: 'sale' }][o.of % 5]);
      } else if (o.kind === 'wrong-store') {
        const tx = makeSale({
          program: PROGRAM,
          seq: next(),
          at: new Date(BASE).toISOString(),
          storeId: 'store-9',
          customer: {},
          snapshot: null,
          lines: [line('X', 1000)],
        });
        body.push(tx);
      } else {
        // A return of the receipt id store 2 sold before the run: only a store-2 return, or one
        // naming store 2, may reach it.
        const ret: Tx = { ...makeReturn(sharedSale, next()), storeId: agent.storeId };
        if (o.namesStore) ret.originalStoreId = AGENT_2.storeId;
        sent.push(ret);
        body.push(ret);
      }
    }
    if (batch.shuffle) body.reverse();
    return { agent, body };
  });
}

// ---- the database as comparable data

async function dump(db: Db, results: TxResult[][]): Promise<unknown> {
  const names = new Map<string, string>();
  const txRows = await db.query<Record<string, unknown>>(
    `SELECT id, agent_id, seq, kind, store_id, till_id, receipt_id, return_id, customer_id, at, offline,
       program_version, body, applied_at, recompute_diff FROM transactions ORDER BY ingest_no`,
  );
  const name = (id: unknown): unknown => {
    if (typeof id !== 'string' || !id.startsWith('c-')) return id;
    if (!names.has(id)) names.set(id, `new#${names.size}`);
    return names.get(id);
  };
  for (const r of txRows) name(r.customer_id);
  const customers = await db.query<Record<string, unknown>>(
    `SELECT id, name, phone, birthday, birthday_bonus_year, offline_allowance, enrolment_bonus_tx, created_at,
       updated_at, deleted, rank() OVER (ORDER BY change_seq) AS feed_rank FROM customers`,
  );
  const mapCustomer = (r: Record<string, unknown>) => ({ ...r, customer_id: name(r.customer_id) });
  return {
    results: results.map((batch) =>
      batch.map((r) => (r.customer ? { ...r, customer: { ...r.customer, id: name(r.customer.id) } } : r)),
    ),
    transactions: txRows.map(mapCustomer),
    customers: customers
      .map((c) => ({ ...c, id: name(c.id) }))
      .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    cards: (await db.query<Record<string, unknown>>('SELECT card, customer_id FROM cards ORDER BY card')).map(
      mapCustomer,
    ),
    lots: (
      await db.query<Record<string, unknown>>(
        `SELECT customer_id, kind, points, remaining, available_at, expires_at, source_tx, created_at
         FROM point_lots ORDER BY id`,
      )
    ).map(mapCustomer),
    ledger: (
      await db.query<Record<string, unknown>>(
        'SELECT customer_id, at, kind, points, receipt_id, tx_id FROM points_ledger ORDER BY id',
      )
    ).map(mapCustomer),
    spend: (
      await db.query<Record<string, unknown>>(
        'SELECT customer_id, at, amount, tx_id FROM spend_entries ORDER BY id',
      )
    ).map(mapCustomer),
    holds: await db.query('SELECT hold_id, state, captured_by_tx FROM holds ORDER BY hold_id'),
    coupons: await db.query('SELECT code, used_by_tx, used_at FROM coupons ORDER BY code'),
    rejected: await db.query(
      'SELECT tx_id, agent_id, reason, body, at FROM rejected_transactions ORDER BY id',
    ),
    agents: await db.query('SELECT agent_id, last_seq FROM agents ORDER BY agent_id'),
  };
}

async function run(side: Side, ingest: Ingest, batches: ReturnType<typeof buildBatches>, sharedSale: Tx) {
  await seed(side);
  const ctxAt = (i: number): IngestContext => ({
    programs: side.programs,
    timezone: 'Europe/Moscow',
    now: new Date(BASE + i * 13 * HOUR),
  });
  // Before the run, store 2 sold a receipt whose id store 1 will also print.
  await ingestOneByOne(side.db, AGENT_2, [sharedSale], ctxAt(0));
  const results: TxResult[][] = [];
  for (const [i, b] of batches.entries()) {
    // A deep copy: an implementation must not depend on (or change) the objects it is given.
    results.push(await ingest(side.db, b.agent, structuredClone(b.body), ctxAt(i + 1)));
  }
  return dump(side.db, results);
}

describe('batch ingest ≡ one item at a time', () => {
  it('leaves the same database and answers for random dependent batches', async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const sharedSale = makeSale({
          program: PROGRAM,
          seq: 1,
          at: new Date(BASE - 48 * HOUR).toISOString(),
          storeId: AGENT_2.storeId,
          customer: { id: 'c3' },
          snapshot: { id: 'c3', periodSpend: 0, balance: { available: 100, pending: 0 } },
          lines: [line('CHEESE', 50000, 2)],
        });
        sharedSale.receiptId = 'R-shared';
        const batches = buildBatches(p, sharedSale);
        const expected = await run(refSide, ingestOneByOne, batches, sharedSale);
        const actual = await run(batchSide, ingestBatch, batches, sharedSale);
        expect(actual).toEqual(expected);
        ran++;
      }),
      { numRuns: 40 },
    );
    expect(ran).toBe(40);
  }, 120_000);
});
