// Purchase spend per customer, dated by the sale, so the tier follows the rolling window of
// `tierPeriodDays` and slides down on its own when a customer stops buying.
import type { Kopecks } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';
import { addDays } from '../time.js';

export async function addSpend(
  q: Queryable,
  customerId: string,
  at: Date,
  amount: Kopecks,
  txId: string | null,
) {
  if (amount === 0) return;
  await q.query('INSERT INTO spend_entries (customer_id, at, amount, tx_id) VALUES ($1, $2, $3, $4)', [
    customerId,
    at,
    amount,
    txId,
  ]);
}

/** Spend after now − days (a till clock running ahead still counts); never below zero (a return of an old sale cannot owe spend). */
export async function periodSpend(
  q: Queryable,
  customerId: string,
  now: Date,
  days: number,
): Promise<Kopecks> {
  const rows = await q.query<{ total: number | null }>(
    'SELECT SUM(amount) AS total FROM spend_entries WHERE customer_id = $1 AND at > $2',
    [customerId, addDays(now, -days)],
  );
  return Math.max(0, rows[0]?.total ?? 0);
}
