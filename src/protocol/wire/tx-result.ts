// The cloud's verdict on one Tx of a batch (SYNC-API.md `POST /v1/agents/{agentId}/transactions`).
import { type Static, Type } from '@sinclair/typebox';
import { BalanceSchema } from './customer.js';

export const TxStatusSchema = Type.Union([
  Type.Literal('accepted'),
  Type.Literal('duplicate'),
  Type.Literal('retry'),
  Type.Literal('rejected'),
]);
export type TxStatus = Static<typeof TxStatusSchema>;

export const TxResultSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  status: TxStatusSchema,
  reason: Type.Optional(Type.String()),
  customer: Type.Optional(Type.Object({ id: Type.String({ minLength: 1 }), balance: BalanceSchema })),
});
export type TxResult = Static<typeof TxResultSchema>;

export const TxResultsSchema = Type.Object({ results: Type.Array(TxResultSchema) });
