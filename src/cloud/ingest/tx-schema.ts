// The shape of one incoming Tx (SYNC-API.md). A batch is accepted as a list of anything; each Tx is
// judged on its own so that one malformed entry is `rejected` without holding back the others.
import { Value } from '@sinclair/typebox/value';
import { type Tx, TxSchema } from '../../protocol/wire/tx.js';

// The schema is the sync's one definition of a Tx (src/protocol/wire/tx.ts); this file adds the
// checks a schema cannot say (a real time, lines a kind needs, line ids once).

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
