// POST /v1/sales: the whole sale through the fiscal register (present only when a register driver is set).
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RegisterSaleService } from '../../agent/register-sale.js';
import * as S from '../schemas.js';

export function salesRoutes(service: RegisterSaleService, onConfirmed?: () => void): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof S.SaleBody> }>(
      '/v1/sales',
      {
        schema: {
          tags: ['till'],
          body: S.SaleBody,
          response: { 200: S.SaleReply, ...S.errors(400, 401, 403, 409, 502) },
        },
      },
      async (req) => {
        const res = await service.sell(req.tillId, req.body);
        onConfirmed?.();
        return res;
      },
    );
  };
}
