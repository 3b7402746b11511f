// POST /v1/sales: the whole sale through the fiscal register (present only when a register driver is set).
// 400 bad input or payments that do not fit (below to pay, or non-cash above it; cash may exceed and
// the answer names the change), 403 code needed, 409 receipt state (confirmed elsewhere, needs a
// check by hand), 502 the register refused or is unreachable, 503 printed but not recorded yet (repeat it).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RegisterSaleService } from '../../agent/register-sale.js';
import { SaleReply } from '../../protocol/till/replies.js';
import { SaleBody } from '../../protocol/till/requests.js';
import * as S from '../schemas.js';

export function salesRoutes(service: RegisterSaleService, onConfirmed?: () => void): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/v1/sales',
      {
        schema: {
          tags: ['till'],
          body: SaleBody,
          response: { 200: SaleReply, ...S.errors(400, 401, 403, 404, 409, 502, 503) },
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
