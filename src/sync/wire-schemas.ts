// The shapes of the cloud's answers (SYNC-API.md), checked before anything reaches the journal,
// the cache or the program: a half-understood answer must not corrupt local state.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { CachedCustomer, ReceiptForReturn, TxResult } from '../protocol/sync.js';
import { CloudProtocolError } from './errors.js';

const Points = Type.Integer();
const Balance = Type.Object({ available: Points, pending: Points });

export const CachedCustomerSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  cards: Type.Array(Type.String()),
  phoneHash: Type.Optional(Type.String()),
  displayName: Type.String(),
  tierId: Type.String(),
  periodSpend: Type.Integer(),
  balance: Balance,
  offlineAllowance: Type.Optional(Points),
  birthday: Type.Optional(Type.String()),
  birthdayBonusUsed: Type.Optional(Type.Boolean()),
  updatedAt: Type.String(),
  deleted: Type.Optional(Type.Literal(true)),
});

export const CustomersPageSchema = Type.Object({
  customers: Type.Array(CachedCustomerSchema),
  cursor: Type.String(),
  more: Type.Boolean(),
});

export const TxResultSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  status: Type.Union([
    Type.Literal('accepted'),
    Type.Literal('duplicate'),
    Type.Literal('retry'),
    Type.Literal('rejected'),
  ]),
  reason: Type.Optional(Type.String()),
  customer: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }), balance: Balance })),
});

export const TxResultsSchema = Type.Object({ results: Type.Array(TxResultSchema) });

export const IdentifyReplySchema = Type.Object({ customer: CachedCustomerSchema });

export const HoldReplySchema = Type.Object({ holdId: Type.String(), expiresAt: Type.String() });

export const CouponsReplySchema = Type.Object({
  coupons: Type.Array(
    Type.Object({
      code: Type.String(),
      // Statuses this agent does not know are read as "unknown" (not applicable), not as an error.
      status: Type.String(),
      percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      amount: Type.Optional(Type.Integer({ minimum: 0 })),
      minAmount: Type.Optional(Type.Integer({ minimum: 0 })),
      title: Type.Optional(Type.String()),
    }),
  ),
});

const Kopecks = Type.Integer();
const Qty = Type.Number({ exclusiveMinimum: 0 });

/** What a return takes of a line (positive), and the sums of such parts. */
const ReturnedPart = Type.Object({
  qty: Type.Number({ minimum: 0 }),
  paid: Kopecks,
  redeemed: Kopecks,
  accruedPoints: Points,
});

/** A sale line with every figure computeReturn and the return Tx read. */
const SoldLineSchema = Type.Object({
  lineId: Type.String({ minLength: 1 }),
  sku: Type.String(),
  name: Type.String(),
  price: Kopecks,
  qty: Qty,
  category: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  minPrice: Type.Optional(Kopecks),
  amount: Kopecks,
  discount: Kopecks,
  redeemed: Kopecks,
  paid: Kopecks,
  accruedPoints: Points,
});

const Totals = Type.Object({
  amount: Kopecks,
  discount: Kopecks,
  redeemedPoints: Points,
  redeemedAmount: Kopecks,
  toPay: Kopecks,
  accruedPoints: Points,
});

/** `GET /v1/agents/{agentId}/receipts/{receiptId}` → the sale and what was returned of it. */
export const ReceiptForReturnSchema = Type.Object({
  receiptId: Type.String({ minLength: 1 }),
  storeId: Type.String({ minLength: 1 }),
  tillId: Type.String(),
  at: Type.String(),
  customerId: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  sale: Type.Object({
    id: Type.String({ minLength: 1 }),
    seq: Type.Integer(),
    kind: Type.Literal('sale'),
    storeId: Type.String({ minLength: 1 }),
    tillId: Type.String(),
    at: Type.String(),
    offline: Type.Boolean(),
    programVersion: Type.String(),
    receiptId: Type.String({ minLength: 1 }),
    customer: Type.Object({
      id: Type.Optional(Type.String()),
      card: Type.Optional(Type.String()),
      phone: Type.Optional(Type.String()),
      tierId: Type.Optional(Type.String()),
    }),
    lines: Type.Array(SoldLineSchema, { minItems: 1 }),
    totals: Totals,
  }),
  returns: Type.Array(
    Type.Object({
      id: Type.String({ minLength: 1 }),
      returnId: Type.Optional(Type.String()),
      storeId: Type.String({ minLength: 1 }),
      tillId: Type.String(),
      at: Type.String(),
      lines: Type.Array(
        Type.Object({
          lineId: Type.String({ minLength: 1 }),
          qty: Qty,
          paid: Kopecks,
          redeemed: Kopecks,
          accruedPoints: Points,
        }),
      ),
      refund: Type.Optional(Type.Object({ amount: Kopecks, pointsReturned: Points, pointsReversed: Points })),
    }),
  ),
  returned: Type.Record(Type.String(), ReturnedPart),
});

/** The sync-only extras the program carries besides the program itself. */
export const ProgramExtrasSchema = Type.Object({
  phoneSalt: Type.Optional(Type.String()),
  qrKeys: Type.Optional(
    Type.Array(Type.Object({ kid: Type.String({ minLength: 1 }), publicKey: Type.String({ minLength: 1 }) })),
  ),
});

/** Returns `data` typed as the schema, or throws CloudProtocolError naming the first mismatch. */
export function expectShape<S extends TSchema>(schema: S, data: unknown, what: string): Static<S> {
  if (Value.Check(schema, data)) return data;
  const first = Value.Errors(schema, data).First();
  const where = first ? `${first.path || '/'}: ${first.message}` : 'unexpected shape';
  throw new CloudProtocolError(`the cloud's ${what} is malformed (${where})`);
}

// Compile-time guard: the schemas must stay assignable to the shared wire types.
type Assignable<A extends B, B> = A;
export type _CustomerCheck = Assignable<Static<typeof CachedCustomerSchema>, CachedCustomer>;
export type _ResultCheck = Assignable<Static<typeof TxResultSchema>, TxResult>;
export type _ReceiptCheck = Assignable<Static<typeof ReceiptForReturnSchema>, ReceiptForReturn>;
