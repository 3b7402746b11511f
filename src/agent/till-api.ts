// The till-facing operations, transport-neutral: the HTTP routes, the Evotor-style bridge, the
// scanner and the cashier page all go through this one interface (shapes of POS-API.md).
import type {
  Applied,
  CouponOutcome,
  LineResult,
  Points,
  ReceiptLineInput,
  RedeemRequest,
  Totals,
} from '../domain/types.js';
import type { Fiscal } from '../protocol/sync.js';

export type CustomerQuery = { card: string } | { phone: string } | { qr: string };

export interface CustomerView {
  id: string;
  displayName: string;
  cardLast4?: string;
  phoneMasked?: string;
  tier: { id: string; name: string; discountPercent: number; accrualPercent: number };
  nextTier: { id: string; name: string; remaining: number } | null;
  balance: { available: Points; pending: Points };
  birthdayWindow: boolean;
  redeemNeedsCode: boolean;
}

export interface IdentifyResponse {
  customer: CustomerView;
  source: 'cloud' | 'cache';
}

export interface CalculateRequest {
  receiptId: string;
  customer?: CustomerQuery;
  at?: string;
  lines: ReceiptLineInput[];
  redeem?: RedeemRequest;
  coupons?: string[];
}

export interface CalculateResponse {
  receiptId: string;
  status: 'calculated' | 'confirmed' | 'cancelled';
  offline: boolean;
  customer: CustomerView | null;
  lines: LineResult[];
  totals: Totals;
  applied: Applied[];
  coupons: CouponOutcome[];
  messages: string[];
  expiresAt: string;
  pointsPayment?: { type: 'other'; amount: number };
}

export interface Payment {
  type: 'cash' | 'card' | 'other';
  amount: number;
}

export interface ConfirmRequest {
  fiscal?: Fiscal;
  payments?: Payment[];
  code?: string;
}

export interface ConfirmResponse {
  receiptId: string;
  status: 'confirmed';
  totals: Totals;
  balance: { available: Points; pending: Points };
  /** When payments were given: the cash to give back, Σ payments − what was due (0 if exact). */
  change?: number;
}

export interface ReturnRequest {
  returnId: string;
  receiptId: string;
  lines?: { lineId: string; qty: number }[];
  /** Extra: the store that sold a receipt this agent did not record, when several stores used its id. */
  storeId?: string;
}

export interface ReturnResponse {
  returnId: string;
  status: 'confirmed';
  refund: { amount: number; pointsReturned: Points; pointsReversed: Points };
  lines: { lineId: string; qty: number; paid: number; redeemed: number; accruedPoints: Points }[];
}

export interface ReceiptView extends CalculateResponse {
  synced: boolean;
}

// The operations throw AppError (src/errors/catalogue.ts): a catalogue code, its status from the table.
export interface TillApi {
  identify(tillId: string, q: CustomerQuery): Promise<IdentifyResponse>;
  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse>;
  confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse>;
  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }>;
  get(receiptId: string): Promise<ReceiptView>;
  createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse>;
}
