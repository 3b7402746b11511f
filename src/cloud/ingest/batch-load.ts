// Loads what one batch needs, in a fixed handful of queries whatever its size: the ids already
// applied, the sales/returns/enrolments its receipts refer to, the customers it names (locked, in id
// order so that concurrent batches cannot deadlock on them), their lots and recent spend, the holds
// and coupons its sales use, and the program versions.
import type { Program } from '../../domain/types.js';
import type { Tx } from '../../protocol/sync.js';
import type { Queryable } from '../db/db.js';
import { loadCoupons } from '../store/coupons.js';
import type { CustomerRow } from '../store/customers.js';
import { addDays } from '../time.js';
import { BatchState } from './batch-state.js';
import { CouponBook } from './coupon-book.js';
import { CustomerBook } from './customer-book.js';
import { HoldBook, type HoldRow } from './hold-book.js';
import type { IngestContext } from './ingest-context.js';
import { LotBook, type LotRow } from './lot-book.js';
import { SpendBook, type SpendEntry } from './spend-book.js';
import { loadApplied, loadRelated } from './transaction-rows.js';
import { TxBook } from './tx-book.js';

const CUSTOMER_COLUMNS = `id, name, phone, birthday, birthday_bonus_year, offline_allowance,
  enrolment_bonus_tx, created_at, updated_at, change_seq, deleted`;

export async function loadBatch(
  q: Queryable,
  agentId: string,
  txs: Tx[],
  ctx: IngestContext,
): Promise<BatchState> {
  const applied = await loadApplied(
    q,
    txs.map((t) => t.id),
  );
  const related = await loadRelated(
    q,
    distinct(txs.filter((t) => t.kind === 'sale').map((t) => t.receiptId)),
    distinct(txs.filter((t) => t.kind === 'return').map((t) => t.receiptId)),
  );

  const programs = new Map<string, Program | null>();
  for (const version of distinct([
    ...txs.map((t) => t.programVersion),
    ...related.filter((r) => r.kind === 'sale').map((r) => r.program_version),
  ])) {
    programs.set(version, await ctx.programs.byVersion(q, version));
  }

  const refs = txs.map((t) => t.customer);
  const cards = await queryIf(distinct(refs.flatMap((r) => (r.card ? [r.card] : []))), (list) =>
    q.query<{ card: string; customer_id: string }>(
      'SELECT card, customer_id FROM cards WHERE card = ANY($1::text[])',
      [list],
    ),
  );
  const ids = distinct([
    ...refs.flatMap((r) => (r.id ? [r.id] : [])),
    ...cards.map((c) => c.customer_id),
    ...related.flatMap((r) => (r.customer_id ? [r.customer_id] : [])),
    ...applied.flatMap((a) => (a.customer_id ? [a.customer_id] : [])),
  ]);
  const phones = distinct(refs.flatMap((r) => (r.phone ? [r.phone] : [])));
  const customers =
    ids.length + phones.length === 0
      ? []
      : await q.query<CustomerRow>(
          `SELECT ${CUSTOMER_COLUMNS} FROM customers
           WHERE id = ANY($1::text[]) OR phone = ANY($2::text[]) ORDER BY id FOR UPDATE`,
          [ids, phones],
        );
  const customerIds = customers.map((c) => c.id);

  const lots = await queryIf(customerIds, (list) =>
    q.query<LotRow>(
      `SELECT id, customer_id, kind, points, remaining, available_at, expires_at, source_tx
       FROM point_lots WHERE customer_id = ANY($1::text[]) AND remaining <> 0`,
      [list],
    ),
  );
  const spendSince = earliestWindowStart(txs, programs, ctx);
  const spend =
    spendSince === null
      ? []
      : await queryIf(customerIds, (list) =>
          q.query<{ customer_id: string; at: Date; amount: number; tx_id: string | null }>(
            `SELECT customer_id, at, amount, tx_id FROM spend_entries
             WHERE customer_id = ANY($1::text[]) AND at > $2 ORDER BY id`,
            [list, spendSince],
          ),
        );
  const holds = await queryIf(
    distinct(txs.flatMap((t) => (t.kind === 'sale' && t.holdId ? [t.holdId] : []))),
    (list) =>
      q.query<HoldRow>(
        'SELECT hold_id, state, expires_at FROM holds WHERE hold_id = ANY($1::text[]) ORDER BY hold_id FOR UPDATE',
        [list],
      ),
  );
  const coupons = await loadCoupons(
    q,
    txs.flatMap((t) => (t.kind === 'sale' ? (t.coupons ?? []).map((c) => c.code) : [])),
    true,
  );

  return new BatchState(
    agentId,
    ctx.now,
    ctx.timezone,
    programs,
    ctx.programs.program,
    new CustomerBook(customers, cards, ctx.now),
    new LotBook(lots, ctx.now),
    new SpendBook(
      spend.map(
        (e): SpendEntry => ({ customerId: e.customer_id, at: e.at, amount: e.amount, txId: e.tx_id }),
      ),
    ),
    new HoldBook(holds, ctx.now),
    new CouponBook(coupons, ctx.now),
    new TxBook(applied, related),
  );
}

/** The earliest tier-window start any sale of the batch will ask about; null without sales. */
function earliestWindowStart(
  txs: Tx[],
  programs: Map<string, Program | null>,
  ctx: IngestContext,
): Date | null {
  let earliest: number | null = null;
  for (const t of txs) {
    if (t.kind !== 'sale') continue;
    const rules = programs.get(t.programVersion) ?? ctx.programs.program;
    const start = addDays(new Date(t.at), -rules.tierPeriodDays).getTime();
    if (earliest === null || start < earliest) earliest = start;
  }
  return earliest === null ? null : new Date(earliest);
}

async function queryIf<T>(list: string[], run: (list: string[]) => Promise<T[]>): Promise<T[]> {
  return list.length === 0 ? [] : run(list);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}
