// The agent ↔ cloud wire format (../shared/spec/SYNC-API.md). Both ends import these types.
import type { Applied, CouponOutcome, Kopecks, Points, Totals } from '../domain/types.js';

/** The QR key type lives with the token check in the pure core; the wire carries it as is. */
export type { QrKey } from '../domain/types.js';

export type TxKind = 'sale' | 'return' | 'enrolment';

export interface TxLine {
  lineId: string;
  sku: string;
  name: string;
  price: Kopecks;
  qty: number;
  category?: string;
  tags?: string[];
  minPrice?: Kopecks;
  amount: Kopecks;
  discount: Kopecks;
  redeemed: Kopecks;
  paid: Kopecks;
  accruedPoints: Points;
  /** Extra: the positions printed on the fiscal receipt. */
  fiscalPositions?: { qty: number; price: Kopecks; amount: Kopecks }[];
}

export interface TxCustomer {
  id?: string;
  card?: string;
  /** "+7XXXXXXXXXX", only inside the authenticated sync call. */
  phone?: string;
  tierId?: string;
}

export interface Fiscal {
  fn: string;
  fd: string;
  fp: string;
  at: string;
}

export interface Tx {
  id: string;
  seq: number;
  kind: TxKind;
  storeId: string;
  tillId: string;
  at: string;
  offline: boolean;
  programVersion: string;
  receiptId: string;
  returnId?: string;
  holdId?: string;
  customer: TxCustomer;
  coupons?: CouponOutcome[];
  lines: TxLine[];
  totals: Totals;
  fiscal?: Fiscal;
  /** Returns only. */
  refund?: { amount: Kopecks; pointsReturned: Points; pointsReversed: Points };
  /** Extra, free: redeem request and receipt time zone, so the cloud can recompute exactly. */
  redeem?: { points: Points } | { max: true };
  timezone?: string;
  payments?: { type: string; amount: Kopecks }[];
  /** Extra: what the till showed (rules applied, messages), so the receipt can be shown again. */
  applied?: Applied[];
  messages?: string[];
  pointsPayment?: { type: 'other'; amount: Kopecks };
  /** Extra: the masked customer view the till showed (no personal data). */
  customerView?: Record<string, unknown> | null;
  /** Extra, enrolment only: the points the enrolment itself grants (already counted in the sale's accruedPoints). */
  bonusPoints?: Points;
  /**
   * Extra, returns only: the store whose sale this return reverses, when it is not the returning
   * store (a receipt sold elsewhere, read from the cloud). Absent = the sale is this store's own.
   */
  originalStoreId?: string;
}

export type TxStatus = 'accepted' | 'duplicate' | 'retry' | 'rejected';

export interface TxResult {
  id: string;
  status: TxStatus;
  reason?: string;
  customer?: { id: string; balance: { available: Points; pending: Points } };
}

export interface CachedCustomer {
  id: string;
  cards: string[];
  phoneHash?: string;
  displayName: string;
  tierId: string;
  periodSpend: Kopecks;
  balance: { available: Points; pending: Points };
  offlineAllowance?: Points;
  birthday?: string;
  birthdayBonusUsed?: boolean;
  updatedAt: string;
  deleted?: true;
}

export interface CustomersPage {
  customers: CachedCustomer[];
  cursor: string;
  more: boolean;
}

/** One return the cloud has applied to a sale, as `GET /v1/agents/{agentId}/receipts/{receiptId}` lists it. */
export interface ReceiptReturnRecord {
  /** The return transaction's id (the idempotency key of the outbox). */
  id: string;
  returnId?: string;
  /** The store that took the goods back. */
  storeId: string;
  tillId: string;
  at: string;
  /** The returned part of each line, positive, as in the return Tx. */
  lines: { lineId: string; qty: number; paid: Kopecks; redeemed: Kopecks; accruedPoints: Points }[];
  refund?: { amount: Kopecks; pointsReturned: Points; pointsReversed: Points };
}

/**
 * `GET /v1/agents/{agentId}/receipts/{receiptId}` → a sale as an agent needs it to take a return of
 * a receipt it did not record: the sale Tx as the selling agent sent it, the customer the cloud
 * booked it to, and every return of it the cloud has applied (from any store).
 */
export interface ReceiptForReturn {
  receiptId: string;
  /** The store that sold it. */
  storeId: string;
  tillId: string;
  at: string;
  /** The cloud's customer of the sale (it may have been created by the sale itself), or null. */
  customerId: string | null;
  sale: Tx;
  returns: ReceiptReturnRecord[];
  /** Per line, what those returns took together (the `returned` input of computeReturn). */
  returned: Record<string, { qty: number; paid: Kopecks; redeemed: Kopecks; accruedPoints: Points }>;
}
