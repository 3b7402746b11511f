// The ingest against databases computed by hand (issue #12). The batch ingest and the one-by-one
// reference share the store code, so comparing them with each other cannot show a mistake they
// share. Here each scenario's transactions are written out literally (figures derived by hand from
// MECHANICS.md), applied by both paths, and the resulting rows — lots, ledger, spend, customers,
// cards, balances, the answers — are compared to literal expectations derived by hand from
// MECHANICS.md and the booking rules of docs/DECISIONS-cloud.md. No engine call builds a figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/cloud/db/db.js';
import { ingestBatch } from '../../src/cloud/ingest/ingest-batch.js';
import { ProgramStore } from '../../src/cloud/store/program-store.js';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { AGENT_1, openTestDb, testProgram } from './harness.js';
import { ingestOneByOne } from './reference/ingest-one-by-one.js';

/** Points pending 1 day, expiring 30 days after they become available; 150 enrolment points. */
const PROGRAM = testProgram({ accrual: { pendingDays: 1, expiryDays: 30, onRedeemedPart: false } });
const NOW = new Date('2026-11-16T09:00:00.000Z'); // 12:00 in Moscow: when the cloud ingests
const iso = (s: string) => new Date(s);
const C1_CARD = '2000000000011';
const NEW_CARD = '2000000000028';

type Ingest = typeof ingestBatch;
const PATHS: [string, Ingest][] = [
  ['batch ingest', ingestBatch],
  ['one-by-one reference', ingestOneByOne],
];

let db: Db;
let drop: () => Promise<void>;
let programs: ProgramStore;

beforeAll(async () => {
  ({ db, drop } = await openTestDb());
  programs = await ProgramStore.install(db, PROGRAM, NOW, () => {});
  await db.query('INSERT INTO agents (agent_id, store_id) VALUES ($1, $2)', [
    AGENT_1.agentId,
    AGENT_1.storeId,
  ]);
}, 60_000);
afterAll(() => drop?.());

/**
 * c1: silver (600 000 spent 10 days ago), lots 200 (expiring in 10 days) + 100 (never expiring).
 * c3: standard, one lot of 50 points.
 */
async function seed(): Promise<void> {
  await db.exec(`TRUNCATE customers, cards, point_lots, points_ledger, spend_entries, holds, transactions,
    rejected_transactions, coupons RESTART IDENTITY CASCADE`);
  await db.query('UPDATE agents SET last_seq = 0');
  const created = iso('2025-10-01T00:00:00.000Z');
  await db.query(
    `INSERT INTO customers (id, name, phone, birthday, offline_allowance, enrolment_bonus_tx, created_at, updated_at, change_seq)
     VALUES ('c1', 'Вера', NULL, NULL, NULL, 'old-enrol', $1, $1, nextval('customer_change_seq')),
            ('c3', 'Ира', '+79000000003', NULL, NULL, 'old-enrol-3', $1, $1, nextval('customer_change_seq'))`,
    [created],
  );
  await db.query(`INSERT INTO cards (card, customer_id) VALUES ($1, 'c1')`, [C1_CARD]);
  await db.query(
    `INSERT INTO point_lots (customer_id, kind, points, remaining, available_at, expires_at, source_tx, created_at) VALUES
     ('c1', 'seed', 200, 200, $1, $2, NULL, $1), ('c1', 'seed', 100, 100, $1, NULL, NULL, $1),
     ('c3', 'seed', 50, 50, $1, NULL, NULL, $1)`,
    [iso('2026-11-15T09:00:00.000Z'), iso('2026-11-26T09:00:00.000Z')],
  );
  await db.query(
    `INSERT INTO spend_entries (customer_id, at, amount, tx_id) VALUES ('c1', $1, 600000, NULL)`,
    [iso('2026-11-06T09:00:00.000Z')],
  );
}

const common = {
  storeId: AGENT_1.storeId,
  tillId: 'till-1',
  offline: false,
  programVersion: 'test-1',
  timezone: 'Europe/Moscow',
};
const zeroTotals = {
  amount: 0,
  discount: 0,
  redeemedPoints: 0,
  redeemedAmount: 0,
  toPay: 0,
  accruedPoints: 0,
};

/**
 * S1, c1 by card, silver: 3 × 100,00 ₽ milk, 100 points asked for.
 * a = 30000; d = 5 % = 1500; r = 100 points × 100 = 10000 (≤ 50 % of 28500); p = 18500;
 * accrual 5 % on the paid part: ⌊18500 × 5 / 10000⌋ = ⌊9.25⌋ = 9 points.
 */
