// The instants at which time alone changes what the agents' feed shows of a customer: a lot becomes
// available (pending → available) or expires, a spend entry leaves the tier window (periodSpend and
// perhaps the tier fall), the birthday window opens or closes, and a new local year frees the
// birthday bonus. The time-change job (src/cloud/time-changes.ts) asks for the latest such instant
// since the feed last carried the customer and the next one after now.
import { birthdayWindowDays } from '../../domain/index.js';
import type { Program } from '../../domain/types.js';
import type { Queryable } from '../db/db.js';
import { DAY_MS, localYear, startOfLocalDay } from '../time.js';
import type { CustomerRow } from './customers.js';

export interface TimeEdges {
  /** The latest edge in (after, now]: the customer changed with time since `after`; null = not. */
  last: Date | null;
  /** The first edge after now; null = nothing will change with time (until something else does). */
  next: Date | null;
}

export interface EdgeContext {
  program: Program;
  timezone: string;
  now: Date;
}

export async function timeEdges(
  q: Queryable,
  row: Pick<CustomerRow, 'id' | 'birthday' | 'birthday_bonus_year'>,
  after: Date,
  ctx: EdgeContext,
): Promise<TimeEdges> {
  const edges = new EdgeFold(after, ctx.now);
  // Lots with something left: the instant each becomes available and the instant it expires.
  const lots = await q.query<{ last: Date | null; next: Date | null }>(
    `SELECT max(t) FILTER (WHERE t > $2 AND t <= $3) AS last, min(t) FILTER (WHERE t > $3) AS next
     FROM (SELECT available_at AS t FROM point_lots WHERE customer_id = $1 AND remaining <> 0
           UNION ALL
           SELECT expires_at FROM point_lots WHERE customer_id = $1 AND remaining <> 0 AND expires_at IS NOT NULL) e`,
    [row.id, after, ctx.now],
  );
  edges.addFolded(lots[0]);
  // A spend entry counts while at > now − days (store/spend.ts): it leaves the window at at + days.
  const windowMs = ctx.program.tierPeriodDays * DAY_MS;
  const spend = await q.query<{ last: Date | null; next: Date | null }>(
    `SELECT max(t) FILTER (WHERE t <= $3) AS last, min(t) FILTER (WHERE t > $3) AS next
     FROM (SELECT at + ($4::double precision * interval '1 millisecond') AS t
           FROM spend_entries WHERE customer_id = $1 AND at > $2::timestamptz - ($4::double precision * interval '1 millisecond')) e`,
    [row.id, after, ctx.now, windowMs],
  );
  edges.addFolded(spend[0]);
  for (const at of birthdayEdges(row, after, ctx)) edges.add(at);
  return edges.result();
}

/** Opening and closing instants of the birthday windows around `after`…now, and the bonus's new year. */
function birthdayEdges(
  row: Pick<CustomerRow, 'birthday' | 'birthday_bonus_year'>,
  after: Date,
  ctx: EdgeContext,
): Date[] {
  const out: Date[] = [];
  const tz = ctx.timezone;
  if (row.birthday) {
    const { daysBefore, daysAfter } = ctx.program.birthday;
    const from = localYear(after, tz) - 1;
    const to = localYear(ctx.now, tz) + 1;
    for (let year = from; year <= to; year++) {
      const days = birthdayWindowDays(row.birthday, year, daysBefore, daysAfter);
      if (!days) break;
      out.push(startOfLocalDay(dayText(days[0]), tz), startOfLocalDay(dayText(days[1] + 1), tz));
    }
  }
  // The bonus is once per local year: the view's birthdayBonusUsed turns false when the next one starts.
  if (row.birthday_bonus_year !== null) {
    out.push(startOfLocalDay(`${row.birthday_bonus_year + 1}-01-01`, tz));
  }
  return out;
}

function dayText(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** Keeps the latest instant in (after, now] and the earliest one after now. */
class EdgeFold {
  private last: number | null = null;
  private next: number | null = null;

  constructor(
    private readonly after: Date,
    private readonly now: Date,
  ) {}

  add(at: Date): void {
    const t = at.getTime();
    if (t > this.now.getTime()) {
      if (this.next === null || t < this.next) this.next = t;
    } else if (t > this.after.getTime()) {
      if (this.last === null || t > this.last) this.last = t;
    }
  }

  addFolded(row: { last: Date | null; next: Date | null } | undefined): void {
    if (row?.last) this.add(new Date(row.last));
    if (row?.next) this.add(new Date(row.next));
  }

  result(): TimeEdges {
    return {
      last: this.last === null ? null : new Date(this.last),
      next: this.next === null ? null : new Date(this.next),
    };
  }
}
