// The till API's answers (POS-API.md): the one definition fastify serializes with, the OpenAPI
// document publishes and the till service's operations return (types by Static<>, at the end).
// Answers are open objects (additionalProperties) so that extra fields are never stripped. A field
// the document shows as a plain string but the program only ever fills from a closed set is typed
// with Type.Unsafe: the same JSON Schema (and serializer), the precise TypeScript type.
import { type Static, Type } from '@sinclair/typebox';
import type { Applied, CouponOutcome, LineResult as DomainLineResult } from '../../domain/types.js';
import { Kopecks as Kop, Points as Pts } from '../wire/money.js';
import { Open } from '../wire/open.js';
import { TotalsSchema as Totals } from '../wire/totals.js';

export const Balance = Open({ available: Pts(), pending: Pts() });

export const Customer = Open(
  {
    id: Type.String(),
    displayName: Type.String(),
    cardLast4: Type.Optional(Type.String()),
    phoneMasked: Type.Optional(Type.String()),
    tier: Open({
      id: Type.String(),
      name: Type.String(),
      discountPercent: Type.Number(),
      accrualPercent: Type.Number(),
    }),
    nextTier: Type.Union([Open({ id: Type.String(), name: Type.String(), remaining: Kop() }), Type.Null()]),
    balance: Balance,
    birthdayWindow: Type.Boolean(),
    redeemNeedsCode: Type.Boolean(),
  },
  'Customer',
);

export const LineResult = Open({
  lineId: Type.String(),
  amount: Kop(),
  discount: Kop(),
  redeemed: Kop(),
  paid: Kop(),
  accruedPoints: Pts(),
  fiscalPositions: Type.Array(Open({ qty: Type.Number(), price: Kop(), amount: Kop() })),
});

export const CalculateReply = Open({
  receiptId: Type.String(),
  status: Type.Unsafe<'calculated' | 'confirmed' | 'cancelled'>(
    Type.String({ description: 'calculated | confirmed | cancelled' }),
  ),
  offline: Type.Boolean(),
  customer: Type.Union([Customer, Type.Null()]),
  lines: Type.Array(LineResult),
  totals: Totals,
  applied: Type.Array(
    Open({
      kind: Type.Unsafe<Applied['kind']>(Type.String()),
      id: Type.String(),
      title: Type.String(),
      amount: Type.Optional(Kop()),
      points: Type.Optional(Pts()),
    }),
  ),
  coupons: Type.Array(
    Open({ code: Type.String(), status: Type.Unsafe<CouponOutcome['status']>(Type.String()) }),
  ),
  messages: Type.Array(Type.String()),
  expiresAt: Type.String(),
  pointsPayment: Type.Optional(
    Open(
      { type: Type.Literal('other'), amount: Kop() },
      'with fiscalMode "payment": the points as a counter-provision payment of the receipt',
    ),
  ),
});

export const ReceiptReply = Type.Intersect([CalculateReply, Open({ synced: Type.Boolean() })]);

export const SaleReply = Type.Intersect([
  CalculateReply,
  Open({
    fiscal: Open({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String() }),
    change: Kop('cash to give back, kopecks: Σ payments − toPay (only cash may exceed what is due)'),
  }),
]);

export const ConfirmReply = Open({
  receiptId: Type.String(),
  status: Type.Literal('confirmed'),
  totals: Totals,
  balance: Balance,
  change: Type.Optional(
    Kop('when payments were given: cash to give back, kopecks (Σ payments − what was due)'),
  ),
});

export const ReturnReply = Open({
  returnId: Type.String(),
  status: Type.Literal('confirmed'),
  refund: Open({ amount: Kop(), pointsReturned: Pts(), pointsReversed: Pts() }),
  lines: Type.Array(
    Open({ lineId: Type.String(), qty: Type.Number(), paid: Kop(), redeemed: Kop(), accruedPoints: Pts() }),
  ),
});

export const IdentifyReply = Open({
  customer: Customer,
  source: Type.Unsafe<'cloud' | 'cache'>(Type.String({ description: 'cloud | cache' })),
});

export type CustomerView = Static<typeof Customer>;
export type IdentifyResponse = Static<typeof IdentifyReply>;
export type CalculateResponse = Static<typeof CalculateReply>;
/** A receipt read back: the calculation and whether the cloud has it. */
export type ReceiptView = Static<typeof ReceiptReply>;
export type ConfirmResponse = Static<typeof ConfirmReply>;
export type ReturnResponse = Static<typeof ReturnReply>;
export type SaleResponse = Static<typeof SaleReply>;

// The core's results go out as they are: a line result of the core is a line of the answer.
type Assignable<A extends B, B> = A;
export type _LineResultFromDomain = Assignable<DomainLineResult, Static<typeof LineResult>>;
export type _LineResultToDomain = Assignable<Static<typeof LineResult>, DomainLineResult>;
