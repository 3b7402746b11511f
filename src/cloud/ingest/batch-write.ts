// Writes what a batch changed, a few multi-row statements in all, in the order the foreign keys
// need (customers before what refers to them). Rows go in the order the batch made them, so serial
// ids (lots, ledger, spend, ingest_no) come out as if the items had been applied one at a time.
// The columns of each table are described in batch-tables.ts.

import { insertRows, updateRows } from '../db/bulk.js';
import type { Queryable } from '../db/db.js';
import type { BatchState } from './batch-state.js';
import {
  CARDS,
  COUPON_USES,
  CUSTOMER_CHANGES,
  CUSTOMERS,
  HOLD_CAPTURES,
  LEDGER,
  LOT_REMAINDERS,
  NEW_LOTS,
  REJECTED,
  SPEND,
} from './batch-tables.js';
import { insertTransactions } from './transaction-rows.js';

export async function writeBatch(q: Queryable, s: BatchState): Promise<void> {
  await assignChangeSeq(q, s);
  await insertRows(
    q,
    CUSTOMERS,
    s.customers.createdCustomers().map((c) => c.row),
  );
  await updateRows(
    q,
    CUSTOMERS,
    'id',
    s.customers.changedCustomers().map((c) => c.row),
    CUSTOMER_CHANGES,
  );
  // Another batch may have linked the card meanwhile; the first owner keeps it.
  await insertRows(q, CARDS, s.customers.linkedCards(), 'ON CONFLICT (card) DO NOTHING');
  await updateRows(q, LOT_REMAINDERS, 'id', s.lots.changedLots());
  await insertRows(q, NEW_LOTS, s.lots.addedLots());
  await insertRows(q, LEDGER, s.ledger);
  await insertRows(q, SPEND, s.spend.addedEntries());
  await updateRows(q, HOLD_CAPTURES, 'hold_id', s.holds.capturedHolds());
  await updateRows(q, COUPON_USES, 'code', s.coupons.spentCoupons());
  await insertTransactions(q, s.txs.appliedTxs(), s.now);
  await insertRows(
    q,
    REJECTED,
    s.rejected.map((r) => ({ ...r, agentId: s.agentId, at: s.now })),
  );
}

/**
 * Each touched customer takes a new value of the change feed's sequence, in the order of their last
 * touch (the agents' cursor then sees them in the order the changes happened).
 */
async function assignChangeSeq(q: Queryable, s: BatchState): Promise<void> {
  const touched = s.customers.touchedInOrder();
  if (touched.length === 0) return;
  const rows = await q.query<{ v: number }>(
    `SELECT nextval('customer_change_seq') AS v FROM generate_series(1, $1::integer)`,
    [touched.length],
  );
  const values = rows.map((r) => r.v).sort((a, b) => a - b);
  touched.forEach((c, i) => {
    c.row.change_seq = values[i]!;
  });
}
