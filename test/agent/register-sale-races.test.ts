// POS-API.md "Concurrency" for a sale through the register: POST /v1/sales fired together with the
// till's cancel or confirm of the same receipt, over real HTTP, the simulated register printing. One
// outcome: the register sale wins (printed once, confirmed with its fiscal document, the other
// request answers as it would afterwards) or the other request wins first (nothing printed by a
// cancelled receipt) — never a printed receipt left for a person because a cancel slipped in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUNDAY } from '../helpers/agent-harness.js';
import { skewed } from '../helpers/race.js';
import {
  type Answer,
  breadSale,
  closedReceipts,
  type RegisterAgent,
  saleTxs,
  startRegisterAgent,
} from './register-sale-harness.js';

const ROUNDS = 50;
const TIMEOUT_MS = 120_000;

let t: RegisterAgent;

beforeAll(async () => {
  t = await startRegisterAgent();
});
afterAll(() => t.close());

type Reply = { status: number; body: Answer };

/** The till shows the receipt first (a calculate), then hands it to the register. */
async function calculated(receiptId: string): Promise<void> {
  const { payments: _p, ...calc } = breadSale(receiptId);
  const res = await t.call<Answer>('POST', '/v1/receipts/calculate', { ...calc, at: SUNDAY });
  expect(res.status).toBe(200);
}

const printed = () => closedReceipts(t.sim.device.journal).length;
const sell = (receiptId: string) => () => t.call<Answer>('POST', '/v1/sales', breadSale(receiptId));

/** A register sale that won: printed once, and the journal holds it with the very document answered. */
function expectPrintedSale(receiptId: string, sale: Reply, printedBefore: number): void {
  expect(printed(), `${receiptId}: receipts printed`).toBe(printedBefore + 1);
  const stored = saleTxs(t, receiptId);
  expect(stored).toHaveLength(1);
  expect(stored[0]!.fiscal, `${receiptId}: the sale answered another document than stored`).toEqual(
    sale.body.fiscal,
  );
  expect(stored[0]!.totals).toEqual(sale.body.totals);
}

describe('a sale through the register racing the till (real HTTP)', () => {
  it(
    'sale + cancel: printed and confirmed with the cancel refused, or cancelled and nothing printed',
    async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-sx-${i}`;
        await calculated(receiptId);
        const before = printed();
        const [sale, cancel] = await skewed(i, sell(receiptId), () =>
          t.call<Answer>('POST', `/v1/receipts/${receiptId}/cancel`),
        );
        const both = JSON.stringify([sale!.body, cancel!.body]);
        if (sale!.status === 200) {
          expect(cancel!.status, `round ${i}: ${both}`).toBe(409);
          expect(cancel!.body.error.code).toBe('RECEIPT_CONFIRMED');
          expectPrintedSale(receiptId, sale!, before);
        } else {
          expect([sale!.status, cancel!.status], `round ${i}: ${both}`).toEqual([409, 200]);
          expect(sale!.body.error.code, `round ${i}: ${both}`).toBe('RECEIPT_CANCELLED');
          expect(printed(), `round ${i}: a cancelled receipt was printed`).toBe(before);
          expect(saleTxs(t, receiptId)).toHaveLength(0);
        }
      }
      expect(t.agent.till.receiptsInProgress).toBe(0);
    },
    TIMEOUT_MS,
  );

  it(
    'sale + confirm: the register sale is confirmed with its document, or refused after a plain confirm',
    async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const receiptId = `race-sc-${i}`;
        await calculated(receiptId);
        const before = printed();
        const [sale, confirm] = await skewed(i, sell(receiptId), () =>
          t.call<Answer>('POST', `/v1/receipts/${receiptId}/confirm`, {}),
        );
        const both = JSON.stringify([sale!.body, confirm!.body]);
        expect(confirm!.status, `round ${i}: ${both}`).toBe(200);
        expect(saleTxs(t, receiptId)).toHaveLength(1);
        expect(confirm!.body.totals).toEqual(saleTxs(t, receiptId)[0]!.totals);
        if (sale!.status === 200) {
          expectPrintedSale(receiptId, sale!, before);
        } else {
          // The till confirmed it without the register first: nothing is printed for it.
          expect(sale!.status, `round ${i}: ${both}`).toBe(409);
          expect(sale!.body.error.code).toBe('RECEIPT_CONFIRMED');
          expect(printed()).toBe(before);
          expect(saleTxs(t, receiptId)[0]!.fiscal).toBeUndefined();
        }
      }
      expect(t.agent.till.receiptsInProgress).toBe(0);
    },
    TIMEOUT_MS,
  );
});
