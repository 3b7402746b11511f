// The till API's request bodies (POS-API.md): the one definition fastify validates with, the OpenAPI
// document publishes and the till service's operations take (types by Static<>, at the end).
import { type Static, Type } from '@sinclair/typebox';
import type { ReceiptLineInput, RedeemRequest } from '../../domain/types.js';
import type { Fiscal as TxFiscal } from '../wire/tx.js';

export const Id = Type.String({ minLength: 1, maxLength: 64 });

export const CustomerQuery = Type.Union(
  [
    Type.Object({ card: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
    Type.Object({ phone: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
    Type.Object(
      {
        qr: Type.String({
          minLength: 1,
          maxLength: 2048,
          description:
            'app QR token; it serves one sale: the till that first accepted it and the receipt of its first ' +
            'calculate (identify until that receipt is confirmed or cancelled, every calculate of it). Any other use → 400 QR_INVALID',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'exactly one of card, phone, qr' },
);

export const Line = Type.Object(
  {
    lineId: Id,
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    price: Type.Integer({ minimum: 0, maximum: 100_000_000_00, description: 'kopecks per unit' }),
    qty: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'at most 3 decimals' }),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 16 })),
    minPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'kopecks per unit' })),
  },
  { additionalProperties: false },
);

export const Redeem = Type.Union([
  Type.Object({ points: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object({ max: Type.Literal(true) }, { additionalProperties: false }),
]);

export const CalculateBody = Type.Object(
  {
    receiptId: Id,
    customer: Type.Optional(CustomerQuery),
    at: Type.Optional(Type.String({ format: 'date-time' })),
    lines: Type.Array(Line, { minItems: 1, maxItems: 1000 }),
    redeem: Type.Optional(Redeem),
    coupons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const Payment = Type.Object(
  {
    type: Type.Union([Type.Literal('cash'), Type.Literal('card'), Type.Literal('other')]),
    amount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/**
 * A fiscal document or sign number as registers and their drivers report it: a JSON number (a whole
 * number that JSON carries exactly) or a string of digits. The agent stores the digits.
 */
const FiscalNumber = (description: string) =>
  Type.Union(
    [
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      Type.String({ pattern: '^[0-9]{1,32}$' }),
    ],
    { description: `${description}: a number or a string of digits (stored as the digits)` },
  );

export const Fiscal = Type.Object(
  {
    fn: Type.String({ minLength: 1, maxLength: 32 }),
    fd: FiscalNumber('fiscal document number'),
    fp: FiscalNumber('fiscal sign'),
    at: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { additionalProperties: false },
);

export const ConfirmBody = Type.Object(
  {
    fiscal: Type.Optional(Fiscal),
    payments: Type.Optional(Type.Array(Payment, { maxItems: 20 })),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  },
  { additionalProperties: false },
);

export const ReturnBody = Type.Object(
  {
    returnId: Id,
    receiptId: Id,
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          { lineId: Id, qty: Type.Number({ exclusiveMinimum: 0 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 1000 },
      ),
    ),
    storeId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'the store that sold a receipt of another store, when several stores used its id',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A sale through the register: the calculate body (the same fields, one definition) and its payment. */
export const SaleBody = Type.Object(
  {
    ...CalculateBody.properties,
    payments: Type.Array(Payment, { minItems: 1, maxItems: 20 }),
    cashier: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 64 }),
          inn: Type.Optional(Type.String({ pattern: '^[0-9]{10,12}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
  },
  { additionalProperties: false },
);

export type CustomerQuery = Static<typeof CustomerQuery>;
export type CalculateRequest = Static<typeof CalculateBody>;
export type Payment = Static<typeof Payment>;
/**
 * What the till service's confirm takes: the body with `fd` and `fp` as the digits the schema let
 * through (the HTTP route turns a number into its digits), as the sync's Tx carries them.
 */
export type ConfirmRequest = Omit<Static<typeof ConfirmBody>, 'fiscal'> & { fiscal?: TxFiscal };
export type ReturnRequest = Static<typeof ReturnBody>;
export type SaleRequest = Static<typeof SaleBody>;

// A line and a redeem request of the body are the core's input as they are (both ways).
type Assignable<A extends B, B> = A;
type BodyLine = Static<typeof Line>;
export type _LineToDomain = Assignable<BodyLine, ReceiptLineInput>;
export type _LineFromDomain = Assignable<ReceiptLineInput, BodyLine>;
export type _RedeemToDomain = Assignable<Static<typeof Redeem>, RedeemRequest>;
export type _RedeemFromDomain = Assignable<RedeemRequest, Static<typeof Redeem>>;
