// `GET /v1/agents/{agentId}/receipts/{receiptId}` (SYNC-API.md): a sale as an agent needs it to take
// a return of a receipt it did not record: the sale Tx as the selling agent sent it, the customer
// the cloud booked it to, and every return of it the cloud has applied (from any store).
import { type Static, Type } from '@sinclair/typebox';
import { Kopecks, Points } from './money.js';
import { type Tx, TxLineSchema, TxSchema } from './tx.js';

/** What a return takes of a line (positive), and the sums of such parts. */
const ReturnedPartSchema = Type.Object({
  qty: Type.Number({ minimum: 0 }),
  paid: Kopecks(),
  redeemed: Kopecks(),
  accruedPoints: Points(),
});

/** One return the cloud has applied to a sale. */
export const ReceiptReturnRecordSchema = Type.Object({
  /** The return transaction's id (the idempotency key of the outbox). */
  id: Type.String({ minLength: 1 }),
  returnId: Type.Optional(Type.String()),
  /** The store that took the goods back. */
  storeId: Type.String({ minLength: 1 }),
  tillId: Type.String(),
  at: Type.String(),
  /** The returned part of each line, positive, as in the return Tx. */
  lines: Type.Array(
    Type.Object({
      lineId: Type.String({ minLength: 1 }),
      qty: Type.Number({ exclusiveMinimum: 0 }),
      paid: Kopecks(),
      redeemed: Kopecks(),
      accruedPoints: Points(),
    }),
  ),
  refund: Type.Optional(
    Type.Object({ amount: Kopecks(), pointsReturned: Points(), pointsReversed: Points() }),
  ),
});
export type ReceiptReturnRecord = Static<typeof ReceiptReturnRecordSchema>;

export const ReceiptForReturnSchema = Type.Object({
  receiptId: Type.String({ minLength: 1 }),
  /** The store that sold it. */
  storeId: Type.String({ minLength: 1 }),
  tillId: Type.String(),
  at: Type.String(),
  /** The cloud's customer of the sale (it may have been created by the sale itself), or null. */
  customerId: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  /** A Tx as the ingest accepts it, and a sale with at least one line. */
  sale: Type.Intersect([
    TxSchema,
    Type.Object({ kind: Type.Literal('sale'), lines: Type.Array(TxLineSchema, { minItems: 1 }) }),
  ]),
  returns: Type.Array(ReceiptReturnRecordSchema),
  /** Per line, what those returns took together (the `returned` input of computeReturn). */
  returned: Type.Record(Type.String(), ReturnedPartSchema),
});

/** The sale is typed as the Tx it is (with the extras the selling till showed). */
export type ReceiptForReturn = Omit<Static<typeof ReceiptForReturnSchema>, 'sale'> & { sale: Tx };
