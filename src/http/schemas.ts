// The HTTP-only schemas of the till-facing API (POS-API.md): the error body, path parameters and the
// operations routes (status, print review). The receipt operations' bodies and answers are in
// src/protocol/till/ (requests.ts, replies.ts), shared with the till service's types. Fastify
// validates with all of them and @fastify/swagger publishes them at /openapi.json.
import { type TSchema, Type } from '@sinclair/typebox';
import { ERROR_STATUS } from '../errors/catalogue.js';
import { Id } from '../protocol/till/requests.js';
import { Kopecks as Kop } from '../protocol/wire/money.js';
import { Open } from '../protocol/wire/open.js';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: 'UPPER_SNAKE, from the error catalogue',
        enum: Object.keys(ERROR_STATUS),
      }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error' },
);

/** An interrupted print as store IT sees it (no customer data, no one-time code). */
export const PrintIntentItem = Open(
  {
    receiptId: Type.String(),
    tillId: Type.String(),
    state: Type.Union([Type.Literal('printing'), Type.Literal('review')], {
      description: 'printing: waits for the register to be asked; review: waits for a person',
    }),
    startedAt: Type.String(),
    fdBefore: Type.String({ description: "the register's last fiscal document before printing" }),
    total: Kop('kopecks the fiscal document must show'),
    payments: Type.Array(Open({ type: Type.String(), amount: Kop() })),
    reason: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
    lastDocument: Type.Optional(
      Type.Union([
        Open({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String(), total: Kop() }),
        Type.Null(),
      ]),
    ),
  },
  'PrintIntent',
);

export const PrintIntentsReply = Open({ items: Type.Array(PrintIntentItem) });

const Digits = (description: string) => Type.String({ pattern: '^[0-9]{1,32}$', description });

export const SettlePrintBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('printed'), Type.Literal('not-printed')], {
      description: "what the register's journal shows: printed → confirm, not-printed → cancel",
    }),
    fiscal: Type.Optional(
      Type.Object(
        {
          fd: Digits('fiscal document number'),
          fp: Digits('fiscal sign'),
          fn: Type.Optional(Digits("FN number (default: the register's last document's)")),
          at: Type.Optional(
            Type.String({
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$',
              description: 'register time of the document, YYYY-MM-DDTHH:mm[:ss]',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: "the receipt's document, when it is not the register's last one",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SettlePrintReply = Open({
  receiptId: Type.String(),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('cancelled')]),
  fiscal: Type.Optional(Open({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String() })),
});

export const StatusReply = Open({
  version: Type.String(),
  uptimeSec: Type.Integer(),
  storeId: Type.String(),
  tillId: Type.String(),
  register: Open({ driver: Type.String(), state: Type.String(), lastError: Type.Optional(Type.Unknown()) }),
  cloud: Open({
    state: Type.String({ description: 'online | offline | unconfigured' }),
    lastSyncAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Optional(Type.String()),
  }),
  queue: Open({ pending: Type.Integer(), oldestAgeSec: Type.Integer(), deadLetter: Type.Integer() }),
  program: Open({ version: Type.String() }),
  cache: Open({ customers: Type.Integer(), updatedAt: Type.Union([Type.String(), Type.Null()]) }),
  printReview: Open({
    count: Type.Integer({ description: 'receipts held for a person to check against the register' }),
    printing: Type.Integer({ description: "interrupted prints waiting for the register's answer" }),
    items: Type.Array(PrintIntentItem),
  }),
});

export const ReceiptIdParams = Type.Object({ receiptId: Id });

/** Standard error replies for a route's schema. */
export function errors(...codes: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const c of codes) out[c] = ErrorBody;
  return out;
}
