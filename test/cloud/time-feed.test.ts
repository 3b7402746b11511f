// Time reaches the feed (SYNC-API.md, the customers feed): the cloud's clock moves across each edge —
// points maturing, points expiring, the tier window sliding, a birthday window opening and closing —
// and the agents' feed hands the customer out again exactly when it crossed, with `updatedAt` = the
// instant of that change, and not a millisecond before. The time-change job reads only the customers
// that are due, and running it twice or several times at once changes nothing more.
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomer, touchCustomer } from '../../src/cloud/store/customers.js';
import { applyTimeChanges } from '../../src/cloud/time-changes.js';
import { parseProgram } from '../../src/domain/index.js';
import type { CachedCustomer, CustomersPage, Tx, TxResult } from '../../src/protocol/sync.js';
import { card } from '../helpers/agent-harness.js';
import { AGENT_1, startTestCloud, type TestCloud, testProgram } from './harness.js';
import { line, makeSale, UNKNOWN } from './tx-builder.js';

const SECOND = 1000;
const DAY = 86_400_000;
/** Monday 16 November 2026, noon in Moscow. */
const T0 = Date.parse('2026-11-16T12:00:00+03:00');
/** Points wait 7 days and last 30 after that; the tier counts the last 30 days' spend. */
const PROGRAM = testProgram({
  version: 'time-1',
  tierPeriodDays: 30,
  accrual: { pendingDays: 7, expiryDays: 30, onRedeemedPart: false },
});
/** A schedule that never fires during a test: the tests run the job themselves or through the feed. */
const NEVER_CRON = '0 0 0 1 1 *';

let cloud: TestCloud;
let seq = 0;

afterEach(async () => {
  await cloud?.close();
});

async function start(): Promise<void> {
  cloud = await startTestCloud({ program: PROGRAM, start: new Date(T0), timeChangesCron: NEVER_CRON });
}

/** Moves the cloud's clock to an absolute instant (never back). */
function moveTo(at: number): void {
  const by = at - cloud.now().getTime();
  expect(by).toBeGreaterThanOrEqual(0);
  cloud.advance(by);
}

/** A sale to a card new to the cloud (it is created at the base tier); answers the customer id. */
async function sell(cardNumber: string, price: number): Promise<string> {
  const tx: Tx = makeSale({
    program: PROGRAM,
    seq: ++seq,
    at: cloud.now().toISOString(),
    customer: { card: cardNumber },
    snapshot: UNKNOWN,
    redeemAllowed: false,
    lines: [line('GOODS', price)],
  });
  const res = await cloud.request<{ results: TxResult[] }>(
    'POST',
    `/v1/agents/${AGENT_1.agentId}/transactions`,
    { key: AGENT_1.key, body: { transactions: [tx] } },
  );
  expect(res.body.results[0]!.status).toBe('accepted');
  return res.body.results[0]!.customer!.id;
}

/** Everything the feed has after `cursor`, and the cursor to go on from. */
async function pull(cursor?: string): Promise<{ customers: CachedCustomer[]; cursor: string }> {
  const customers: CachedCustomer[] = [];
  let at = cursor;
  for (;;) {
    const q = at === undefined ? '' : `?cursor=${at}`;
    const res = await cloud.request<CustomersPage>('GET', `/v1/agents/${AGENT_1.agentId}/customers${q}`, {
      key: AGENT_1.key,
    });
    expect(res.status).toBe(200);
    customers.push(...res.body.customers);
    at = res.body.cursor;
    if (!res.body.more) return { customers, cursor: at };
  }
}

