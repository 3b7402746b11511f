// The shape of one incoming Tx (SYNC-API.md). A batch is accepted as a list of anything; each Tx is
// judged on its own so that one malformed entry is `rejected` without holding back the others.
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Tx } from '../../protocol/sync.js';

const Kop = Type.Integer({ minimum: 0 });
const Id = Type.String({ minLength: 1, maxLength: 200 });

const Line = Type.Object({
  lineId: Id,
  sku: Type.String({ maxLength: 200 }),
  name: Type.String({ maxLength: 500 }),
  price: Kop,
  qty: Type.Number({ exclusiveMinimum: 0 }),
  category: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Array(Type.String())),
  minPrice: Type.Optional(Kop),
  amount: Kop,
  discount: Kop,
  redeemed: Kop,
  paid: Kop,
  accruedPoints: Type.Integer({ minimum: 0 }),
});

const Totals = Type.Object({
  amount: Kop,
  discount: Kop,
  redeemedPoints: Type.Integer({ minimum: 0 }),
  redeemedAmount: Kop,
  toPay: Kop,
  accruedPoints: Type.Integer({ minimum: 0 }),
});

export const TxSchema = Type.Object({
  id: Id,
  seq: Type.Integer({ minimum: 0 }),
  kind: Type.Union([Type.Literal('sale'), Type.Literal('return'), Type.Literal('enrolment')]),
  storeId: Id,
  tillId: Id,
  at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}' }),
  offline: Type.Boolean(),
  programVersion: Type.String({ minLength: 1 }),
  receiptId: Id,
  returnId: Type.Optional(Id),
  holdId: Type.Optional(Id),
  customer: Type.Object({
    id: Type.Optional(Id),
    card: Type.Optional(Type.String({ pattern: '^[0-9]{4,32}$' })),
    phone: Type.Optional(Type.String({ pattern: '^\\+7[0-9]{10}$' })),
    tierId: Type.Optional(Type.String()),
  }),
  coupons: Type.Optional(
    Type.Array(
      Type.Object({
        code: Type.String({ minLength: 1 }),
        status: Type.Union(
          ['applied', 'unknown', 'used', 'expired', 'not-applicable'].map((s) => Type.Literal(s)),
        ),
      }),
    ),
  ),
  lines: Type.Array(Line, { maxItems: 1000 }),
  totals: Totals,
  fiscal: Type.Optional(
    Type.Object({ fn: Type.String(), fd: Type.String(), fp: Type.String(), at: Type.String() }),
  ),
  refund: Type.Optional(
    Type.Object({
      amount: Kop,
      pointsReturned: Type.Integer({ minimum: 0 }),
      pointsReversed: Type.Integer({ minimum: 0 }),
    }),
  ),
  redeem: Type.Optional(
    Type.Union([
      Type.Object({ points: Type.Integer({ minimum: 0 }) }),
      Type.Object({ max: Type.Literal(true) }),
    ]),
  ),
  timezone: Type.Optional(Type.String({ minLength: 1 })),
  payments: Type.Optional(Type.Array(Type.Object({ type: Type.String(), amount: Type.Integer() }))),
  // Read by the ingest: the enrolment bonus counted in the sale, and the store a return's sale is from.
  bonusPoints: Type.Optional(Type.Integer({ minimum: 0 })),
  originalStoreId: Type.Optional(Id),
});

// The wire type in src/protocol/sync.ts is the contract; this check keeps the schema in step with it.
type SchemaTx = Static<typeof TxSchema>;
const _sameShape: (t: SchemaTx) => Tx = (t) => t as Tx;
void _sameShape;

export type TxCheck = { ok: true; tx: Tx } | { ok: false; reason: string };

export function checkTx(raw: unknown): TxCheck {
  if (!Value.Check(TxSchema, raw)) {
    const first = Value.Errors(TxSchema, raw).First();
    const where = first?.path ? first.path.slice(1) : 'transaction';
    return { ok: false, reason: `${where}: ${first?.message ?? 'invalid'}` };
  }
  const tx = raw as Tx;
  if (Number.isNaN(new Date(tx.at).getTime())) return { ok: false, reason: 'at: not a valid ISO-8601 time' };
  if (tx.kind === 'sale' && tx.lines.length === 0)
    return { ok: false, reason: 'lines: a sale needs at least one line' };
  if (tx.kind === 'return' && tx.lines.length === 0) {
    return { ok: false, reason: 'lines: a return needs the returned lines' };
  }
  if (tx.kind === 'enrolment' && !tx.customer.id && !tx.customer.card && !tx.customer.phone) {
    return { ok: false, reason: 'customer: an enrolment names a card, a phone or an id' };
  }
  const ids = new Set<string>();
  for (const [i, l] of tx.lines.entries()) {
    if (ids.has(l.lineId)) return { ok: false, reason: `lines/${i}/lineId: "${l.lineId}" repeats` };
    ids.add(l.lineId);
  }
  return { ok: true, tx };
}
