// The shared vocabulary of the pure core. Every adapter (storage, HTTP, sync, drivers, cloud)
// speaks in these types. Money is integer kopecks, points are integers, quantities are
// numbers with at most 3 decimals (held internally as integer thousandths).

/** Integer kopecks. */
export type Kopecks = number;
/** Integer loyalty points. */
export type Points = number;

// ---------------------------------------------------------------- program

export interface Tier {
  id: string;
  name: string;
  /** Spend over `tierPeriodDays` (kopecks) from which this tier applies. */
  minSpend: Kopecks;
  discountPercent: number;
  accrualPercent: number;
}

export interface ReceiptThreshold {
  minAmount: Kopecks;
  accrualPercent: number;
}

export interface PromotionMatch {
  skus?: string[];
  categories?: string[];
  tags?: string[];
  /** Total quantity of the matching lines in the receipt. */
  minQty?: number;
  /** Number of distinct matching lines. */
  minLines?: number;
}

export interface PromotionWindow {
  /** Inclusive local dates, YYYY-MM-DD, in the store's time zone. */
  from?: string;
  to?: string;
  /** 1 = Monday … 7 = Sunday. */
  weekdays?: number[];
  /** "HH:MM-HH:MM" local time, start inclusive, end exclusive. */
  hours?: string;
}

export type Promotion =
  | {
      id: string;
      title?: string;
      kind: 'multiplier';
      factor: number;
      match: PromotionMatch;
      window?: PromotionWindow;
    }
  | {
      id: string;
      title?: string;
      kind: 'bonus';
      points: Points;
      match: PromotionMatch;
      window?: PromotionWindow;
    }
  | {
      id: string;
      title?: string;
      kind: 'discount';
      percent: number;
      match: PromotionMatch;
      window?: PromotionWindow;
    };

export interface TagRule {
  discount: boolean;
  redeem: boolean;
  accrue: boolean;
}

export interface Program {
  version: string;
  /** Kopecks per point. */
  pointValue: number;
  tiers: Tier[];
  tierPeriodDays: number;
  accrual: { pendingDays: number; expiryDays: number | null; onRedeemedPart: boolean };
  redemption: {
    maxPercent: number;
    minPoints: Points;
    confirmPhone: boolean;
    offlineMaxPoints: Points;
    fiscalMode: 'discount' | 'payment';
  };
  receiptThresholds: ReceiptThreshold[];
  promotions: Promotion[];
  birthday: { daysBefore: number; daysAfter: number; discountPercent: number; bonusPoints: Points };
  tagRules: Record<string, TagRule>;
  enrollment: { bonusPoints: Points; autoEnrollMinAmount: Kopecks };
  /** Card numbers the chain issues; empty = any well-formed number. */
  cardRanges: CardRange[];
  /** Salt for phone hashes (SYNC-API: sha256(salt + "+7XXXXXXXXXX")); comes with the program. */
  phoneSalt?: string;
}

export interface CardRange {
  /** Card numbers starting with this prefix… */
  prefix?: string;
  /** …or within [from, to] as numbers of equal length (inclusive). */
  from?: string;
  to?: string;
  /** Allowed lengths, e.g. [13]. */
  lengths?: number[];
}

// ---------------------------------------------------------------- receipt input

export interface ReceiptLineInput {
  lineId: string;
  sku: string;
  name: string;
  /** Kopecks per unit. */
  price: Kopecks;
  /** Up to 3 decimals. */
  qty: number;
  category?: string;
  tags?: string[];
  /** Kopecks per unit: the price after discount and points never goes below it. */
  minPrice?: Kopecks;
}

/** A coupon as the cloud (or a local definition) describes it; the engine judges applicability. */
export interface CouponState {
  code: string;
  status: 'valid' | 'unknown' | 'used' | 'expired';
  percent?: number;
  amount?: Kopecks;
  minAmount?: Kopecks;
  title?: string;
}