describe('the customers feed carries what time changed', { timeout: 120_000 }, () => {
  it('maturity, tier slide and expiry: each at its own instant, with updatedAt = that instant', async () => {
    await start();
    // 6 000 ₽ at the base tier (3 %): 180 points, pending until T0 + 7 d; 600 000 kopecks of spend
    // make the customer silver (from 500 000) until the sale leaves the 30-day window at T0 + 30 d.
    const id = await sell(card(7001), 600000);
    let feed = await pull();
    expect(feed.customers.find((c) => c.id === id)).toMatchObject({
      tierId: 'silver',
      periodSpend: 600000,
      balance: { available: 0, pending: 180 },
    });

    moveTo(T0 + 7 * DAY - SECOND);
    let next = await pull(feed.cursor);
    expect(next.customers).toEqual([]);
    moveTo(T0 + 7 * DAY);
    next = await pull(next.cursor);
    expect(next.customers).toHaveLength(1);
    expect(next.customers[0]).toMatchObject({
      id,
      tierId: 'silver',
      balance: { available: 180, pending: 0 },
      updatedAt: new Date(T0 + 7 * DAY).toISOString(),
    });
    // Handed out once: the next pull has nothing new.
    feed = await pull(next.cursor);
    expect(feed.customers).toEqual([]);

    moveTo(T0 + 30 * DAY - SECOND);
    feed = await pull(feed.cursor);
    expect(feed.customers).toEqual([]);
    moveTo(T0 + 30 * DAY);
    next = await pull(feed.cursor);
    expect(next.customers).toHaveLength(1);
    expect(next.customers[0]).toMatchObject({
      id,
      tierId: 'standard',
      periodSpend: 0,
      balance: { available: 180, pending: 0 },
      updatedAt: new Date(T0 + 30 * DAY).toISOString(),
    });

    moveTo(T0 + 37 * DAY - SECOND);
    feed = await pull(next.cursor);
    expect(feed.customers).toEqual([]);
    moveTo(T0 + 37 * DAY);
    next = await pull(feed.cursor);
    expect(next.customers).toHaveLength(1);
    expect(next.customers[0]).toMatchObject({
      id,
      tierId: 'standard',
      balance: { available: 0, pending: 0 },
      updatedAt: new Date(T0 + 37 * DAY).toISOString(),
    });
    // Nothing is left to change with time: the customer is no longer scheduled at all.
    const rows = await cloud.db.query<{ next_change_at: Date | null }>(
      'SELECT next_change_at FROM customers WHERE id = $1',
      [id],
    );
    expect(rows[0]!.next_change_at).toBeNull();
  });

  it('a clock that jumps past several edges hands the customer out once, dated by the latest edge', async () => {
    await start();
    const id = await sell(card(7002), 600000);
    const feed = await pull();
    moveTo(T0 + 31 * DAY); // past maturity (7 d) and the tier slide (30 d), before expiry (37 d)
    const next = await pull(feed.cursor);
    expect(next.customers).toHaveLength(1);
    expect(next.customers[0]).toMatchObject({
      id,
      tierId: 'standard',
      balance: { available: 180, pending: 0 },
      updatedAt: new Date(T0 + 30 * DAY).toISOString(),
    });
  });

  it('a birthday window opens and closes at the start of the local (Moscow) day', async () => {
    await start();
    // Birthday 26 November, 3 days before and after: the window is 23–29 November, local days.
    await createCustomer(cloud.db, { id: 'bday-1', cards: [card(7003)], birthday: '11-26' }, cloud.now());
    const feed = await pull();
    expect(feed.customers.map((c) => c.id)).toContain('bday-1');

    const opens = Date.parse('2026-11-22T21:00:00Z'); // 23 November 00:00 in Moscow (UTC+3)
    moveTo(opens - SECOND);
    let next = await pull(feed.cursor);
    expect(next.customers).toEqual([]);
    moveTo(opens);
    next = await pull(next.cursor);
    expect(next.customers.map((c) => [c.id, c.updatedAt])).toEqual([['bday-1', '2026-11-22T21:00:00.000Z']]);

    const closes = Date.parse('2026-11-29T21:00:00Z'); // 30 November 00:00 in Moscow
    moveTo(closes - SECOND);
    let after = await pull(next.cursor);
    expect(after.customers).toEqual([]);
    moveTo(closes);
    after = await pull(after.cursor);
    expect(after.customers.map((c) => [c.id, c.updatedAt])).toEqual([['bday-1', '2026-11-29T21:00:00.000Z']]);
  });
});

describe('the birthday bonus across a new year', { timeout: 120_000 }, () => {
  it('a bonus used in December is free again at the start of 1 January (Moscow), inside the window', async () => {
    await start();
    // Birthday 30 December: the window is 27 December – 2 January; the bonus was taken this year.
    await createCustomer(cloud.db, { id: 'nye', cards: [card(7004)], birthday: '12-30' }, cloud.now());
    moveTo(Date.parse('2026-12-28T12:00:00+03:00'));
    await cloud.db.query('UPDATE customers SET birthday_bonus_year = 2026 WHERE id = $1', ['nye']);
    await touchCustomer(cloud.db, 'nye', cloud.now());
    let feed = await pull();
    expect(feed.customers.find((c) => c.id === 'nye')).toMatchObject({ birthdayBonusUsed: true });

    const newYear = Date.parse('2026-12-31T21:00:00Z'); // 1 January 2027 00:00 in Moscow
    moveTo(newYear - SECOND);
    feed = await pull(feed.cursor);
    expect(feed.customers).toEqual([]);
    moveTo(newYear);
    feed = await pull(feed.cursor);
    expect(feed.customers).toHaveLength(1);
    expect(feed.customers[0]).toMatchObject({
      id: 'nye',
      birthdayBonusUsed: false,
      updatedAt: '2026-12-31T21:00:00.000Z',
    });
  });
});

describe('the time-change job', { timeout: 120_000 }, () => {
  it('reads only due customers; twice, or four runs at once, hand each change out exactly once', async () => {
    await start();
    const program = parseProgram(PROGRAM);
    const ctx = () => ({ program, timezone: 'Europe/Moscow', now: cloud.now() });
    const maturing: string[] = [];
    for (let i = 0; i < 12; i++) maturing.push(await sell(card(7100 + i), 10000));
    for (let i = 0; i < 5; i++) await createCustomer(cloud.db, { id: `quiet-${i}` }, cloud.now());

    // The first run schedules every customer touched since (17); the quiet ones need nothing more.
    expect(await applyTimeChanges(cloud.db, ctx())).toEqual({ checked: 17, changed: 0 });
    expect(await applyTimeChanges(cloud.db, ctx())).toEqual({ checked: 0, changed: 0 });
    const feed = await pull();
    const quiet = await cloud.db.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM customers WHERE id LIKE 'quiet-%' AND next_change_at IS NULL`,
    );
    expect(quiet[0]!.n).toBe(5);

    moveTo(T0 + 7 * DAY);
    const runs = await Promise.all([1, 2, 3, 4].map(() => applyTimeChanges(cloud.db, ctx(), { round: 5 })));
    expect(runs.reduce((n, r) => n + r.changed, 0)).toBe(12);
    expect(runs.reduce((n, r) => n + r.checked, 0)).toBe(12);
    expect(await applyTimeChanges(cloud.db, ctx())).toEqual({ checked: 0, changed: 0 });

    const next = await pull(feed.cursor);
    expect(next.customers.map((c) => c.id).sort()).toEqual([...maturing].sort());
    for (const c of next.customers) {
      // 100 ₽ at 3 %: 3 points, now available.
      expect(c).toMatchObject({
        balance: { available: 3, pending: 0 },
        updatedAt: new Date(T0 + 7 * DAY).toISOString(),
      });
    }
  });
});
