// A return taken at another store, of a sale that store never saw: built from the sale as printed
// on the customer's receipt (its lines and figures), with the domain's own return arithmetic —
// the same steps the agent's POST /v1/returns takes for a sale it holds. The agent has no API for
// this case yet (see docs/DECISIONS-sync.md), so the test records it in store B's outbox itself.
import { randomUUID } from 'node:crypto';
import { returnTx, soldLinesOf } from '../../../src/agent/return-tx.js';
import { computeReturn } from '../../../src/domain/index.js';
import type { Tx } from '../../../src/protocol/sync.js';
import { openStore } from '../../../src/storage/index.js';

export function crossStoreReturn(
  sale: Tx,
  at: { storeId: string; tillId: string; returnId: string; now?: Date },
): Omit<Tx, 'seq'> {
  return returnTx(sale, computeReturn(soldLinesOf(sale), {}), {
    id: randomUUID(),
    storeId: at.storeId,
    tillId: at.tillId,
    at: (at.now ?? new Date()).toISOString(),
    offline: false,
    returnId: at.returnId,
    timezone: 'Europe/Moscow',
    // The cloud matches a return's sale by store and receipt: this one was sold elsewhere.
    ...(sale.storeId !== at.storeId && { originalStoreId: sale.storeId }),
  });
}

/** Writes a transaction into an agent's outbox (its store must not be open: the agent is not running). */
export async function recordInOutbox(dataDir: string, tx: Omit<Tx, 'seq'>): Promise<Tx> {
  const store = await openStore(dataDir, { logger: { info() {}, warn() {}, error() {} } });
  try {
    return await store.journal.append(tx);
  } finally {
    await store.close();
  }
}
