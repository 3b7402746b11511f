// Request and response schemas of the till-facing API (POS-API.md). Fastify validates the bodies
// with them and @fastify/swagger publishes them at /openapi.json. Responses are open objects
// (additionalProperties) so that extra fields are never stripped by the serializer.
import { type TSchema, Type } from '@sinclair/typebox';
import { ERROR_STATUS } from '../errors/catalogue.js';

const Open = <T extends Parameters<typeof Type.Object>[0]>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: true, ...(description && { description }) });
const Kop = (description = 'kopecks') => Type.Integer({ description });
const Pts = (description = 'points') => Type.Integer({ description });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: 'UPPER_SNAKE, from the error catalogue',
        enum: Object.keys(ERROR_STATUS),
      }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error' },
);

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

export const SaleBody = Type.Object(
  {
    receiptId: Id,
    customer: Type.Optional(CustomerQuery),
    at: Type.Optional(Type.String({ format: 'date-time' })),
    lines: Type.Array(Line, { minItems: 1, maxItems: 1000 }),
    redeem: Type.Optional(Redeem),
    coupons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
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

export const Totals = Open({
  amount: Kop(),
  discount: Kop(),
  redeemedPoints: Pts(),
  redeemedAmount: Kop(),
  toPay: Kop(),
  accruedPoints: Pts(),
});

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
  status: Type.String({ description: 'calculated | confirmed | cancelled' }),
  offline: Type.Boolean(),
  customer: Type.Union([Customer, Type.Null()]),
  lines: Type.Array(LineResult),
  totals: Totals,
  applied: Type.Array(
    Open({
      kind: Type.String(),
      id: Type.String(),
      title: Type.String(),
      amount: Type.Optional(Kop()),
      points: Type.Optional(Pts()),
    }),
  ),
  coupons: Type.Array(Open({ code: Type.String(), status: Type.String() })),
  messages: Type.Array(Type.String()),
  expiresAt: Type.String(),
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
  source: Type.String({ description: 'cloud | cache' }),
});

/** An interrupted print as store IT sees it (no customer data, no one-time code). */
export const PrintIntentItem = Open(
  {
    receiptId: Type.String(),
    tillId: Type.String(),
    state: Type.Union([Type.Literal('printing'), Type.Literal('review')], {
      description: 'printing: waits for the register to be asked; review: waits for a person',
    }),
    startedAt: Type.String(),
    fdBefore: Type.String({ description: "the register's last fiscal document before printing" }),
    total: Kop('kopecks the fiscal document must show'),
    payments: Type.Array(Open({ type: Type.String(), amount: Kop() })),
    reason: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
    lastDocument: Type.Optional(
      Type.Union([
        Open({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String(), total: Kop() }),
        Type.Null(),
      ]),
    ),
  },
  'PrintIntent',
);

export const PrintIntentsReply = Open({ items: Type.Array(PrintIntentItem) });

const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,32}$', description });

export const SettlePrintBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('printed'), Type.Literal('not-printed')], {
      description: "what the register's journal shows: printed → confirm, not-printed → cancel",
    }),
    fiscal: Type.Optional(
      Type.Object(
        {
          fd: Digits('fiscal document number'),
          fp: Digits('fiscal sign'),
          fn: Type.Optional(Digits("FN number (default: the register's last document's)")),
          at: Type.Optional(
            Type.String({
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$',
              description: 'register time of the document, YYYY-MM-DDTHH:mm[:ss]',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: "the receipt's document, when it is not the register's last one",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SettlePrintReply = Open({
  receiptId: Type.String(),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('cancelled')]),
  fiscal: Type.Optional(Open({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String() })),
});

export const StatusReply = Open({
  version: Type.String(),
  uptimeSec: Type.Integer(),
  storeId: Type.String(),
  tillId: Type.String(),
  register: Open({ driver: Type.String(), state: Type.String(), lastError: Type.Optional(Type.Unknown()) }),
  cloud: Open({
    state: Type.String({ description: 'online | offline | unconfigured' }),
    lastSyncAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Optional(Type.String()),
  }),
  queue: Open({ pending: Type.Integer(), oldestAgeSec: Type.Integer(), deadLetter: Type.Integer() }),
  program: Open({ version: Type.String() }),
  cache: Open({ customers: Type.Integer(), updatedAt: Type.Union([Type.String(), Type.Null()]) }),
  printReview: Open({
    count: Type.Integer({ description: 'receipts held for a person to check against the register' }),
    printing: Type.Integer({ description: "interrupted prints waiting for the register's answer" }),
    items: Type.Array(PrintIntentItem),
  }),
});

export const ReceiptIdParams = Type.Object({ receiptId: Id });

/** Standard error replies for a route's schema. */
export function errors(...codes: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const c of codes) out[c] = ErrorBody;
  return out;
}
