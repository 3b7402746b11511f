// The tables a batch writes besides `transactions` (transaction-rows.ts): each column with its SQL
// type and where its value comes from in the batch's in-memory records (batch-write.ts says when).
// Serial ids (lots, ledger, spend) are left to the database.
import type { Table } from '../db/bulk.js';
import type { CustomerRow } from '../store/customers.js';
import type { LedgerEntry } from '../store/ledger.js';
import type { RejectedTx } from './batch-state.js';
import type { SpentCoupon } from './coupon-book.js';
import type { LinkedCard } from './customer-book.js';
import type { CapturedHold } from './hold-book.js';
import type { Lot } from './lot-book.js';
import type { SpendEntry } from './spend-book.js';

/** Customers as the batch holds them: the row itself, so each column reads its own field. */
export const CUSTOMERS = {
  name: 'customers',
  columns: {
    id: { type: 'text', of: (c) => c.id },
    name: { type: 'text', of: (c) => c.name },
    phone: { type: 'text', of: (c) => c.phone },
    birthday_bonus_year: { type: 'integer', of: (c) => c.birthday_bonus_year },
    enrolment_bonus_tx: { type: 'text', of: (c) => c.enrolment_bonus_tx },
    created_at: { type: 'timestamptz', of: (c) => c.created_at },
    updated_at: { type: 'timestamptz', of: (c) => c.updated_at },
    change_seq: { type: 'bigint', of: (c) => c.change_seq },
    // Due from its last change: the time-change job finds what time changes next from there.
    next_change_at: { type: 'timestamptz', of: (c) => c.updated_at },
  },
} satisfies Table<CustomerRow>;

/** What ingest may change on a customer it loaded; name and created_at stay as they were. */
export const CUSTOMER_CHANGES = [
  'phone',
  'birthday_bonus_year',
  'enrolment_bonus_tx',
  'updated_at',
  'change_seq',
  'next_change_at',
] as const;

export const CARDS = {
  name: 'cards',
  columns: {
    card: { type: 'text', of: (c) => c.card },
    customer_id: { type: 'text', of: (c) => c.customerId },
  },
} satisfies Table<LinkedCard>;

/** A lot the batch adds; the database numbers it (after the loaded ones). */
export const NEW_LOTS = {
  name: 'point_lots',
  columns: {
    customer_id: { type: 'text', of: (l) => l.customerId },
    kind: { type: 'text', of: (l) => l.kind },
    points: { type: 'integer', of: (l) => l.points },
    remaining: { type: 'integer', of: (l) => l.remaining },
    available_at: { type: 'timestamptz', of: (l) => l.availableAt },
    expires_at: { type: 'timestamptz', of: (l) => l.expiresAt },
    source_tx: { type: 'text', of: (l) => l.sourceTx },
    created_at: { type: 'timestamptz', of: (l) => l.createdAt },
  },
} satisfies Table<Lot>;

/** A loaded lot whose remaining moved: only that column changes, matched on its id. */
export const LOT_REMAINDERS = {
  name: 'point_lots',
  columns: {
    id: { type: 'bigint', of: (l) => l.id },
    remaining: { type: 'integer', of: (l) => l.remaining },
  },
} satisfies Table<Lot>;

export const LEDGER = {
  name: 'points_ledger',
  columns: {
    customer_id: { type: 'text', of: (e) => e.customerId },
    at: { type: 'timestamptz', of: (e) => e.at },
    kind: { type: 'text', of: (e) => e.kind },
    points: { type: 'integer', of: (e) => e.points },
    receipt_id: { type: 'text', of: (e) => e.receiptId },
    tx_id: { type: 'text', of: (e) => e.txId },
  },
} satisfies Table<LedgerEntry>;

export const SPEND = {
  name: 'spend_entries',
  columns: {
    customer_id: { type: 'text', of: (e) => e.customerId },
    at: { type: 'timestamptz', of: (e) => e.at },
    amount: { type: 'bigint', of: (e) => e.amount },
    tx_id: { type: 'text', of: (e) => e.txId },
  },
} satisfies Table<SpendEntry>;

export const HOLD_CAPTURES = {
  name: 'holds',
  columns: {
    hold_id: { type: 'text', of: (h) => h.holdId },
    state: { type: 'text', of: () => 'captured' },
    captured_by_tx: { type: 'text', of: (h) => h.txId },
  },
} satisfies Table<CapturedHold>;

export const COUPON_USES = {
  name: 'coupons',
  columns: {
    code: { type: 'text', of: (c) => c.code },
    used_by_tx: { type: 'text', of: (c) => c.txId },
    used_at: { type: 'timestamptz', of: (c) => c.at },
  },
} satisfies Table<SpentCoupon>;

/** A refused Tx with the agent that sent it and when the cloud refused it. */
export interface RejectedTxRecord extends RejectedTx {
  agentId: string;
  at: Date;
}

export const REJECTED = {
  name: 'rejected_transactions',
  columns: {
    tx_id: { type: 'text', of: (r) => r.txId },
    agent_id: { type: 'text', of: (r) => r.agentId },
    reason: { type: 'text', of: (r) => r.reason },
    body: { type: 'jsonb', of: (r) => r.body ?? null },
    at: { type: 'timestamptz', of: (r) => r.at },
  },
} satisfies Table<RejectedTxRecord>;
