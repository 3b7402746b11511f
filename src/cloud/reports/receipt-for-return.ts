// A sale as another store's agent needs it to take a return (GET /v1/agents/{agentId}/receipts/{id}):
// the sale Tx, the customer the cloud booked it to, and the returns already applied to it from any
// store. Read-only: it looks at the `transactions` table and changes nothing.
import { returnedSoFar } from '../../domain/index.js';
import type { ReceiptForReturn, ReceiptReturnRecord, Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';

export type ReceiptLookup =
  | { kind: 'found'; receipt: ReceiptForReturn }
  | { kind: 'missing' }
  /** Several stores sold a receipt with this id and the caller did not say which one. */
  | { kind: 'ambiguous'; storeIds: string[] };

interface SaleRow {
  store_id: string;
  till_id: string;
  customer_id: string | null;
  body: Tx;
}

interface ReturnRow {
  id: string;
  store_id: string;
  till_id: string;
  return_id: string | null;
  at: Date;
  body: Tx;
}

export async function receiptForReturn(
  q: Queryable,
  receiptId: string,
  storeId: string | null,
): Promise<ReceiptLookup> {
  const sales = await q.query<SaleRow>(
    `SELECT store_id, till_id, customer_id, body FROM transactions
     WHERE receipt_id = $1 AND kind = 'sale' ORDER BY ingest_no`,
    [receiptId],
  );
  const firstByStore = new Map<string, SaleRow>();
  for (const s of sales) if (!firstByStore.has(s.store_id)) firstByStore.set(s.store_id, s);

  const candidates =
    storeId === null ? [...firstByStore.values()] : [firstByStore.get(storeId)].filter(isRow);
  if (candidates.length === 0) return { kind: 'missing' };
  if (candidates.length > 1) return { kind: 'ambiguous', storeIds: candidates.map((s) => s.store_id).sort() };
  const sale = candidates[0]!;

  const rows = await q.query<ReturnRow>(
    `SELECT id, store_id, till_id, return_id, at, body FROM transactions
     WHERE receipt_id = $1 AND kind = 'return' ORDER BY ingest_no`,
    [receiptId],
  );
  const firstSaleStore = sales[0]!.store_id;
  const returns = rows
    .filter((r) => saleStoreOfReturn(r, firstByStore, firstSaleStore) === sale.store_id)
    .map(toRecord);
  return {
    kind: 'found',
    receipt: {
      receiptId,
      storeId: sale.store_id,
      tillId: sale.till_id,
      at: sale.body.at,
      customerId: sale.customer_id,
      sale: withoutPhone(sale.body),
      returns,
      returned: returnedSoFar(returns.map((r) => r.lines)),
    },
  };
}

/**
 * Which store's sale a return reverses. It names it (`originalStoreId`) when it is taken at another
 * store; otherwise it is its own store's sale — or, for a return recorded before returns named
 * their original and taken where the receipt was never sold, the receipt's first sale (the one
 * the ingest applied it to).
 */
function saleStoreOfReturn(r: ReturnRow, salesByStore: Map<string, SaleRow>, firstSaleStore: string): string {
  const named = r.body.originalStoreId;
  if (typeof named === 'string' && named.length > 0) return named;
  return salesByStore.has(r.store_id) ? r.store_id : firstSaleStore;
}

function toRecord(r: ReturnRow): ReceiptReturnRecord {
  return {
    id: r.id,
    ...(r.return_id !== null && { returnId: r.return_id }),
    storeId: r.store_id,
    tillId: r.till_id,
    at: r.at.toISOString(),
    lines: r.body.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
    ...(r.body.refund && { refund: r.body.refund }),
  };
}

/** A phone travels only inside the sync call that brought it (SYNC-API.md); the id is enough here. */
function withoutPhone(sale: Tx): Tx {
  if (sale.customer.phone === undefined) return sale;
  const { phone: _phone, ...customer } = sale.customer;
  return { ...sale, customer };
}

function isRow(s: SaleRow | undefined): s is SaleRow {
  return s !== undefined;
}
