// The shapes of the cloud's answers (SYNC-API.md), checked before anything reaches the journal,
// the cache or the program: a half-understood answer must not corrupt local state.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { CachedCustomer, TxResult } from '../protocol/sync.js';
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
