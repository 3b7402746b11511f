// The till's receipt routes: identify, calculate, confirm, cancel, read back, returns.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ConfirmRequest, CustomerQuery as Query, TillApi } from '../../agent/till-api.js';
import * as S from '../schemas.js';

export async function tillRoutes(app: FastifyInstance, opts: { till: TillApi; onConfirmed?: () => void }) {
  const { till } = opts;
  const tags = ['till'];

  app.post<{ Body: Static<typeof S.CustomerQuery> }>(
    '/v1/identify',
    {
      schema: { tags, body: S.CustomerQuery, response: { 200: S.IdentifyReply, ...S.errors(400, 401, 404) } },
    },
    async (req) => till.identify(req.tillId, req.body as Query),
  );

  app.post<{ Body: Static<typeof S.CalculateBody> }>(
    '/v1/receipts/calculate',
    {
      schema: {
        tags,
        body: S.CalculateBody,
        response: { 200: S.CalculateReply, ...S.errors(400, 401, 409) },
      },
    },
    async (req) => till.calculate(req.tillId, req.body),
  );

  app.post<{ Params: Static<typeof S.ReceiptIdParams>; Body: Static<typeof S.ConfirmBody> | undefined }>(
    '/v1/receipts/:receiptId/confirm',
    {
      schema: {
        tags,
        params: S.ReceiptIdParams,
        body: S.ConfirmBody,
        response: { 200: S.ConfirmReply, ...S.errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const res = await till.confirm(req.tillId, req.params.receiptId, withFiscalDigits(req.body ?? {}));
      opts.onConfirmed?.();
      return res;
    },
  );

  app.post<{ Params: Static<typeof S.ReceiptIdParams> }>(
    '/v1/receipts/:receiptId/cancel',
    { schema: { tags, params: S.ReceiptIdParams, response: { ...S.errors(401, 404, 409) } } },
    async (req) => till.cancel(req.tillId, req.params.receiptId),
  );

  app.get<{ Params: Static<typeof S.ReceiptIdParams> }>(
    '/v1/receipts/:receiptId',
    { schema: { tags, params: S.ReceiptIdParams, response: { 200: S.ReceiptReply, ...S.errors(401, 404) } } },
    async (req) => till.get(req.params.receiptId),
  );

  app.post<{ Body: Static<typeof S.ReturnBody> }>(
    '/v1/returns',
    {
      schema: {
        tags,
        body: S.ReturnBody,
        response: { 200: S.ReturnReply, ...S.errors(400, 401, 404, 409, 503) },
      },
    },
    async (req) => till.createReturn(req.tillId, req.body),
  );
}

/** `fd` and `fp` as the digits the schema let through: a number (exact, ≥ 0) becomes its decimal digits. */
function withFiscalDigits(body: Static<typeof S.ConfirmBody>): ConfirmRequest {
  const { fiscal, ...rest } = body;
  if (!fiscal) return rest;
  return { ...rest, fiscal: { ...fiscal, fd: String(fiscal.fd), fp: String(fiscal.fp) } };
}
