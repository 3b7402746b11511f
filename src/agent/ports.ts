// The ports of the agent's application layer. Storage (src/storage), the sync client (src/sync)
// and the tests' fakes implement them; the till service (src/agent) only sees these shapes.
import type { CalculationResult, CouponState, ReceiptLineInput, RedeemRequest } from '../domain/types.js';
import type { CachedCustomer, Fiscal, QrKey, ReceiptForReturn, Tx, TxResult } from '../protocol/sync.js';
import type { CustomerView } from './till-api.js';

// ---------------------------------------------------------------- journal = outbox

export type OutboxState = 'pending' | 'synced' | 'dead';

export interface JournalEntry {
  tx: Tx;
  state: OutboxState;
  /** ISO time the cloud accepted it. */
  syncedAt?: string;
  /** Last `retry`/`rejected` reason. */
  lastError?: string;
  attempts: number;
}

/**
 * Every confirmed sale, return and enrolment, durably, in seq order. It is also the outbox:
 * entries leave the queue when the cloud answered for them. Files stay small (segments).
 */
export interface Journal {
  /** Assigns `seq`, writes durably (fsync'd) and resolves only when it is on disk. */
  append(tx: Omit<Tx, 'seq'>): Promise<Tx>;
  /** Several at once in one durable write (e.g. a sale and the enrolment it causes). */
  appendMany(txs: Omit<Tx, 'seq'>[]): Promise<Tx[]>;
  /** Oldest pending first, at most `limit`. */
  pending(limit: number): JournalEntry[];
  /** The pending entries of these customers (keys of `customerKeyOf`), oldest first; indexed. */
  pendingOf(customerKeys: readonly string[]): JournalEntry[];
  /** Records the cloud's answers durably: accepted/duplicate → synced, rejected → dead, retry → stays. */
  recordResults(results: TxResult[], at: string): Promise<void>;
  deadLetters(): JournalEntry[];
  /** Moves dead letters back to pending (all when ids omitted). Returns how many moved. */
  resend(ids?: string[]): Promise<number>;
  byReceipt(receiptId: string): JournalEntry[];
  byReturnId(returnId: string): JournalEntry | undefined;
  stats(now: number): { pending: number; oldestAgeSec: number; deadLetter: number; total: number };
  /** Deletes segments whose entries are all synced and older than the retention. */
  compact(now: number, retentionMs: number): Promise<number>;
}

// ---------------------------------------------------------------- open receipts (calculated, not confirmed)

export interface OpenReceipt {
  receiptId: string;
  tillId: string;
  status: 'calculated' | 'cancelled';
  createdAt: string;
  expiresAt: string;
  at: string;
  offline: boolean;
  programVersion: string;
  customer: {
    id?: string;
    card?: string;
    phone?: string;
    tierId?: string;
    known: boolean;
    via: 'card' | 'phone' | 'qr';
  } | null;
  lines: ReceiptLineInput[];
  redeem?: RedeemRequest;
  coupons: CouponState[];
  holdId?: string;
  result: CalculationResult;
  /** The customer as shown to the cashier (masked), to show the receipt again. */
  customerView?: CustomerView | null;
}

export interface OpenReceipts {
  get(receiptId: string): OpenReceipt | undefined;
  /** Durable: a receipt with a hold must survive a crash so the hold is released. */
  put(receipt: OpenReceipt): Promise<void>;
  remove(receiptId: string): Promise<void>;
  all(): OpenReceipt[];
}

// ---------------------------------------------------------------- customer cache

export interface CustomerCache {
  byCard(card: string): CachedCustomer | undefined;
  byPhoneHash(hash: string): CachedCustomer | undefined;
  byId(id: string): CachedCustomer | undefined;
  /** Applies a page of changes (upserts and deletions) durably. */
  apply(changes: CachedCustomer[]): Promise<void>;
  size(): number;
  updatedAt(): string | null;
}

