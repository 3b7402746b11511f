// The cloud re-checks each receipt with the program version it names and its OWN view of the
// customer at the receipt's time (tier from its spend window, balance, birthday) — never the till's
// claim. A till that claims gold for a standard customer is a visible difference in GET /v1/receipts
// (`check`, `differences`); an offline receipt that arrives after the tier window slid is judged by
// the tier the customer had when it was made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { card } from '../helpers/agent-harness.js';
import { AGENT_1, startTestCloud, type TestCloud, testProgram } from './harness.js';
import { line, makeSale, UNKNOWN } from './tx-builder.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-16T12:00:00+03:00');
/** Tiers count the last 30 days' spend; points are available at once and expire 20 days later. */
const PROGRAM = testProgram({
  version: 'own-view-1',
  tierPeriodDays: 30,
  accrual: { pendingDays: 0, expiryDays: 20, onRedeemedPart: false },
});

interface ReceiptItem {
  id: string;
  check: 'match' | 'differs';
  differences?: { field: string; agent: unknown; cloud: unknown }[];
}

let cloud: TestCloud;
let seq = 0;

beforeAll(async () => {
  cloud = await startTestCloud({ program: PROGRAM, start: new Date(T0) });
}, 120_000);
afterAll(async () => {
  await cloud.close();
});

async function send(tx: Tx): Promise<TxResult> {
  const res = await cloud.request<{ results: TxResult[] }>(
    'POST',
    `/v1/agents/${AGENT_1.agentId}/transactions`,
    { key: AGENT_1.key, body: { transactions: [tx] } },
  );
  expect(res.body.results[0]!.status).toBe('accepted');
  return res.body.results[0]!;
}

/** A sale the till computed with its own idea of the customer (`claimed` tier, `periodSpend`). */
function saleClaiming(
  id: string,
  claimed: string,
  price: number,
  o: { at?: number; offline?: boolean; available?: number } = {},
): Tx {
  return makeSale({
    program: PROGRAM,
    seq: ++seq,
    at: new Date(o.at ?? cloud.now().getTime()).toISOString(),
    customer: { id, tierId: claimed },
    snapshot: { id, tierId: claimed, periodSpend: 0, balance: { available: o.available ?? 0, pending: 0 } },
    lines: [line('GOODS', price)],
    ...(o.offline ? { offline: true } : {}),
  });
}

async function receipt(txId: string): Promise<ReceiptItem> {
  const res = await cloud.request<{ receipts: ReceiptItem[] }>('GET', '/v1/receipts?limit=1000');
  const found = res.body.receipts.find((r) => r.id === txId);
  expect(found).toBeDefined();
  return found!;
}

describe("the cloud's own view of the customer", { timeout: 120_000 }, () => {
  it('a till claiming gold for a standard customer is a visible difference; a true claim matches', async () => {
    const first = makeSale({
      program: PROGRAM,
      seq: ++seq,
      at: cloud.now().toISOString(),
      customer: { card: card(8001), tierId: 'standard' },
      snapshot: UNKNOWN,
      redeemAllowed: false,
      lines: [line('GOODS', 100000)],
    });
    const id = (await send(first)).customer!.id;
    expect(await receipt(first.id)).toMatchObject({ check: 'match' });

    // 1 000 ₽ at gold's 10 %: the till took 100,00 ₽ off; the cloud's standard tier gives nothing.
    const gold = saleClaiming(id, 'gold', 100000);
    expect(gold.totals.discount).toBe(10000);
    await send(gold);
    const item = await receipt(gold.id);
    expect(item.check).toBe('differs');
    expect(item.differences).toContainEqual({ field: 'customer.tierId', agent: 'gold', cloud: 'standard' });
    expect(item.differences).toContainEqual({ field: 'totals.discount', agent: 10000, cloud: 0 });

    // The central page lists it: its overview marks the receipt and names the tier field.
    const overview = await cloud.request<{
      receipts: ReceiptItem[];
      diffs: { id: string; recomputeDiff: { differences: unknown[] } }[];
    }>('GET', '/central/api/overview');
    expect(overview.body.receipts.find((r) => r.id === gold.id)?.check).toBe('differs');
    expect(overview.body.diffs.find((r) => r.id === gold.id)?.recomputeDiff.differences).toContainEqual({
      field: 'customer.tierId',
      agent: 'gold',
      cloud: 'standard',
    });
    const page = await fetch(`${cloud.url}/`);
    const html = await page.text();
    expect(html).toContain("r.check === 'differs'");
    expect(html).toContain("'customer.tierId': 'уровень покупателя'");

    const honest = saleClaiming(id, 'standard', 100000);
    await send(honest);
    const ok = await receipt(honest.id);
    expect(ok.check).toBe('match');
    expect(ok.differences).toBeUndefined();
  });

  it('judges an offline receipt by the tier the customer had when it was made, not when it arrived', async () => {
    // 6 000 ₽ at T0 makes the customer silver (from 5 000 ₽) for 30 days.
    const first = makeSale({
      program: PROGRAM,
      seq: ++seq,
      at: new Date(T0).toISOString(),
      customer: { card: card(8002), tierId: 'standard' },
      snapshot: UNKNOWN,
      redeemAllowed: false,
      lines: [line('GOODS', 600000)],
    });
    const id = (await send(first)).customer!.id;

    cloud.advance(T0 + 40 * DAY - cloud.now().getTime());
    // Made offline on day 10 (silver then), arriving on day 40 (the window has slid: standard now).
    const offline = saleClaiming(id, 'silver', 100000, { at: T0 + 10 * DAY, offline: true });
    await send(offline);
    expect(await receipt(offline.id)).toMatchObject({ check: 'match' });
    // The same claim for a sale made today is wrong: the cloud's window has only 1 000 ₽ of day 10.
    const today = saleClaiming(id, 'silver', 100000);
    await send(today);
    const item = await receipt(today.id);
    expect(item.check).toBe('differs');
    expect(item.differences).toContainEqual({ field: 'customer.tierId', agent: 'silver', cloud: 'standard' });
  });

  it('takes the balance as it was at the receipt: points spent then match, though expired on arrival', async () => {
    const earnedAt = cloud.now().getTime();
    const first = makeSale({
      program: PROGRAM,
      seq: ++seq,
      at: new Date(earnedAt).toISOString(),
      customer: { card: card(8003), tierId: 'standard' },
      snapshot: UNKNOWN,
      redeemAllowed: false,
      lines: [line('GOODS', 100000)],
    });
    const id = (await send(first)).customer!.id; // 3 % of 1 000 ₽: 30 points, expiring in 20 days
    // Paid with those 30 points on day 5; the transaction reaches the cloud on day 25.
    const pay = makeSale({
      program: PROGRAM,
      seq: ++seq,
      at: new Date(earnedAt + 5 * DAY).toISOString(),
      customer: { id, tierId: 'standard' },
      snapshot: { id, tierId: 'standard', periodSpend: 100000, balance: { available: 30, pending: 0 } },
      lines: [line('GOODS', 100000)],
      redeem: { points: 30 },
    });
    expect(pay.totals.redeemedPoints).toBe(30);
    cloud.advance(25 * DAY);
    await send(pay);
    expect(await receipt(pay.id)).toMatchObject({ check: 'match' });
  });
});
