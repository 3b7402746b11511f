// A receipt sold at store A is taken back at store B through B's till API: B's agent does not have
// the sale, reads it from the reference cloud (GET /v1/agents/{agentId}/receipts/{receiptId}),
// takes a partial return and then the rest, and delivers both. The cloud ends with the sale
// reversed exactly: the customer's balance is what it was before the sale, and every kopeck and
// point of the sale came back across the two returns.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReceiptForReturn } from '../../src/protocol/sync.js';
import { agentTransactions, allReceipts, balanceOf } from './helpers/central.js';
import { Cleanup } from './helpers/cleanup.js';
import { httpJson } from './helpers/http-json.js';
import {
  ADMIN,
  customersPulled,
  STORE_A,
  STORE_B,
  startStoreAgent,
  startTwoStoreCloud,
  VERA,
  veraSale,
} from './helpers/two-stores.js';

interface ReturnAnswer {
  returnId: string;
  status: string;
  refund: { amount: number; pointsReturned: number; pointsReversed: number };
  lines: { lineId: string; qty: number; paid: number; redeemed: number; accruedPoints: number }[];
  error?: { code: string; message: string };
}

const cleanup = new Cleanup();
afterAll(() => cleanup.run(), 60_000);

describe('a return at store B of a receipt sold at store A, through B’s till API', () => {
  it('reads the sale from the cloud, refuses over-returns, and the cloud ends with the sale reversed exactly', async () => {
    const root = await cleanup.tempDir('la-e2e-foreign-');
    const cloud = await startTwoStoreCloud(root, cleanup);
    const [agentA, agentB] = await Promise.all([
      startStoreAgent(STORE_A, path.join(root, 'a'), cloud.url, cleanup),
      startStoreAgent(STORE_B, path.join(root, 'b'), cloud.url, cleanup),
    ]);
    for (const agent of [agentA, agentB]) await customersPulled(agent, 'the agents');
    const seeded = await balanceOf(cloud.url, ADMIN, VERA.id);

    // Store A sells online, paying 100 points, and delivers the sale.
    const receiptId = 'store-1-r-0001';
    const sold = await agentA.sell(veraSale(receiptId, 3));
    expect(sold.offline).toBe(false);
    await agentA.syncUntilDrained();
    const [sale] = await agentTransactions(agentA.dataDir, [receiptId]);
    const afterSale = await balanceOf(cloud.url, ADMIN, VERA.id);
    expect(afterSale.available).toBe(seeded.available - 100 + sale!.totals.accruedPoints);

    // Store B: one unit of milk first.
    const first = await agentB.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-2-ret-0001',
      receiptId,
      lines: [{ lineId: '2', qty: 1 }],
    });
    expect(first.status).toBe(200);
    expect(first.body.lines.map((l) => [l.lineId, l.qty])).toEqual([['2', 1]]);
    // Before B has synced, B's till already shows Vera the balance with this return in it.
    const seen = await agentB.call<{ customer: { balance: { available: number } } }>('POST', '/v1/identify', {
      card: VERA.card,
    });
    expect(seen.body.customer.balance.available).toBe(
      afterSale.available + first.body.refund.pointsReturned - first.body.refund.pointsReversed,
    );

    // Then everything left; then nothing more can go back; the first again is the same answer.
    const rest = await agentB.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-2-ret-0002',
      receiptId,
    });
    expect(rest.status).toBe(200);
    expect(rest.body.lines.map((l) => [l.lineId, l.qty])).toEqual([
      ['1', 1],
      ['2', 2],
    ]);
    const over = await agentB.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-2-ret-0003',
      receiptId,
      lines: [{ lineId: '1', qty: 1 }],
    });
    expect(over.status).toBe(409);
    expect(over.body.error?.code).toBe('RETURN_EXCEEDS_SALE');
    const again = await agentB.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-2-ret-0001',
      receiptId,
      lines: [{ lineId: '2', qty: 1 }],
    });
    expect(again).toEqual(first);
    const nowhere = await agentB.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-2-ret-0004',
      receiptId: 'store-1-r-9999',
    });
    expect(nowhere.status).toBe(404);

    // Together the two returns give back exactly what the sale took and take back what it gave.
    const refunds = [first.body.refund, rest.body.refund];
    const sum = (k: keyof ReturnAnswer['refund']) => refunds.reduce((s, r) => s + r[k], 0);
    expect(sum('amount')).toBe(sale!.lines.reduce((s, l) => s + l.paid, 0));
    expect(sum('pointsReturned')).toBe(100);
    expect(sum('pointsReversed')).toBe(sale!.totals.accruedPoints);

    // B's outbox holds the two returns, naming A's store; delivered, the sale is reversed exactly.
    const bTxs = await agentTransactions(agentB.dataDir, [receiptId]);
    expect(bTxs.map((t) => [t.kind, t.storeId, t.originalStoreId, t.returnId, t.customer.id])).toEqual([
      ['return', 'store-2', 'store-1', 'store-2-ret-0001', VERA.id],
      ['return', 'store-2', 'store-1', 'store-2-ret-0002', VERA.id],
    ]);
    const doneB = await agentB.syncUntilDrained();
    expect(doneB.queue).toMatchObject({ pending: 0, deadLetter: 0 });
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual(seeded);

    const receipts = await allReceipts(cloud.url, ADMIN);
    expect(receipts.map((r) => [r.kind, r.storeId, r.receiptId, r.returnId ?? null])).toEqual([
      ['sale', 'store-1', receiptId, null],
      ['return', 'store-2', receiptId, 'store-2-ret-0001'],
      ['return', 'store-2', receiptId, 'store-2-ret-0002'],
    ]);
    expect(receipts.map((r) => r.id)).toEqual([sale!.id, ...bTxs.map((t) => t.id)]);

    // The cloud's own view for store A's agent: everything of the sale has come back.
    const read = await httpJson<ReceiptForReturn>(
      cloud.url,
      'GET',
      `/v1/agents/${STORE_A.agentId}/receipts/${receiptId}`,
      {
        token: STORE_A.key,
      },
    );
    expect(read.status).toBe(200);
    expect(read.body.returned).toEqual(
      Object.fromEntries(
        sale!.lines.map((l) => [
          l.lineId,
          { qty: l.qty, paid: l.paid, redeemed: l.redeemed, accruedPoints: l.accruedPoints },
        ]),
      ),
    );
    // And store A's own till now knows nothing remains to return either.
    const atA = await agentA.call<ReturnAnswer>('POST', '/v1/returns', {
      returnId: 'store-1-ret-0001',
      receiptId,
    });
    expect(atA.status).toBe(409);
    expect(atA.body.error?.code).toBe('RETURN_EXCEEDS_SALE');
  }, 180_000);
});