/** What the engine knows of the customer at calculation time. */
export interface CustomerSnapshot {
  id?: string;
  /** Tier id from the cloud/cache; when absent or unknown the tier is chosen by periodSpend. */
  tierId?: string;
  periodSpend: Kopecks;
  balance: { available: Points; pending: Points };
  /** "MM-DD". */
  birthday?: string;
  birthdayBonusUsed?: boolean;
  /** Per-customer offline allowance from the cloud; overrides program.redemption.offlineMaxPoints. */
  offlineAllowance?: Points;
}

export type RedeemRequest = { points: Points } | { max: true };

export interface CalculationInput {
  program: Program;
  lines: ReceiptLineInput[];
  /** Receipt time as an ISO-8601 string with offset; the windows are judged in `timezone`. */
  at: string;
  timezone: string;
  customer: CustomerSnapshot | null;
  redeem?: RedeemRequest;
  coupons?: CouponState[];
  /** The receipt is being computed without the cloud. */
  offline: boolean;
  /** Points already redeemed offline for this customer since the last sync. */
  offlineRedeemedSinceSync?: Points;
  /** False when paying with points is not possible for this identification (phone offline, unknown card). */
  redeemAllowed?: boolean;
  /** This receipt enrols the customer (unknown card/phone); the engine checks autoEnrollMinAmount. */
  enrolling?: boolean;
}

// ---------------------------------------------------------------- results

export interface FiscalPosition {
  qty: number;
  /** Kopecks per unit after discount and points. */
  price: Kopecks;
  amount: Kopecks;
}

export interface LineResult {
  lineId: string;
  amount: Kopecks;
  discount: Kopecks;
  /** Kopecks paid with points on this line. */
  redeemed: Kopecks;
  paid: Kopecks;
  accruedPoints: Points;
  fiscalPositions: FiscalPosition[];
}

export interface Totals {
  amount: Kopecks;
  discount: Kopecks;
  redeemedPoints: Points;
  redeemedAmount: Kopecks;
  toPay: Kopecks;
  accruedPoints: Points;
}

export interface Applied {
  kind: 'tier' | 'birthday' | 'promotion' | 'coupon' | 'threshold' | 'enrollment';
  id: string;
  title: string;
  amount?: Kopecks;
  points?: Points;
}

export interface CouponOutcome {
  code: string;
  status: 'applied' | 'unknown' | 'used' | 'expired' | 'not-applicable';
}

export interface CalculationResult {
  lines: LineResult[];
  totals: Totals;
  applied: Applied[];
  coupons: CouponOutcome[];
  messages: string[];
  /** Whether this receipt enrols the customer (enrolling and the amount reached the threshold). */
  enrolled: boolean;
  /** With fiscalMode "payment": points shown as a counter-provision payment instead of line prices. */
  pointsPayment?: { type: 'other'; amount: Kopecks };
  /** Customer's tier used and the next one (for messages and the Customer view). */
  tier: Tier | null;
}

// ---------------------------------------------------------------- returns

export interface SoldLine {
  lineId: string;
  qty: number;
  paid: Kopecks;
  redeemed: Kopecks;
  accruedPoints: Points;
}

/** What has already been returned of a line (sums of earlier returns). */
export interface ReturnedSoFar {
  qty: number;
  paid: Kopecks;
  redeemed: Kopecks;
  accruedPoints: Points;
}

export interface ReturnLineRequest {
  lineId: string;
  qty: number;
}

export interface ReturnLineResult {
  lineId: string;
  qty: number;
  /** Money back. */
  paid: Kopecks;
  /** Kopecks of points given back. */
  redeemed: Kopecks;
  /** Earned points taken back. */
  accruedPoints: Points;
}

export interface ReturnResult {
  lines: ReturnLineResult[];
  refund: { amount: Kopecks; pointsReturned: Points; pointsReversed: Points };
}

/** One of the cloud's public keys for QR tokens, as the program pull carries it (SYNC-API.md). */
export interface QrKey {
  kid: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  publicKey: string;
}
