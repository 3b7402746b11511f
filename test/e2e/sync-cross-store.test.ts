// A return that reaches the cloud before its sale: store A sells while its link to the cloud is
// down; the customer brings the goods back at store B, whose return names A's receipt. B's
// agent delivers the return first — the cloud answers `retry` and B keeps it pending. Once A's
// sale arrives, B's next sync applies the return; every point comes back where it was, and
// each transaction is in the cloud exactly once.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentTransactions, allReceipts, balanceOf, postTransactions } from './helpers/central.js';
import { Cleanup } from './helpers/cleanup.js';
import { crossStoreReturn, recordInOutbox } from './helpers/cross-store-return.js';
import { waitFor } from './helpers/http-json.js';
import { TcpChaosProxy } from './helpers/tcp-chaos-proxy.js';
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

const SALE_NOT_YET_RECEIVED = 'sale not yet received';

const cleanup = new Cleanup();
afterAll(() => cleanup.run(), 60_000);

describe('a return from another store before its sale', () => {
  it('stays pending (retry) at store B until store A has synced, then is applied once', async () => {
    const root = await cleanup.tempDir('la-e2e-cross-');
    const cloud = await startTwoStoreCloud(root, cleanup);
    // Store A's link to the cloud: up at first (it gets the customers), then cut.
    const linkA = await TcpChaosProxy.start({ target: { host: '127.0.0.1', port: cloud.port } });
    cleanup.defer('close store A link', () => linkA.close());
    const dirB = path.join(root, 'b');
    const agentA = await startStoreAgent(STORE_A, path.join(root, 'a'), linkA.url, cleanup);
    await customersPulled(agentA, 'store A');
    const seeded = await balanceOf(cloud.url, ADMIN, VERA.id);

    linkA.setMode('refuse');
    const receiptId = 'store-1-r-0001';
    const sold = await agentA.sell(veraSale(receiptId, 2));
    expect(sold.offline).toBe(true);
    expect(sold.totals.redeemedPoints).toBe(100);
    expect((await agentA.status()).queue.pending).toBe(1);

    // Store B takes the goods back, from the customer's printed receipt.
    const [sale] = await agentTransactions(agentA.dataDir, [receiptId]);
    const ret = crossStoreReturn(sale!, {
      storeId: STORE_B.storeId,
      tillId: 'till-1',
      returnId: 'store-2-ret-0001',
    });
    expect(ret.refund).toMatchObject({ pointsReturned: 100, pointsReversed: sale!.totals.accruedPoints });

    // On the wire: the cloud defers it rather than accepting or refusing it.
    const early = await postTransactions(cloud.url, STORE_B, [{ ...ret, seq: 1 }]);
    expect(early).toEqual([{ id: ret.id, status: 'retry', reason: SALE_NOT_YET_RECEIVED }]);

    // In store B's agent: the return is in its outbox; its first sync (at start) meets `retry`.
    await recordInOutbox(path.join(dirB, 'data'), ret);
    const agentB = await startStoreAgent(STORE_B, dirB, cloud.url, cleanup);
    const deferred = await waitFor('store B to hear "retry"', async () => {
      const [entry] = await agentB.queue();
      return entry && entry.attempts > 0 ? entry : undefined;
    });
    expect(deferred).toMatchObject({ id: ret.id, kind: 'return', lastError: SALE_NOT_YET_RECEIVED });
    const statusB = await agentB.status();
    expect(statusB.cloud.state).toBe('online');
    expect(statusB.queue).toMatchObject({ pending: 1, deadLetter: 0 });
    // Asking again changes nothing while the sale is missing.
    await agentB.call('POST', '/v1/sync');
    await waitFor('a second attempt', async () =>
      (await agentB.queue())[0]!.attempts > 1 ? true : undefined,
    );
    expect((await agentB.status()).queue.pending).toBe(1);
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual(seeded);
    expect(await allReceipts(cloud.url, ADMIN)).toEqual([]);

    // Store A's link comes back: its sale arrives.
    linkA.setMode('pass');
    await agentA.syncUntilDrained();
    const afterSale = await balanceOf(cloud.url, ADMIN, VERA.id);
    expect(afterSale).toEqual({
      available: seeded.available - 100 + sale!.totals.accruedPoints,
      pending: seeded.pending,
    });

    // B's next sync applies the return: the points paid come back, the points earned go.
    const doneB = await agentB.syncUntilDrained();
    expect(doneB.queue).toMatchObject({ pending: 0, deadLetter: 0 });
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual({
      available: afterSale.available + ret.refund!.pointsReturned - ret.refund!.pointsReversed,
      pending: seeded.pending,
    });
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual(seeded);

    const receipts = await allReceipts(cloud.url, ADMIN);
    expect(receipts.map((r) => [r.kind, r.storeId, r.receiptId, r.returnId ?? null])).toEqual([
      ['sale', 'store-1', receiptId, null],
      ['return', 'store-2', receiptId, 'store-2-ret-0001'],
    ]);
    expect(receipts.map((r) => r.id)).toEqual([sale!.id, ret.id]);

    // Delivered again (a lost answer), it is a duplicate and moves nothing.
    const again = await postTransactions(cloud.url, STORE_B, [{ ...ret, seq: 1 }]);
    expect(again.map((r) => r.status)).toEqual(['duplicate']);
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual(seeded);
  }, 180_000);
});
