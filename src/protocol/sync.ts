// The agent ↔ cloud wire format (../shared/spec/SYNC-API.md). Both ends import these types.
import type { Applied, CouponOutcome, Kopecks, Points, Totals } from '../domain/types.js';

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

export interface QrKey {
  kid: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
}
