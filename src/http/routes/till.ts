// The till's receipt routes: identify, calculate, confirm, cancel, read back, returns. The schemas
// are the one definition of the bodies and answers (src/protocol/till/); the TypeBox type provider
// gives the handlers those bodies typed, and checks what they return against the answers.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ConfirmRequest, TillApi } from '../../agent/till-api.js';
import * as R from '../../protocol/till/replies.js';
import * as B from '../../protocol/till/requests.js';
import * as S from '../schemas.js';

export async function tillRoutes(
  instance: FastifyInstance,
  opts: { till: TillApi; onConfirmed?: () => void },
) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { till } = opts;
  const tags = ['till'];

  app.post(
    '/v1/identify',
    {
      schema: { tags, body: B.CustomerQuery, response: { 200: R.IdentifyReply, ...S.errors(400, 401, 404) } },
    },
    async (req) => till.identify(req.tillId, req.body),
  );

  app.post(
    '/v1/receipts/calculate',
    {
      schema: {
        tags,
        body: B.CalculateBody,
        response: { 200: R.CalculateReply, ...S.errors(400, 401, 409) },
      },
    },
    async (req) => till.calculate(req.tillId, req.body),
  );

  app.post(
    '/v1/receipts/:receiptId/confirm',
    {
      schema: {
        tags,
        params: S.ReceiptIdParams,
        body: B.ConfirmBody,
        response: { 200: R.ConfirmReply, ...S.errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const res = await till.confirm(req.tillId, req.params.receiptId, withFiscalDigits(req.body ?? {}));
      opts.onConfirmed?.();
      return res;
    },
  );

  app.post(
    '/v1/receipts/:receiptId/cancel',
    { schema: { tags, params: S.ReceiptIdParams, response: { ...S.errors(401, 404, 409) } } },
    async (req) => till.cancel(req.tillId, req.params.receiptId),
  );

  app.get(
    '/v1/receipts/:receiptId',
    { schema: { tags, params: S.ReceiptIdParams, response: { 200: R.ReceiptReply, ...S.errors(401, 404) } } },
    async (req) => till.get(req.params.receiptId),
  );

  app.post(
    '/v1/returns',
    {
      schema: {
        tags,
        body: B.ReturnBody,
        response: { 200: R.ReturnReply, ...S.errors(400, 401, 404, 409, 503) },
      },
    },
    async (req) => till.createReturn(req.tillId, req.body),
  );
}

/** `fd` and `fp` as the digits the schema let through: a number (exact, ≥ 0) becomes its decimal digits. */
function withFiscalDigits(body: Static<typeof B.ConfirmBody>): ConfirmRequest {
  const { fiscal, ...rest } = body;
  if (!fiscal) return rest;
  return { ...rest, fiscal: { ...fiscal, fd: String(fiscal.fd), fp: String(fiscal.fp) } };
}