const S1: Tx = {
  ...common,
  id: 'tx-s1',
  seq: 1,
  kind: 'sale',
  at: '2026-11-16T07:00:00.000Z',
  receiptId: 'R-1',
  customer: { card: C1_CARD, tierId: 'silver' },
  redeem: { points: 100 },
  lines: [
    {
      lineId: '1',
      sku: 'MILK',
      name: 'Молоко',
      price: 10000,
      qty: 3,
      amount: 30000,
      discount: 1500,
      redeemed: 10000,
      paid: 18500,
      accruedPoints: 9,
    },
  ],
  totals: {
    amount: 30000,
    discount: 1500,
    redeemedPoints: 100,
    redeemedAmount: 10000,
    toPay: 18500,
    accruedPoints: 9,
  },
};

/**
 * R1 returns 1 of the 3 units: shares roundHalfUp(x × 1 / 3): paid 18500 → 6167, redeemed
 * 10000 → 3333, earned 9 → 3; points back = roundHalfUp(3333 / 100) = 33.
 */
const R1: Tx = {
  ...common,
  id: 'tx-r1',
  seq: 2,
  kind: 'return',
  at: '2026-11-16T08:00:00.000Z',
  receiptId: 'R-1',
  returnId: 'RET-1',
  customer: { card: C1_CARD, tierId: 'silver' },
  lines: [
    {
      lineId: '1',
      sku: 'MILK',
      name: 'Молоко',
      price: 10000,
      qty: 1,
      amount: 0,
      discount: 0,
      redeemed: 3333,
      paid: 6167,
      accruedPoints: 3,
    },
  ],
  totals: { amount: 0, discount: 0, redeemedPoints: 33, redeemedAmount: 3333, toPay: 6167, accruedPoints: 3 },
  refund: { amount: 6167, pointsReturned: 33, pointsReversed: 3 },
};

/** E + S2: a card new to the cloud buys a 2 500,00 ₽ TV and is enrolled at the till. */
const E2: Tx = {
  ...common,
  id: 'tx-e2',
  seq: 3,
  kind: 'enrolment',
  at: '2026-11-16T08:30:00.000Z',
  receiptId: 'R-2',
  customer: { card: NEW_CARD },
  lines: [],
  totals: zeroTotals,
  bonusPoints: 150,
};
/** Base tier, no discount while enrolling: ⌊250000 × 3 / 10000⌋ = 75, + 150 enrolment points = 225. */
const S2: Tx = {
  ...common,
  id: 'tx-s2',
  seq: 4,
  kind: 'sale',
  at: '2026-11-16T08:30:00.000Z',
  receiptId: 'R-2',
  customer: { card: NEW_CARD },
  lines: [
    {
      lineId: '1',
      sku: 'TV',
      name: 'Телевизор',
      price: 250000,
      qty: 1,
      amount: 250000,
      discount: 0,
      redeemed: 0,
      paid: 250000,
      accruedPoints: 225,
    },
  ],
  totals: {
    amount: 250000,
    discount: 0,
    redeemedPoints: 0,
    redeemedAmount: 0,
    toPay: 250000,
    accruedPoints: 225,
  },
};

/**
 * S3, c3 by phone, offline, spends 80 points though the cloud has 50: 1 000,00 ₽, standard tier,
 * r = 8000, p = 92000, accrual 3 %: ⌊92000 × 3 / 10000⌋ = ⌊27.6⌋ = 27.
 */
const S3: Tx = {
  ...common,
  id: 'tx-s3',
  seq: 5,
  kind: 'sale',
  offline: true,
  at: '2026-11-16T08:45:00.000Z',
  receiptId: 'R-3',
  customer: { phone: '+79000000003' },
  redeem: { points: 80 },
  lines: [
    {
      lineId: '1',
      sku: 'COAT',
      name: 'Пальто',
      price: 100000,
      qty: 1,
      amount: 100000,
      discount: 0,
      redeemed: 8000,
      paid: 92000,
      accruedPoints: 27,
    },
  ],
  totals: {
    amount: 100000,
    discount: 0,
    redeemedPoints: 80,
    redeemedAmount: 8000,
    toPay: 92000,
    accruedPoints: 27,
  },
};

