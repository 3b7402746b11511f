// POS-API.md "Concurrency" over real HTTP, against the reference cloud (in process, in-memory PGlite):
// requests about one receipt fired at the same moment (a barrier) give exactly one outcome, round
// after round — confirm/confirm, confirm/cancel, confirm/recalculate, return/return — and what a
// confirm answers is what the journal stored, once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/protocol/sync.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from '../cloud/harness.js';
import { card, startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { skewed, together } from '../helpers/race.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;
type Answer = { status: number; body: Body };

const ROUNDS = 50;
/** Per-test time for 50 rounds of a calculate (customer look-up, points hold) and two racing requests. */
const RACE_TIMEOUT_MS = 120_000;

let cloud: TestCloud;
let t: TestAgent;
let programDir: string;
let cardNo = 7000;

beforeAll(async () => {
  cloud = await startTestCloud();
  // The agent runs the cloud's program and the cloud's clock, so the cloud books its sales as sent.
  programDir = await mkdtemp(path.join(tmpdir(), 'la-races-'));
  const programFile = path.join(programDir, 'program.json');
  await writeFile(programFile, JSON.stringify(cloud.program));
  t = await startTestAgent(
    {
      program: programFile,
      cloud: { url: cloud.url, agentId: AGENT_1.agentId, key: AGENT_1.key, deadlineMs: 5000 },
    },
    { now: () => cloud.now() },
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
  await cloud?.close();
  if (programDir) await rm(programDir, { recursive: true, force: true });
});

/** New customers in the cloud, each with the 150-point enrolment bonus (enrolled at another store). */
async function customersWithPoints(count: number): Promise<string[]> {
  const cards = Array.from({ length: count }, () => card(++cardNo));
  const txs: Tx[] = cards.map((c, i) => ({
    id: `enrol-${c}`,
    seq: cardNo * 1000 + i,
    kind: 'enrolment',
    storeId: AGENT_2.storeId,
    tillId: 'till-1',
    at: cloud.now().toISOString(),
    offline: false,
    programVersion: String(cloud.program.version),
    receiptId: `enrol-r-${c}`,
    customer: { card: c },
    lines: [],
    totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 150 },
  }));
  const res = await cloud.request<{ results: { status: string }[] }>(
    'POST',
    `/v1/agents/${AGENT_2.agentId}/transactions`,
    { key: AGENT_2.key, body: { transactions: txs } },
  );
  expect(res.status).toBe(200);
  expect(res.body.results.every((r) => r.status === 'accepted')).toBe(true);
  return cards;
}

const lines = (qty: number) => [
  { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty, category: 'dairy' },
  { lineId: '2', sku: 'BREAD', name: 'Хлеб', price: 5000, qty: 1 },
];

/** Calculates a receipt for a card customer paying 40 points: a hold is placed in the cloud. */
async function calculated(receiptId: string, customerCard: string, qty = 2): Promise<Body> {
  const res = await t.call<Body>('POST', '/v1/receipts/calculate', {
    receiptId,
    customer: { card: customerCard },
    lines: lines(qty),
    redeem: { points: 40 },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.offline).toBe(false);
  expect(res.body.totals.redeemedPoints).toBe(40);
  expect(t.agent.store.openReceipts.get(receiptId)?.holdId).toBeTruthy();
  return res.body;
}

const confirm = (receiptId: string) => () => t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, {});
const cancel = (receiptId: string) => () => t.call<Body>('POST', `/v1/receipts/${receiptId}/cancel`);

function salesOf(receiptId: string): Tx[] {
  return t.agent.store.journal
    .byReceipt(receiptId)
    .filter((e) => e.tx.kind === 'sale')
    .map((e) => e.tx);
}

async function holdState(holdId: string): Promise<string | undefined> {
  const rows = await cloud.db.query<{ state: string }>('SELECT state FROM holds WHERE hold_id = $1', [
    holdId,
  ]);
  return rows[0]?.state;
}

/** The confirm answered what the journal holds for the receipt: one sale with those very totals. */
function expectOneStoredSale(receiptId: string, answer: Answer): Tx {
  const sales = salesOf(receiptId);
  expect(sales, `${receiptId}: sales in the journal`).toHaveLength(1);
  expect(answer.body.totals, `${receiptId}: confirm answered other totals than stored`).toEqual(
    sales[0]!.totals,
  );
  return sales[0]!;
}

describe('one outcome per receipt (requests fired together, real HTTP)', () => {
  it(
    'confirm + confirm: both 200 with the same stored totals, one sale in the journal',
    async () => {
      const cards = await customersWithPoints(ROUNDS);
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-cc-${i}`;
        const calc = await calculated(receiptId, cards[i]!);
        const [a, b] = await together(confirm(receiptId), confirm(receiptId));
        expect([a!.status, b!.status], `round ${i}`).toEqual([200, 200]);
        expect(b!.body, `round ${i}`).toEqual(a!.body);
        expect(a!.body.totals).toEqual(calc.totals);
        expectOneStoredSale(receiptId, a!);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'confirm + cancel: one wins; a confirmed sale keeps its hold, a cancelled receipt releases it',
    async () => {
      const cards = await customersWithPoints(ROUNDS);
      const winners = { confirm: 0, cancel: 0 };
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-cx-${i}`;
        await calculated(receiptId, cards[i]!);
        const holdId = t.agent.store.openReceipts.get(receiptId)!.holdId!;
        const [c, x] = await skewed(i, confirm(receiptId), cancel(receiptId));
        const statuses = [c!.status, x!.status].sort();
        expect(statuses, `round ${i}: ${JSON.stringify([c!.body, x!.body])}`).toEqual([200, 409]);
        if (c!.status === 200) {
          winners.confirm++;
          expect(x!.body.error.code).toBe('RECEIPT_CONFIRMED');
          expect(expectOneStoredSale(receiptId, c!).holdId).toBe(holdId);
          // The sale captures the hold (once synced): the cancel never released it.
          expect(['active', 'captured']).toContain(await holdState(holdId));
          expect((await t.call<Body>('GET', `/v1/receipts/${receiptId}`)).body.status).toBe('confirmed');
        } else {
          winners.cancel++;
          expect(c!.body.error.code).toBe('RECEIPT_CANCELLED');
          expect(salesOf(receiptId)).toHaveLength(0);
          expect(await holdState(holdId)).toBe('released');
          expect((await t.call<Body>('GET', `/v1/receipts/${receiptId}`)).body.status).toBe('cancelled');
        }
      }
      // Both orders happen; each is one outcome.
      expect(winners.confirm + winners.cancel).toBe(ROUNDS);
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'confirm + recalculate: the confirm answers what is stored; a recalculation after it is 409',
    async () => {
      const cards = await customersWithPoints(ROUNDS);
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-cr-${i}`;
        const first = await calculated(receiptId, cards[i]!, 2);
        const recalc = () =>
          t.call<Body>('POST', '/v1/receipts/calculate', {
            receiptId,
            customer: { card: cards[i]! },
            lines: lines(5),
            redeem: { points: 40 },
          });
        const [c, r] = await skewed(i, confirm(receiptId), recalc);
        expect(c!.status, `round ${i}: ${JSON.stringify(c!.body)}`).toBe(200);
        const stored = expectOneStoredSale(receiptId, c!);
        if (r!.status === 200) {
          // The recalculation came first: the confirm confirmed it.
          expect(r!.body.totals).not.toEqual(first.totals);
          expect(stored.totals, `round ${i}: recalculated but the journal kept the old totals`).toEqual(
            r!.body.totals,
          );
        } else {
          expect(r!.status, `round ${i}`).toBe(409);
          expect(r!.body.error.code).toBe('RECEIPT_CONFIRMED');
          expect(stored.totals).toEqual(first.totals);
        }
        // Only the hold the sale names is left active: a replaced one was released.
        expect(['active', 'captured']).toContain(await holdState(stored.holdId!));
      }
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'return + return of the last unit: one 200, one 409 RETURN_EXCEEDS_SALE, one return written',
    async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-rr-${i}`;
        const sold = await t.call<Body>('POST', '/v1/receipts/calculate', {
          receiptId,
          lines: [{ lineId: '1', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 1 }],
        });
        expect(sold.status).toBe(200);
        expect((await confirm(receiptId)()).status).toBe(200);
        const back = (returnId: string) => () =>
          t.call<Body>('POST', '/v1/returns', { returnId, receiptId, lines: [{ lineId: '1', qty: 1 }] });
        const [a, b] = await skewed(i, back(`ret-${i}-a`), back(`ret-${i}-b`));
        const statuses = [a!.status, b!.status].sort();
        expect(statuses, `round ${i}: ${JSON.stringify([a!.body, b!.body])}`).toEqual([200, 409]);
        const lost = a!.status === 409 ? a! : b!;
        expect(lost.body.error.code).toBe('RETURN_EXCEEDS_SALE');
        const returns = t.agent.store.journal.byReceipt(receiptId).filter((e) => e.tx.kind === 'return');
        expect(returns).toHaveLength(1);
        expect(returns[0]!.tx.refund!.amount).toBe(129900);
      }
    },
    RACE_TIMEOUT_MS,
  );

  it('the cloud received each sold receipt once (after the races above), and the lock kept no key', async () => {
    expect(t.agent.till.receiptsInProgress).toBe(0);
    const deadline = Date.now() + 30_000;
    while (t.agent.store.journal.stats(0).pending > 0 && Date.now() < deadline) {
      await t.call('POST', '/v1/sync');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(t.agent.store.journal.stats(0)).toMatchObject({ pending: 0, deadLetter: 0 });
    const rows = await cloud.db.query<{ receipt_id: string; n: number }>(
      `SELECT receipt_id, count(*)::int AS n FROM transactions
        WHERE kind = 'sale' AND receipt_id LIKE 'race-%' GROUP BY receipt_id ORDER BY receipt_id`,
    );
    // The receipts the races above sold, each once: as many in the cloud as the journal holds.
    const sold = ['cc', 'cx', 'cr', 'rr']
      .flatMap((kind) => Array.from({ length: ROUNDS }, (_, i) => `race-${kind}-${i}`))
      .filter((receiptId) => salesOf(receiptId).length > 0)
      .sort();
    expect(rows).toEqual(sold.map((receiptId) => ({ receipt_id: receiptId, n: 1 })));
  }, 60_000);
});
