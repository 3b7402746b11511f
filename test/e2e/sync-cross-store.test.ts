// A return that reaches the cloud before its sale: store A sells while its link to the cloud is
// down; the customer brings the goods back at store B, whose return names A's receipt. B's
// agent delivers the return first — the cloud answers `retry` and B keeps it pending. Once A's
// sale arrives, B's next sync applies the return; every point comes back where it was, and
// each transaction is in the cloud exactly once.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NEVER, startAgentProcess } from './helpers/agent-process-e2e.js';
import { agentTransactions, allReceipts, balanceOf, postTransactions } from './helpers/central.js';
import { Cleanup } from './helpers/cleanup.js';
import { startCloudProcess } from './helpers/cloud-process.js';
import { crossStoreReturn, recordInOutbox } from './helpers/cross-store-return.js';
import { waitFor } from './helpers/http-json.js';
import { TcpChaosProxy } from './helpers/tcp-chaos-proxy.js';

const ADMIN = 'e2e-central-office';
const A = { agentId: 'store-1-till-1', storeId: 'store-1', key: 'e2e-key-store-1-till-1' };
const B = { agentId: 'store-2-till-1', storeId: 'store-2', key: 'e2e-key-store-2-till-1' };
const TOKEN = 'e2e-till-token';
/** Вера (config/demo-customers.json): 150 points, a card and no phone — pays with points by card. */
const VERA = { id: 'demo-vera', card: '2000000000039' };
const SALE_NOT_YET_RECEIVED = 'sale not yet received';

const cleanup = new Cleanup();
afterAll(() => cleanup.run(), 60_000);

describe('a return from another store before its sale', () => {
  it('stays pending (retry) at store B until store A has synced, then is applied once', async () => {
    const root = await cleanup.tempDir('la-e2e-cross-');
    const cloud = await startCloudProcess(
      { dir: root, agents: [A, B], adminToken: ADMIN, seedDemo: true },
      cleanup,
    );
    // Store A's link to the cloud: up at first (it gets the customers), then cut.
    const linkA = await TcpChaosProxy.start({ target: { host: '127.0.0.1', port: cloud.port } });
    cleanup.defer('close store A link', () => linkA.close());
    const crons = { drainCron: NEVER, pullCron: NEVER, heartbeatCron: NEVER };
    const dirA = path.join(root, 'a');
    const dirB = path.join(root, 'b');
    const agentA = await startAgentProcess(
      {
        dir: dirA,
        storeId: A.storeId,
        token: TOKEN,
        cloud: { url: linkA.url, agentId: A.agentId, key: A.key, ...crons },
      },
      cleanup,
    );
    await waitFor('store A to pull the customers', async () =>
      (await agentA.status()).cache.customers >= 5 ? true : undefined,
    );
    const seeded = await balanceOf(cloud.url, ADMIN, VERA.id);

    linkA.setMode('refuse');
    const receiptId = 'store-1-r-0001';
    const sold = await agentA.sell({
      receiptId,
      card: VERA.card,
      redeemPoints: 100,
      lines: [
        { lineId: '1', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 1, category: 'dairy' },
        { lineId: '2', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 2, category: 'dairy' },
      ],
    });
    expect(sold.offline).toBe(true);
    expect(sold.totals.redeemedPoints).toBe(100);
    expect((await agentA.status()).queue.pending).toBe(1);

    // Store B takes the goods back, from the customer's printed receipt.
    const [sale] = await agentTransactions(agentA.dataDir, [receiptId]);
    const ret = crossStoreReturn(sale!, {
      storeId: B.storeId,
      tillId: 'till-1',
      returnId: 'store-2-ret-0001',
    });
    expect(ret.refund).toMatchObject({ pointsReturned: 100, pointsReversed: sale!.totals.accruedPoints });

    // On the wire: the cloud defers it rather than accepting or refusing it.
    const early = await postTransactions(cloud.url, B, [{ ...ret, seq: 1 }]);
    expect(early).toEqual([{ id: ret.id, status: 'retry', reason: SALE_NOT_YET_RECEIVED }]);

    // In store B's agent: the return is in its outbox; its first sync (at start) meets `retry`.
    await recordInOutbox(path.join(dirB, 'data'), ret);
    const agentB = await startAgentProcess(
      {
        dir: dirB,
        storeId: B.storeId,
        token: TOKEN,
        cloud: { url: cloud.url, agentId: B.agentId, key: B.key, ...crons },
      },
      cleanup,
    );
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
    const again = await postTransactions(cloud.url, B, [{ ...ret, seq: 1 }]);
    expect(again.map((r) => r.status)).toEqual(['duplicate']);
    expect(await balanceOf(cloud.url, ADMIN, VERA.id)).toEqual(seeded);
  }, 180_000);
});
