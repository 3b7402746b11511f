// The Evotor-style bridge: the loyalty app on a smart terminal forwards receipt events over the
// LAN to /v1/evotor/<event>; the agent answers what the terminal should apply. Register it on the
// root instance without a prefix — the paths are absolute. One bridge serves one terminal (till).
import { timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { TillApi } from '../../agent/till-api.js';
import { AppError } from '../../errors/catalogue.js';
import { installErrorReplies } from '../error-reply.js';
import {
  skipped,
  toCalculateRequest,
  toCompletedAnswer,
  toConfirmRequest,
  toDiscountAnswer,
  toHintAnswer,
  toPaybackAnswer,
  toReturnRequest,
} from './mapping.js';
import {
  BeforePositionsEdited,
  CompletedAnswer,
  DiscountAnswer,
  ErrorAnswer,
  HintAnswer,
  PaybackAnswer,
  PaybackCompleted,
  ReceiptCanceled,
  ReceiptCompleted,
  ReceiptDiscount,
} from './schemas.js';

export interface EvotorBridgeOptions {
  till: TillApi;
  /** The till the terminal is; every event is booked on it. */
  tillId: string;
  /** The Bearer token the terminal app sends (config `evotor.token`). */
  token: string;
}

const errors = { 400: ErrorAnswer, 401: ErrorAnswer, 403: ErrorAnswer, 404: ErrorAnswer, 409: ErrorAnswer };

/** A till answer of 404 on completion: the receipt never went through the loyalty button. */
function isUnknownReceipt(err: unknown): err is AppError {
  return err instanceof AppError && err.code === 'RECEIPT_NOT_FOUND';
}

export async function evotorBridge(instance: FastifyInstance, options: EvotorBridgeOptions): Promise<void> {
  // The TypeBox type provider types each event from its body schema.
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { till, tillId } = options;
  if (!options.token) throw new Error('evotorBridge: a token is required');
  const expected = Buffer.from(options.token);
  installErrorReplies(fastify);

  fastify.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const given = Buffer.from(
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '',
    );
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('UNAUTHORIZED', 'Нет токена терминала или он неверный (Authorization: Bearer …)');
    }
  });

  fastify.post(
    '/v1/evotor/beforePositionsEdited',
    {
      schema: {
        summary: 'Positions are being edited; the agent changes none and answers a hint for the cashier',
        tags: ['evotor'],
        body: BeforePositionsEdited,
        response: { 200: HintAnswer, ...errors },
      },
    },
    async (request) => toHintAnswer(request.body),
  );

  fastify.post(
    '/v1/evotor/receiptDiscount',
    {
      schema: {
        summary: 'The loyalty button: calculate the receipt, answer the discount and the prices to set',
        tags: ['evotor'],
        body: ReceiptDiscount,
        response: { 200: DiscountAnswer, ...errors },
      },
    },
    async (request) => {
      const event = request.body;
      const calculation = await till.calculate(tillId, toCalculateRequest(event));
      return toDiscountAnswer(event, calculation);
    },
  );

  fastify.post(
    '/v1/evotor/receiptCompleted',
    {
      schema: {
        summary: 'The fiscal receipt is closed: confirm the loyalty sale with its fiscal data and payments',
        tags: ['evotor'],
        body: ReceiptCompleted,
        response: { 200: CompletedAnswer, ...errors },
      },
    },
    async (request) => {
      const event = request.body;
      const confirmRequest = toConfirmRequest(event);
      try {
        return toCompletedAnswer(
          event.receiptUuid,
          await till.confirm(tillId, event.receiptUuid, confirmRequest),
        );
      } catch (err) {
        if (isUnknownReceipt(err)) return skipped(event.receiptUuid, err.code);
        throw err;
      }
    },
  );

  fastify.post(
    '/v1/evotor/paybackCompleted',
    {
      schema: {
        summary: 'A payback (return) receipt is closed: book it as a return of the base receipt',
        tags: ['evotor'],
        body: PaybackCompleted,
        response: { 200: PaybackAnswer, ...errors },
      },
    },
    async (request) => {
      const event = request.body;
      const returnRequest = toReturnRequest(event);
      try {
        return toPaybackAnswer(event.receiptUuid, await till.createReturn(tillId, returnRequest));
      } catch (err) {
        if (isUnknownReceipt(err)) return skipped(event.receiptUuid, err.code);
        throw err;
      }
    },
  );

  fastify.post(
    '/v1/evotor/receiptCanceled',
    {
      schema: {
        summary: 'The receipt was cleared on the terminal: release the points hold at once',
        tags: ['evotor'],
        body: ReceiptCanceled,
        response: { 200: CompletedAnswer, ...errors },
      },
    },
    async (request) => {
      const { receiptUuid } = request.body;
      try {
        await till.cancel(tillId, receiptUuid);
        return { receiptUuid, status: 'cancelled' as const, extraText: [] };
      } catch (err) {
        if (isUnknownReceipt(err)) return skipped(receiptUuid, err.code);
        throw err;
      }
    },
  );
}