// ---------------------------------------------------------------- small durable key/value state

export interface SyncState {
  customersCursor?: string;
  /** ISO time of the last customers pull that reached the cloud (the cache's freshness). */
  customersPulledAt?: string;
  /**
   * The till's time just before the last request of a pull that reached the end of the feed
   * (`more: false`): every cached entry is known current as of then (the feed carries every change,
   * time's included). A pull cut off half-way does not move it.
   */
  customersCurrentAsOf?: string;
  programEtag?: string;
  lastSyncAt?: string;
  lastError?: string;
  /** Offline-redeemed points per customer id since the last successful sync. */
  offlineRedeemed: Record<string, number>;
  /** QR token ids already accepted, with their expiry (ms), for replay protection. */
  usedQrTokens: Record<string, number>;
  /**
   * The sale each accepted QR token serves (see QrTokenSale), by token id; kept until the token
   * expires. A token id in `usedQrTokens` without an entry here was accepted before sales were
   * recorded: any further use is refused.
   */
  qrTokenSales?: Record<string, QrTokenSale>;
  qrKeys: QrKey[];
}

/** The one sale a QR token serves: the till that first accepted it and the receipt it was used for. */
export interface QrTokenSale {
  tillId: string;
  /** The receipt of the first calculate that used the token; absent while only identified. */
  receiptId?: string;
  /** The token's expiry (ms). */
  expiresAt: number;
}

export interface StateStore<T> {
  read(): T;
  /** Durable replace/update. */
  update(fn: (draft: T) => void): Promise<void>;
}

// ---------------------------------------------------------------- the cloud, as the agent sees it

export interface CloudCustomerLookup {
  customer: CachedCustomer;
}

/** A receipt this agent did not record, as the cloud knows it (for a return at this store). */
export type CloudReceiptLookup =
  | { kind: 'found'; receipt: ReceiptForReturn }
  | { kind: 'missing' }
  /** Several stores sold a receipt with this id: the till must name the store. */
  | { kind: 'ambiguous'; storeIds: string[] };

/**
 * What is left of one till request's online deadline (see OnlineDeadline). A call given a budget
 * waits at most the smaller of its own deadline and what remains, and is not made when none does.
 */
export interface CallBudget {
  remainingMs(): number;
}

/** The cloud's answer to an identify: the customer, nobody by that key, or a QR token it refuses. */
export type CloudIdentifyResult =
  | { kind: 'found'; lookup: CloudCustomerLookup }
  | { kind: 'unknown' }
  | { kind: 'refused' };

/** The cloud's answer to a hold: placed, or the customer has fewer free points than asked. */
export type CloudHoldResult = { kind: 'held'; holdId: string; expiresAt: string } | { kind: 'insufficient' };

/**
 * Online calls. Each resolves within its deadline with the cloud's answer (results, not errors with
 * codes), or rejects when there is no answer (unreachable, late, unreadable); callers fall back to the cache.
 */
export interface CloudGateway {
  identify(
    q: { card?: string; phone?: string; qr?: string },
    budget?: CallBudget,
  ): Promise<CloudIdentifyResult>;
  createHold(
    h: {
      holdId: string;
      customerId: string;
      points: number;
      receiptId: string;
      ttlSec: number;
    },
    budget?: CallBudget,
  ): Promise<CloudHoldResult>;
  releaseHold(holdId: string, budget?: CallBudget): Promise<void>;
  requestCode(q: { customerId: string; receiptId: string }): Promise<void>;
  verifyCode(q: { customerId: string; receiptId: string; code: string }): Promise<boolean>;
  checkCoupons(q: { codes: string[]; customerId?: string }, budget?: CallBudget): Promise<CouponState[]>;
  /** A sale from any store of the chain with the returns already applied to it (rejects when unreachable). */
  fetchReceipt(q: { receiptId: string; storeId?: string }): Promise<CloudReceiptLookup>;
}

export type { Fiscal };