async function apply(ingest: Ingest, batches: Tx[][]): Promise<TxResult[][]> {
  await seed();
  const out: TxResult[][] = [];
  for (const b of batches) {
    out.push(
      await ingest(db, AGENT_1, structuredClone(b), { programs, timezone: 'Europe/Moscow', now: NOW }),
    );
  }
  return out;
}

const rows = (sql: string, params: unknown[] = []) =>
  db.query<Record<string, unknown>>(sql, params as never[]);
const lotsOf = (customerId: string) =>
  rows(
    `SELECT kind, points, remaining, available_at, expires_at, source_tx FROM point_lots
     WHERE customer_id = $1 ORDER BY id`,
    [customerId],
  );
const ledgerOf = (customerId: string) =>
  rows('SELECT at, kind, points, receipt_id, tx_id FROM points_ledger WHERE customer_id = $1 ORDER BY id', [
    customerId,
  ]);
const spendOf = (customerId: string) =>
  rows('SELECT at, amount::int AS amount, tx_id FROM spend_entries WHERE customer_id = $1 ORDER BY id', [
    customerId,
  ]);
/** Balance at NOW straight from the lots (MECHANICS: available once available_at passed, until expiry). */
async function balanceOf(customerId: string): Promise<{ available: number; pending: number }> {
  const [r] = await rows(
    `SELECT COALESCE(SUM(remaining) FILTER (WHERE available_at <= $2), 0)::int AS available,
            COALESCE(SUM(remaining) FILTER (WHERE available_at > $2), 0)::int AS pending
     FROM point_lots WHERE customer_id = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    [customerId, NOW],
  );
  return r as { available: number; pending: number };
}

describe.each(PATHS)('%s, against hand-computed rows', (_name, ingest) => {
  it.each([
    ['one batch', [[S1, R1]]],
    ['two batches', [[S1], [R1]]],
  ])('a sale paid partly with points and a partial return (%s)', async (_how, batches) => {
    const results = await apply(ingest, batches as Tx[][]);
    expect(results.flat().map((r) => [r.id, r.status])).toEqual([
      ['tx-s1', 'accepted'],
      ['tx-r1', 'accepted'],
    ]);
    expect(await lotsOf('c1')).toEqual([
      // S1 spends the soonest-to-expire lot first: 200 → 100; the never-expiring one stays.
      {
        kind: 'seed',
        points: 200,
        remaining: 100,
        available_at: iso('2026-11-15T09:00:00Z'),
        expires_at: iso('2026-11-26T09:00:00Z'),
        source_tx: null,
      },
      {
        kind: 'seed',
        points: 100,
        remaining: 100,
        available_at: iso('2026-11-15T09:00:00Z'),
        expires_at: null,
        source_tx: null,
      },
      // S1 earns 9, pending 1 day from the sale, expiring 30 days later; R1 takes 3 back from it.
      {
        kind: 'earned',
        points: 9,
        remaining: 6,
        available_at: iso('2026-11-17T07:00:00Z'),
        expires_at: iso('2026-12-17T07:00:00Z'),
        source_tx: 'tx-s1',
      },
      // R1 gives 33 points back as a new lot available now, expiring 30 days from now.
      {
        kind: 'returned',
        points: 33,
        remaining: 33,
        available_at: NOW,
        expires_at: iso('2026-12-16T09:00:00Z'),
        source_tx: 'tx-r1',
      },
    ]);
    expect(await ledgerOf('c1')).toEqual([
      { at: iso(S1.at), kind: 'redeemed', points: -100, receipt_id: 'R-1', tx_id: 'tx-s1' },
      { at: iso(S1.at), kind: 'earned', points: 9, receipt_id: 'R-1', tx_id: 'tx-s1' },
      { at: iso(R1.at), kind: 'returned', points: 33, receipt_id: 'R-1', tx_id: 'tx-r1' },
      { at: iso(R1.at), kind: 'reversed', points: -3, receipt_id: 'R-1', tx_id: 'tx-r1' },
    ]);
    // Spend: a − d = 28500 at the sale; the return takes p + r = 6167 + 3333 = 9500 at the sale's date.
    expect(await spendOf('c1')).toEqual([
      { at: iso('2026-11-06T09:00:00Z'), amount: 600000, tx_id: null },
      { at: iso(S1.at), amount: 28500, tx_id: 'tx-s1' },
      { at: iso(S1.at), amount: -9500, tx_id: 'tx-r1' },
    ]);
    // 100 + 100 + 33 available; the 6 earned points left are pending until tomorrow.
    expect(await balanceOf('c1')).toEqual({ available: 233, pending: 6 });
    // The last answer carries that balance; the till's figures agreed with the cloud's re-check.
    expect(results.flat().at(-1)!.customer).toEqual({ id: 'c1', balance: { available: 233, pending: 6 } });
    const txs = await rows(
      'SELECT id, kind, customer_id, recompute_diff FROM transactions ORDER BY ingest_no',
    );
    expect(txs).toEqual([
      { id: 'tx-s1', kind: 'sale', customer_id: 'c1', recompute_diff: null },
      { id: 'tx-r1', kind: 'return', customer_id: 'c1', recompute_diff: null },
    ]);
  });

  it('an enrolment at the till of a card new to the cloud, with its sale', async () => {
    const results = await apply(ingest, [[S2, E2]]);
    expect(results[0]!.map((r) => [r.id, r.status])).toEqual([
      ['tx-s2', 'accepted'],
      ['tx-e2', 'accepted'],
    ]);
    const [card] = await rows('SELECT card, customer_id FROM cards WHERE card = $1', [NEW_CARD]);
    const id = card!.customer_id as string;
    expect(id).not.toBe('c1');
    const [customer] = await rows(
      'SELECT name, phone, enrolment_bonus_tx, created_at, deleted FROM customers WHERE id = $1',
      [id],
    );
    // A member since the enrolment; its bonus granted by E2 (counted in the sale's accrual).
    expect(customer).toEqual({
      name: '',
      phone: null,
      enrolment_bonus_tx: 'tx-e2',
      created_at: iso(E2.at),
      deleted: false,
    });
    expect(await lotsOf(id)).toEqual([
      {
        kind: 'earned',
        points: 225,
        remaining: 225,
        available_at: iso('2026-11-17T08:30:00Z'),
        expires_at: iso('2026-12-17T08:30:00Z'),
        source_tx: 'tx-s2',
      },
    ]);
    expect(await ledgerOf(id)).toEqual([
      { at: iso(S2.at), kind: 'earned', points: 225, receipt_id: 'R-2', tx_id: 'tx-s2' },
    ]);
    expect(await spendOf(id)).toEqual([{ at: iso(S2.at), amount: 250000, tx_id: 'tx-s2' }]);
    expect(await balanceOf(id)).toEqual({ available: 0, pending: 225 });
    const txs = await rows('SELECT id, customer_id, recompute_diff FROM transactions ORDER BY ingest_no');
    expect(txs).toEqual([
      { id: 'tx-e2', customer_id: id, recompute_diff: null },
      { id: 'tx-s2', customer_id: id, recompute_diff: null },
    ]);
  });

  it('points spent offline beyond the balance become a debt that the sale’s own earnings pay first', async () => {
    const results = await apply(ingest, [[S3]]);
    expect(results[0]).toEqual([
      { id: 'tx-s3', status: 'accepted', customer: { id: 'c3', balance: { available: -3, pending: 0 } } },
    ]);
    // 80 asked of 50: the lot is emptied and 30 are owed; the 27 earned pay 27 of the debt at once.
    expect(await lotsOf('c3')).toEqual([
      {
        kind: 'seed',
        points: 50,
        remaining: 0,
        available_at: iso('2026-11-15T09:00:00Z'),
        expires_at: null,
        source_tx: null,
      },
      { kind: 'debt', points: -30, remaining: -3, available_at: NOW, expires_at: null, source_tx: 'tx-s3' },
      {
        kind: 'earned',
        points: 27,
        remaining: 0,
        available_at: iso('2026-11-17T08:45:00Z'),
        expires_at: iso('2026-12-17T08:45:00Z'),
        source_tx: 'tx-s3',
      },
    ]);
    expect(await ledgerOf('c3')).toEqual([
      { at: iso(S3.at), kind: 'redeemed', points: -80, receipt_id: 'R-3', tx_id: 'tx-s3' },
      { at: iso(S3.at), kind: 'earned', points: 27, receipt_id: 'R-3', tx_id: 'tx-s3' },
    ]);
    expect(await spendOf('c3')).toEqual([{ at: iso(S3.at), amount: 100000, tx_id: 'tx-s3' }]);
    expect(await balanceOf('c3')).toEqual({ available: -3, pending: 0 });
    const [tx] = await rows('SELECT recompute_diff FROM transactions WHERE id = $1', ['tx-s3']);
    expect(JSON.stringify(tx!.recompute_diff)).toContain(
      '30 redeemed points exceeded the balance and are owed',
    );
  });
});
