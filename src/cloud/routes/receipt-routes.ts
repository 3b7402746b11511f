// GET /v1/agents/{agentId}/receipts/{receiptId}: an agent reads a sale it did not record (sold at
// another store, or before its data dir was replaced) so that its till can take a return of it.
// Any agent of the chain may read any store's receipt: that is what a return elsewhere needs.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/catalogue.js';
import type { ReceiptForReturn } from '../../protocol/sync.js';
import type { CloudServices } from '../cloud-services.js';
import { receiptForReturn } from '../reports/receipt-for-return.js';

const Params = Type.Object({
  agentId: Type.String({ minLength: 1 }),
  receiptId: Type.String({ minLength: 1, maxLength: 200 }),
});
const Query = Type.Object({ storeId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export function registerReceiptRoutes(app: FastifyInstance, s: CloudServices): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/v1/agents/:agentId/receipts/:receiptId',
    { config: { access: 'agent' }, schema: { params: Params, querystring: Query } },
    async (req): Promise<ReceiptForReturn> => {
      const { receiptId } = req.params;
      const storeId = req.query.storeId ?? null;
      const found = await receiptForReturn(s.db, receiptId, storeId);
      if (found.kind === 'found') return found.receipt;
      if (found.kind === 'ambiguous') {
        throw new AppError(
          'RECEIPT_AMBIGUOUS',
          `receipt ${receiptId} was sold at ${found.storeIds.length} stores; name one with ?storeId=`,
          found.storeIds,
        );
      }
      const where = storeId === null ? '' : ` at store ${storeId}`;
      throw new AppError('RECEIPT_NOT_FOUND', `no sale of receipt ${receiptId}${where}`);
    },
  );
}
