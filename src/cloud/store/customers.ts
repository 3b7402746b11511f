// Customers, their cards and phone, and the change feed: every change takes the next value of
// `customer_change_seq`, which is the agents' cursor.
import { randomUUID } from 'node:crypto';
import { maskName, phoneHash, tierOf } from '../../domain/index.js';
import type { Program } from '../../domain/types.js';
import type { CachedCustomer } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { localDate } from '../time.js';
import { balanceOf } from './point-lots.js';
import { periodSpend } from './spend.js';

export interface CustomerRow {
  id: string;
  name: string;
  phone: string | null;
  birthday: string | null;
  birthday_bonus_year: number | null;
  offline_allowance: number | null;
  enrolment_bonus_tx: string | null;
  created_at: Date;
  updated_at: Date;
  change_seq: number;
  deleted: boolean;
}

export interface CustomerRef {
  id?: string;
  card?: string;
  phone?: string;
}

const COLUMNS = `c.id, c.name, c.phone, c.birthday, c.birthday_bonus_year, c.offline_allowance,
  c.enrolment_bonus_tx, c.created_at, c.updated_at, c.change_seq, c.deleted`;

/** By id, else card, else phone. `lock` holds the row for the rest of the database transaction. */
export async function findCustomer(
  q: Queryable,
  ref: CustomerRef,
  lock = false,
): Promise<CustomerRow | null> {
  const forUpdate = lock ? ' FOR UPDATE' : '';
  if (ref.id) {
    const rows = await q.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c WHERE c.id = $1${forUpdate}`,
      [ref.id],
    );
    if (rows[0]) return rows[0];
  }
  if (ref.card) {
    const rows = await q.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c JOIN cards k ON k.customer_id = c.id WHERE k.card = $1${lock ? ' FOR UPDATE OF c' : ''}`,
      [ref.card],
    );
    if (rows[0]) return rows[0];
  }
  if (ref.phone) {
    const rows = await q.query<CustomerRow>(
      `SELECT ${COLUMNS} FROM customers c WHERE c.phone = $1${forUpdate}`,
      [ref.phone],
    );
    if (rows[0]) return rows[0];
  }
  return null;
}

export interface NewCustomer {
  id?: string;
  name?: string;
  phone?: string;
  birthday?: string;
  offlineAllowance?: number;
  cards?: string[];
}

/** `memberSince` is when they joined: the sale that created them, which may predate its arrival. */
export async function createCustomer(
  q: Queryable,
  c: NewCustomer,
  now: Date,
  memberSince: Date = now,
): Promise<CustomerRow> {
  const rows = await q.query<CustomerRow>(
    `INSERT INTO customers AS c (id, name, phone, birthday, offline_allowance, created_at, updated_at, change_seq, next_change_at)
     VALUES ($1, $2, $3, $4, $5, $7, $6, nextval('customer_change_seq'), $6)
     RETURNING ${COLUMNS}`,
    [
      c.id ?? `c-${randomUUID()}`,
      c.name ?? '',
      c.phone ?? null,
      c.birthday ?? null,
      c.offlineAllowance ?? null,
      now,
      memberSince,
    ],
  );
  const row = rows[0]!;
  for (const card of c.cards ?? []) await attachCard(q, row.id, card);
  return row;
}

/** Links a card to the customer unless it already belongs to someone. */
export async function attachCard(q: Queryable, customerId: string, card: string): Promise<boolean> {
  const rows = await q.query<{ card: string }>(
    'INSERT INTO cards (card, customer_id) VALUES ($1, $2) ON CONFLICT (card) DO NOTHING RETURNING card',
    [card, customerId],
  );
  return rows.length > 0;
}

/**
 * Records that the customer changed, so the change feed hands it to the agents again; the
 * time-change job then looks for what time changes next from here (next_change_at = now).
 */
export async function touchCustomer(q: Queryable, customerId: string, now: Date): Promise<void> {
  await q.query(
    `UPDATE customers SET change_seq = nextval('customer_change_seq'), updated_at = $2, next_change_at = $2
     WHERE id = $1`,
    [customerId, now],
  );
}

export interface ViewContext {
  program: Program;
  phoneSalt: string;
  timezone: string;
  now: Date;
}

/** The agents' cache shape (SYNC-API.md), balances and tier as of `now`. */
export async function customerView(
  q: Queryable,
  row: CustomerRow,
  ctx: ViewContext,
): Promise<CachedCustomer> {
  const cards = await q.query<{ card: string }>(
    'SELECT card FROM cards WHERE customer_id = $1 ORDER BY card',
    [row.id],
  );
  const balance = await balanceOf(q, row.id, ctx.now);
  const spend = await periodSpend(q, row.id, ctx.now, ctx.program.tierPeriodDays);
  const tier = tierOf(ctx.program, { periodSpend: spend, balance });
  const view: CachedCustomer = {
    id: row.id,
    cards: cards.map((c) => c.card),
    displayName: row.name ? maskName(row.name) : 'Покупатель',
    tierId: tier.id,
    periodSpend: spend,
    balance,
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.phone) view.phoneHash = phoneHash(ctx.phoneSalt, row.phone);
  if (row.offline_allowance !== null) view.offlineAllowance = row.offline_allowance;
  if (row.birthday) {
    view.birthday = row.birthday;
    view.birthdayBonusUsed = row.birthday_bonus_year === Number(localDate(ctx.now, ctx.timezone).slice(0, 4));
  }
  if (row.deleted) view.deleted = true;
  return view;
}
