// The shapes of the cloud's answers (SYNC-API.md), checked before anything reaches the journal,
// the cache or the program: a half-understood answer must not corrupt local state.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CachedCustomerSchema } from '../protocol/wire/customer.js';
import { CloudProtocolError } from './errors.js';

// The shapes the sync shares with the cloud (customers, Tx results, receipts for returns) live in
// src/protocol/wire/, one schema and one type each; the answers only this client reads are here.
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
