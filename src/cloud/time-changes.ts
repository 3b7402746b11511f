// The time-change job: hands the agents the customers that time alone changed (points matured or
// expired, the tier window slid, a birthday window opened or closed). It reads only the customers
// whose `next_change_at` has come (an indexed column), never everyone: for each it finds the latest
// change since the feed last carried it and, when there is one, bumps its feed position with
// `updatedAt` = that change; then it stores the next such date. Safe to run twice or from several
// cloud instances at once: rows are claimed with FOR UPDATE SKIP LOCKED, and a processed row is no
// longer due.
import type { Program } from '../domain/types.js';
import type { Db, Queryable } from './db/db.js';
import type { CustomerRow } from './store/customers.js';
import { timeEdges } from './store/time-edges.js';

export interface TimeChangeContext {
  program: Program;
  timezone: string;
  now: Date;
}

export interface TimeChangeRun {
  /** Due customers looked at. */
  checked: number;
  /** Of those, the ones handed to the feed again. */
  changed: number;
}

const DEFAULT_ROUND = 200;

/**
 * Processes every due customer, `round` per database transaction, at most `maxRounds` rounds (the
 * scheduled run goes on until none is due; a feed pull only catches up a bounded amount).
 */
export async function applyTimeChanges(
  db: Db,
  ctx: TimeChangeContext,
  opts: { round?: number; maxRounds?: number } = {},
): Promise<TimeChangeRun> {
  const round = opts.round ?? DEFAULT_ROUND;
  const total: TimeChangeRun = { checked: 0, changed: 0 };
  // Most runs (every feed pull) find nobody due: one indexed read, no transaction.
  const any = await db.query('SELECT 1 FROM customers WHERE next_change_at <= $1 LIMIT 1', [ctx.now]);
  if (any.length === 0) return total;
  for (let i = 0; i < (opts.maxRounds ?? Number.POSITIVE_INFINITY); i++) {
    const done = await db.transaction((q) => oneRound(q, ctx, round));
    total.checked += done.checked;
    total.changed += done.changed;
    if (done.checked < round) break;
  }
  return total;
}

type DueRow = Pick<CustomerRow, 'id' | 'birthday' | 'birthday_bonus_year' | 'updated_at' | 'deleted'>;

async function oneRound(q: Queryable, ctx: TimeChangeContext, limit: number): Promise<TimeChangeRun> {
  // Oldest due first, so the feed carries changes roughly in the order they happened.
  const due = await q.query<DueRow>(
    `SELECT id, birthday, birthday_bonus_year, updated_at, deleted FROM customers
     WHERE next_change_at <= $1 ORDER BY next_change_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [ctx.now, limit],
  );
  let changed = 0;
  for (const row of due) {
    if (row.deleted) {
      await q.query('UPDATE customers SET next_change_at = NULL WHERE id = $1', [row.id]);
      continue;
    }
    const edges = await timeEdges(q, row, row.updated_at, ctx);
    // Never due again at this same instant (a stored time finer than a millisecond reads back
    // truncated): the run always ends.
    const next = edges.next && edges.next <= ctx.now ? new Date(ctx.now.getTime() + 1) : edges.next;
    if (edges.last) {
      changed++;
      await q.query(
        `UPDATE customers SET change_seq = nextval('customer_change_seq'), updated_at = $2, next_change_at = $3
         WHERE id = $1`,
        [row.id, edges.last, next],
      );
    } else {
      await q.query('UPDATE customers SET next_change_at = $2 WHERE id = $1', [row.id, next]);
    }
  }
  return { checked: due.length, changed };
}
