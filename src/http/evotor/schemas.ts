// Request and answer schemas of the Evotor-style bridge. Terminal events carry more fields than
// the agent needs (the terminal app forwards its receipt objects), so unknown fields are allowed;
// what the agent reads is checked. Rubles and quantities are decimals as string or number; their
// exactness (≤ 2 / ≤ 3 decimals) is checked when they are converted (decimal.ts).
import { type Static, Type } from '@sinclair/typebox';
import { TotalsSchema as Totals } from '../../protocol/wire/totals.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
/** Position uuids: a part the agent split off carries the original's uuid plus a short suffix. */
const PositionId = Type.String({ minLength: 1, maxLength: 72 });
const DecimalText = '^\\s*\\d{1,13}([.,]\\d+)?\\s*$';

/** Rubles as the terminal sends them: "89.90" or 89.9. */
export const Rubles = Type.Union([Type.String({ pattern: DecimalText }), Type.Number({ minimum: 0 })], {
  description: 'Rubles, a decimal string or number with at most 2 decimals',
});

export const Quantity = Type.Union(
  [Type.String({ pattern: DecimalText }), Type.Number({ exclusiveMinimum: 0 })],
  {
    description: 'Quantity, at most 3 decimals (0.455 kg)',
  },
);

export const Position = Type.Object({
  uuid: PositionId,
  /** Set on a part the agent split off (see the receiptDiscount answer); it counts as that position. */
  originalUuid: Type.Optional(Id),
  productUuid: Type.Optional(Type.String({ maxLength: 64 })),
  productCode: Type.Optional(Type.String({ maxLength: 64 })),
  sku: Type.Optional(Type.String({ maxLength: 64 })),
  barcode: Type.Optional(Type.String({ maxLength: 64 })),
  name: Type.String({ minLength: 1, maxLength: 256 }),
  price: Rubles,
  quantity: Quantity,
  measureName: Type.Optional(Type.String({ maxLength: 16 })),
  /** NORMAL, TOBACCO, TOBACCO_MARKED, ALCOHOL_MARKED, SERVICE, … */
  productType: Type.Optional(Type.String({ maxLength: 64 })),
  category: Type.Optional(Type.String({ maxLength: 64 })),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
  /** Lowest price per unit after discounts (e.g. a regulated minimum), rubles. */
  minPrice: Type.Optional(Rubles),
});
export type Position = Static<typeof Position>;

const Positions = Type.Array(Position, { minItems: 1, maxItems: 1000 });

export const BeforePositionsEdited = Type.Object({
  receiptUuid: Id,
  positions: Type.Array(Position, { maxItems: 1000 }),
});
export type BeforePositionsEdited = Static<typeof BeforePositionsEdited>;

export const ReceiptDiscount = Type.Object({
  receiptUuid: Id,
  positions: Positions,
  /** Card number as scanned, typed or swiped (";NUMBER=…?"). At most one of card, phone, qr. */
  card: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  qr: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  /** Points the customer wants to pay with, or "max". */
  redeemPoints: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Literal('max')])),
  coupons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
  /** Receipt time, ISO 8601 with offset; defaults to now. */
  at: Type.Optional(Type.String({ format: 'date-time' })),
});
export type ReceiptDiscount = Static<typeof ReceiptDiscount>;

export const PaymentType = Type.Union(
  ['CASH', 'ELECTRON', 'ADVANCE', 'CREDIT', 'COUNTEROFFER'].map((t) => Type.Literal(t)),
);

export const EvotorPayment = Type.Object({
  type: PaymentType,
  sum: Rubles,
});
export type EvotorPayment = Static<typeof EvotorPayment>;

