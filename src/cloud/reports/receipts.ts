// The receipts feed for the central office: every applied transaction in arrival order, filtered
// by store and by sale time, paged by an opaque cursor (the arrival number).
import type { Totals } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import type { Difference, RecomputeDiff } from '../ingest/recompute-diff.js';

export interface ReceiptItem {
  id: string;
  kind: string;
  receiptId: string;
  returnId?: string;
  storeId: string;
  tillId: string;
  at: string;
  customerId?: string;
  totals: Totals;
  offline: boolean;
  agentId: string;
  appliedAt: string;
  /**
   * The cloud's re-check (its program version, its own view of the customer): "differs" when a
   * figure disagrees or the receipt could not be re-checked; notes alone (a coupon already spent)
   * leave it a match.
   */
  check: 'match' | 'differs';
  differences?: Difference[];
  recomputeDiff: RecomputeDiff | null;
}

export interface ReceiptFilter {
  storeId: string | null;
  from: Date;
  to: Date;
  after: number;
  limit: number;
}

interface Row {
  ingest_no: number;
  id: string;
  kind: string;
  receipt_id: string;
  return_id: string | null;
  store_id: string;
  till_id: string;
  at: Date;
  customer_id: string | null;
  body: Tx;
  offline: boolean;
  agent_id: string;
  applied_at: Date;
  recompute_diff: RecomputeDiff | null;
}

export async function listReceipts(
  q: Queryable,
  f: ReceiptFilter,
): Promise<{ receipts: ReceiptItem[]; cursor: string; more: boolean }> {
  const rows = await q.query<Row>(
    `SELECT ingest_no, id, kind, receipt_id, return_id, store_id, till_id, at, customer_id, body, offline,
            agent_id, applied_at, recompute_diff
     FROM transactions
     WHERE ingest_no > $1 AND at >= $2 AND at < $3 AND ($4::text IS NULL OR store_id = $4::text)
     ORDER BY ingest_no LIMIT $5`,
    [f.after, f.from, f.to, f.storeId, f.limit + 1],
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    receipts: page.map(toItem),
    cursor: String(last ? last.ingest_no : f.after),
    more: rows.length > f.limit,
  };
}

/** Newest first, for the live page. */
export async function latestReceipts(q: Queryable, limit: number): Promise<ReceiptItem[]> {
  const rows = await q.query<Row>(
    `SELECT ingest_no, id, kind, receipt_id, return_id, store_id, till_id, at, customer_id, body, offline,
            agent_id, applied_at, recompute_diff
     FROM transactions ORDER BY ingest_no DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toItem);
}

export async function latestDiffs(q: Queryable, limit: number): Promise<ReceiptItem[]> {
  const rows = await q.query<Row>(
    `SELECT ingest_no, id, kind, receipt_id, return_id, store_id, till_id, at, customer_id, body, offline,
            agent_id, applied_at, recompute_diff
     FROM transactions WHERE recompute_diff IS NOT NULL ORDER BY ingest_no DESC LIMIT $1`,
    [limit],
  );
  return rows.map(toItem);
}

function toItem(r: Row): ReceiptItem {
  const item: ReceiptItem = {
    id: r.id,
    kind: r.kind,
    receiptId: r.receipt_id,
    storeId: r.store_id,
    tillId: r.till_id,
    at: r.at.toISOString(),
    totals: r.body.totals,
    offline: r.offline,
    agentId: r.agent_id,
    appliedAt: r.applied_at.toISOString(),
    check: 'match',
    recomputeDiff: r.recompute_diff,
  };
  const diff = r.recompute_diff;
  if (diff && (diff.differences.length > 0 || diff.error !== undefined)) {
    item.check = 'differs';
    item.differences = diff.differences;
  }
  if (r.return_id !== null) item.returnId = r.return_id;
  if (r.customer_id !== null) item.customerId = r.customer_id;
  return item;
}
