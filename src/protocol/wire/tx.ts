// One transaction of the sync (SYNC-API.md): the schema the cloud's ingest checks every incoming Tx
// against, and the `Tx` type the agent writes to its outbox and the cloud reads, derived from it.
// The extras the cloud stores as they come and never judges (what the till showed) are typed here
// too, beside the schema, so there is still one place that says what a Tx is.
import { type Static, Type } from '@sinclair/typebox';
import type { Applied, CouponOutcome, FiscalPosition, Kopecks } from '../../domain/types.js';
import { KopecksNonNeg as Kop, PointsNonNeg } from './money.js';
import { TotalsSchema } from './totals.js';

const Id = Type.String({ minLength: 1, maxLength: 200 });

export const TxLineSchema = Type.Object({
  lineId: Id,
  sku: Type.String({ maxLength: 200 }),
  name: Type.String({ maxLength: 500 }),
  price: Kop(),
  qty: Type.Number({ exclusiveMinimum: 0 }),
  category: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  minPrice: Type.Optional(Kop()),
  amount: Kop(),
  discount: Kop(),
  redeemed: Kop(),
  paid: Kop(),
  accruedPoints: PointsNonNeg(),
});

/** Extra: the positions printed on the fiscal receipt (stored, not checked). */
export type TxLine = Static<typeof TxLineSchema> & { fiscalPositions?: FiscalPosition[] };

export const TxCustomerSchema = Type.Object({
  id: Type.Optional(Id),
  card: Type.Optional(Type.String({ pattern: '^[0-9]{4,32}$' })),
  /** "+7XXXXXXXXXX", only inside the authenticated sync call. */
  phone: Type.Optional(Type.String({ pattern: '^\\+7[0-9]{10}$' })),
  tierId: Type.Optional(Type.String()),
});
export type TxCustomer = Static<typeof TxCustomerSchema>;

export const FiscalSchema = Type.Object({
  fn: Type.String(),
  fd: Type.String(),
  fp: Type.String(),
  at: Type.String(),
});
export type Fiscal = Static<typeof FiscalSchema>;

export const TxKindSchema = Type.Union([
  Type.Literal('sale'),
  Type.Literal('return'),
  Type.Literal('enrolment'),
]);
export type TxKind = Static<typeof TxKindSchema>;

const CouponStatus = Type.Union([
  Type.Literal('applied'),
  Type.Literal('unknown'),
  Type.Literal('used'),
  Type.Literal('expired'),
  Type.Literal('not-applicable'),
]);

export const TxSchema = Type.Object({
  id: Id,
  seq: Type.Integer({ minimum: 0 }),
  kind: TxKindSchema,
  storeId: Id,
  tillId: Id,
  at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}' }),
  offline: Type.Boolean(),
  programVersion: Type.String({ minLength: 1 }),
  receiptId: Id,
  returnId: Type.Optional(Id),
  holdId: Type.Optional(Id),
  customer: TxCustomerSchema,
  coupons: Type.Optional(
    Type.Array(Type.Object({ code: Type.String({ minLength: 1 }), status: CouponStatus })),
  ),
  lines: Type.Array(TxLineSchema, { maxItems: 1000 }),
  totals: TotalsSchema,
  fiscal: Type.Optional(FiscalSchema),
  /** Returns only. */
  refund: Type.Optional(
    Type.Object({ amount: Kop(), pointsReturned: PointsNonNeg(), pointsReversed: PointsNonNeg() }),
  ),
  /** Extra, free: redeem request and receipt time zone, so the cloud can recompute exactly. */
  redeem: Type.Optional(
    Type.Union([Type.Object({ points: PointsNonNeg() }), Type.Object({ max: Type.Literal(true) })]),
  ),
  timezone: Type.Optional(Type.String({ minLength: 1 })),
  payments: Type.Optional(Type.Array(Type.Object({ type: Type.String(), amount: Type.Integer() }))),
  /** Extra, enrolment only: the points the enrolment itself grants (already counted in the sale's accruedPoints). */
  bonusPoints: Type.Optional(PointsNonNeg()),
  /**
   * Extra, returns only: the store whose sale this return reverses, when it is not the returning
   * store (a receipt sold elsewhere, read from the cloud). Absent = the sale is this store's own.
   */
  originalStoreId: Type.Optional(Id),
});

/** What the till showed, carried so the receipt can be shown again; the cloud stores it unchecked. */
export interface TxShownExtras {
  applied?: Applied[];
  messages?: string[];
  pointsPayment?: { type: 'other'; amount: Kopecks };
  /** The masked customer view the till showed (no personal data). */
  customerView?: Record<string, unknown> | null;
}

export type Tx = Omit<Static<typeof TxSchema>, 'lines'> & { lines: TxLine[] } & TxShownExtras;

// The coupon outcomes on the wire are the core's (both ways).
type Assignable<A extends B, B> = A;
type WireCoupon = NonNullable<Tx['coupons']>[number];
export type _CouponToDomain = Assignable<WireCoupon, CouponOutcome>;
export type _DomainToCoupon = Assignable<CouponOutcome, WireCoupon>;