/** The fiscal document the terminal's fiscal core produced (FFD tags 1041, 1040, 1077, 1012). */
export const FiscalData = Type.Object({
  fnNumber: Type.String({ pattern: '^\\d{16}$' }),
  fiscalDocumentNumber: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\d{1,10}$' })]),
  fiscalDocumentSign: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^\\d{1,10}$' })]),
  fiscalDocumentDateTime: Type.String({ format: 'date-time' }),
  shiftNumber: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type FiscalData = Static<typeof FiscalData>;

export const ReceiptCompleted = Type.Object({
  receiptUuid: Id,
  fiscal: Type.Optional(FiscalData),
  positions: Type.Optional(Type.Array(Position, { maxItems: 1000 })),
  payments: Type.Array(EvotorPayment, { maxItems: 20 }),
  /** One-time code the customer gave for paying with points by phone. */
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
});
export type ReceiptCompleted = Static<typeof ReceiptCompleted>;

export const PaybackPosition = Type.Object({
  uuid: PositionId,
  originalUuid: Type.Optional(Id),
  quantity: Quantity,
});
export type PaybackPosition = Static<typeof PaybackPosition>;

export const PaybackCompleted = Type.Object({
  receiptUuid: Id,
  baseReceiptUuid: Id,
  positions: Type.Array(PaybackPosition, { minItems: 1, maxItems: 1000 }),
  fiscal: Type.Optional(FiscalData),
  payments: Type.Optional(Type.Array(EvotorPayment, { maxItems: 20 })),
});
export type PaybackCompleted = Static<typeof PaybackCompleted>;

export const ReceiptCanceled = Type.Object({ receiptUuid: Id });
export type ReceiptCanceled = Static<typeof ReceiptCanceled>;

// ---------------------------------------------------------------- answers

const Kopecks = Type.Integer({ description: 'kopecks' });

export const PositionChange = Type.Object({
  /** "edit": set the price of this position; "split": add a part with this uuid (same product). */
  action: Type.Union([Type.Literal('edit'), Type.Literal('split')]),
  uuid: Type.String(),
  originalUuid: Type.String(),
  quantity: Type.String(),
  priceWithDiscountPosition: Type.String(),
  /** The exact sum of this position after discount; for a weighed good it is what counts. */
  sumWithDiscount: Type.String(),
});
export type PositionChange = Static<typeof PositionChange>;

export const DiscountAnswer = Type.Object({
  receiptUuid: Type.String(),
  /** Everything the positions lose: discount plus points taken as a discount, rubles. */
  discount: Type.String(),
  positions: Type.Array(PositionChange),
  /** Points shown as a counter-provision payment (program fiscalMode "payment"). */
  payments: Type.Array(Type.Object({ type: Type.Literal('COUNTEROFFER'), sum: Type.String() })),
  extraText: Type.Array(Type.String()),
  customer: Type.Union([
    Type.Object({
      displayName: Type.String(),
      cardLast4: Type.Optional(Type.String()),
      phoneMasked: Type.Optional(Type.String()),
      tier: Type.String(),
      balance: Type.Integer(),
      redeemNeedsCode: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  offline: Type.Boolean(),
  totals: Totals,
});
export type DiscountAnswer = Static<typeof DiscountAnswer>;

export const HintAnswer = Type.Object({
  receiptUuid: Type.String(),
  changes: Type.Array(PositionChange),
  hint: Type.String(),
});
export type HintAnswer = Static<typeof HintAnswer>;

export const CompletedAnswer = Type.Object({
  receiptUuid: Type.String(),
  /** "skipped": the receipt never went through the loyalty button — nothing to confirm. */
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('skipped'), Type.Literal('cancelled')]),
  reason: Type.Optional(Type.String()),
  totals: Type.Optional(Totals),
  balance: Type.Optional(Type.Object({ available: Type.Integer(), pending: Type.Integer() })),
  extraText: Type.Array(Type.String()),
});
export type CompletedAnswer = Static<typeof CompletedAnswer>;

export const PaybackAnswer = Type.Object({
  receiptUuid: Type.String(),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('skipped')]),
  reason: Type.Optional(Type.String()),
  refund: Type.Optional(
    Type.Object({ amount: Kopecks, pointsReturned: Type.Integer(), pointsReversed: Type.Integer() }),
  ),
  extraText: Type.Array(Type.String()),
});
export type PaybackAnswer = Static<typeof PaybackAnswer>;

export const ErrorAnswer = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
