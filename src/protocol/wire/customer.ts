// A customer as the cloud sends it to the agents' caches (SYNC-API.md: identify, the change feed):
// the schema the agent checks the cloud's answers with, and the type both ends use.
import { type Static, Type } from '@sinclair/typebox';
import { Kopecks, Points } from './money.js';

export const BalanceSchema = Type.Object({ available: Points(), pending: Points() });

export const CachedCustomerSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  cards: Type.Array(Type.String()),
  phoneHash: Type.Optional(Type.String()),
  displayName: Type.String(),
  tierId: Type.String(),
  periodSpend: Kopecks(),
  balance: BalanceSchema,
  offlineAllowance: Type.Optional(Points()),
  birthday: Type.Optional(Type.String()),
  birthdayBonusUsed: Type.Optional(Type.Boolean()),
  updatedAt: Type.String(),
  deleted: Type.Optional(Type.Literal(true)),
});
export type CachedCustomer = Static<typeof CachedCustomerSchema>;

export const CustomersPageSchema = Type.Object({
  customers: Type.Array(CachedCustomerSchema),
  cursor: Type.String(),
  more: Type.Boolean(),
});
export type CustomersPage = Static<typeof CustomersPageSchema>;
