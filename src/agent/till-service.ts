// The till's operations (POS-API.md): calculate, confirm, cancel, return, read back. The sale never
// waits on the network longer than the online deadline; what is confirmed is on disk before the
// answer; every confirmed sale, return and enrolment lands in the outbox exactly once.
import { randomUUID } from 'node:crypto';
import { calculate, computeReturn, DomainError, returnedSoFar } from '../domain/index.js';
import type {
  CalculationInput,
  CalculationResult,
  CouponState,
  CustomerSnapshot,
  ReturnedSoFar,
} from '../domain/types.js';
import { customerKeyOf } from '../protocol/customer-key.js';
import type { Fiscal, ReceiptForReturn, Tx } from '../protocol/sync.js';
import type { CustomerResolver, ResolvedCustomer } from './customer-resolver.js';
import {
  type Balance,
  cachedEntryIsStale,
  customerView,
  newcomerSnapshot,
  toSnapshot,
} from './customer-view.js';
import { KeyedLock } from './keyed-lock.js';
import { addBalances, unsyncedEffect } from './local-balance.js';
import { OnlineDeadline } from './online-deadline.js';
import { changeOf, checkPayments, dueAtConfirm } from './payments-check.js';
import type {
  CallBudget,
  CloudGateway,
  CloudReceiptLookup,
  CustomerCache,
  Journal,
  JournalEntry,
  OpenReceipt,
  OpenReceipts,
} from './ports.js';
import type { ProgramHolder } from './program-holder.js';
import { returnTx, saleForReturn, soldLinesOf } from './return-tx.js';
import {
  type CalculateRequest,
  type CalculateResponse,
  type ConfirmRequest,
  type ConfirmResponse,
  type CustomerQuery,
  type CustomerView,
  type IdentifyResponse,
  type ReceiptView,
  type ReturnRequest,
  type ReturnResponse,
  type TillApi,
  TillError,
} from './till-api.js';

export interface TillServiceOptions {
  storeId: string;
  timezone: string;
  receiptTtlSec: number;
  /** Offline, a cached customer whose data (its `updatedAt`) is older than this gets the base tier. */
  cacheMaxAgeMs: number;
  /** Since when every cached customer is known current (the last pull that read the whole feed). */
  cacheCurrentAsOf?: () => string | null;
  program: ProgramHolder;
  journal: Journal;
  openReceipts: OpenReceipts;
  cache: CustomerCache;
  resolver: CustomerResolver;
  cloud: CloudGateway | null;
  /** The sync engine's view: was the last call to the cloud successful? */
  cloudOnline: () => boolean;
  now: () => Date;
  newId?: () => string;
  /** Called after each durable confirm (the sync client pushes soon after). */
  onJournalAppend?: () => void;
  /** One budget for all cloud calls of one identify or calculate (MECHANICS: default 800 ms). */
  onlineDeadlineMs?: number;
  /** Monotonic ms for that budget (tests move it); performance.now by default. */
  monotonic?: () => number;
}

/** What `confirmPrinted` let through that a till's confirm would have refused. */
export type PrintedConfirmWaiver = 'hold-expired' | 'cancelled';

export class TillService implements TillApi {
  private readonly newId: () => string;
  private readonly verifiedCodes = new Map<string, string>();
  /**
   * One operation at a time per receipt (calculate, confirm, cancel, returns against it, a register
   * sale) and per returnId: each waits on the cloud or the disk between its checks and its write.
   */
  private readonly receiptLock = new KeyedLock();
  private readonly calculatedListeners = new Set<(tillId: string, res: CalculateResponse) => void>();

  /** Devices that show the receipt (customer display) listen here; a failing listener is ignored. */
  onCalculated(cb: (tillId: string, res: CalculateResponse) => void): () => void {
    this.calculatedListeners.add(cb);
    return () => this.calculatedListeners.delete(cb);
  }

  constructor(private readonly o: TillServiceOptions) {
    this.newId = o.newId ?? randomUUID;
  }

  // ------------------------------------------------------------------ identify

  async identify(tillId: string, q: CustomerQuery): Promise<IdentifyResponse> {
    const resolved = await this.o.resolver.resolve(tillId, q, { budget: this.onlineBudget() });
    if (!resolved.customer)
      throw new TillError(404, 'CUSTOMER_NOT_FOUND', 'Покупатель с такой картой или телефоном не найден');
    const at = this.o.now().toISOString();
    const { snapshot } = this.snapshotOf(resolved);
    return {
      customer: customerView(this.o.program.current(), resolved, snapshot, at, this.o.timezone),
      source: resolved.source === 'cloud' ? 'cloud' : 'cache',
    };
  }

  // ------------------------------------------------------------------ calculate

  /**
   * Runs `work` as the only operation on the receipt: calls of this service about it made from
   * inside `work` are part of it and run at once; every other one waits until `work` has ended.
   */
  exclusive<T>(receiptId: string, work: () => Promise<T>): Promise<T> {
    return this.receiptLock.run([receiptKey(receiptId)], work);
  }

  /** Receipts (and returnIds) with an operation running or waiting: 0 when the till is idle. */
  get receiptsInProgress(): number {
    return this.receiptLock.size;
  }

  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    return this.exclusive(req.receiptId, () => this.calculateNow(tillId, req));
  }

  private async calculateNow(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    this.refuseIfConfirmed(req.receiptId);
    const previous = this.o.openReceipts.get(req.receiptId);
    if (previous?.status === 'cancelled') {
      throw new TillError(409, 'RECEIPT_CANCELLED', `Чек ${req.receiptId} отменён: начните новый чек`);
    }
    if (previous && previous.tillId !== tillId) {
      throw new TillError(409, 'RECEIPT_OTHER_TILL', `Чек ${req.receiptId} открыт на другой кассе`);
    }
    const now = this.o.now();
    const at = req.at ?? now.toISOString();
    const program = this.o.program.current();

    // Every cloud call below shares this one budget: a hanging cloud costs the deadline once.
    const budget = this.onlineBudget();
    const resolved = req.customer
      ? await this.o.resolver.resolve(tillId, req.customer, { receiptId: req.receiptId, budget })
      : null;
    const coupons = await this.checkCoupons(req.coupons ?? [], resolved?.customer?.id, budget);
    let offline = resolved ? resolved.offline : !this.o.cloud || !this.o.cloudOnline();
    if (coupons.offline) offline = true;

    const who = resolved ? this.snapshotOf(resolved, offline) : null;
    const base: CalculationInput = {
      program,
      lines: req.lines,
      at,
      timezone: this.o.timezone,
      customer: who?.snapshot ?? null,
      redeem: req.redeem,
      coupons: coupons.states,
      offline,
      offlineRedeemedSinceSync: who?.offlineRedeemed ?? 0,
      redeemAllowed: !!resolved?.customer && !(resolved.via === 'phone' && offline),
      enrolling: !!resolved && !resolved.customer,
    };
    let result = this.run(base);
    // An unknown phone that does not reach the enrolment amount is not a customer of this sale.
    let customerResolved = resolved;
    if (resolved && !resolved.customer && resolved.via === 'phone' && !result.enrolled) {
      customerResolved = null;
      result = this.run({ ...base, customer: null, enrolling: false, redeemAllowed: false });
    }

    // Online redemption holds the points in the cloud until the receipt is confirmed or cancelled.
    let holdId: string | undefined;
    if (previous?.holdId) await this.releaseHold(previous.holdId, budget);
    if (result.totals.redeemedPoints > 0 && !offline && this.o.cloud && resolved?.customer) {
      const hold = await this.placeHold(
        req.receiptId,
        resolved.customer.id,
        result.totals.redeemedPoints,
        budget,
      );
      if (hold.kind === 'held') holdId = hold.holdId;
      else if (hold.kind === 'insufficient') {
        result = this.run({ ...base, redeem: undefined });
        result.messages.unshift('Недостаточно баллов для оплаты: баллы не списаны');
      } else {
        // The cloud did not answer in time: judge the receipt as offline, with the offline allowance.
        offline = true;
        result = this.run({ ...base, offline: true });
      }
    }

    const expiresAt = new Date(now.getTime() + this.o.receiptTtlSec * 1000).toISOString();
    const open: OpenReceipt = {
      receiptId: req.receiptId,
      tillId,
      status: 'calculated',
      createdAt: now.toISOString(),
      expiresAt,
      at,
      offline,
      programVersion: program.version,
      customer: customerResolved
        ? {
            id: customerResolved.customer?.id,
            card: customerResolved.card,
            phone: customerResolved.phone,
            tierId: result.tier?.id,
            known: !!customerResolved.customer,
            via: customerResolved.via,
          }
        : null,
      lines: req.lines,
      redeem: req.redeem,
      coupons: coupons.states,
      holdId,
      result,
    };
    const view =
      customerResolved && who
        ? customerView(program, customerResolved, who.snapshot, at, this.o.timezone)
        : null;
    open.customerView = view;
    await this.o.openReceipts.put(open);
    const response = this.responseOf(open, view, 'calculated');
    for (const l of this.calculatedListeners) {
      try {
        l(tillId, response);
      } catch {
        // a display problem never fails a receipt
      }
    }
    return response;
  }

  // ------------------------------------------------------------------ confirm

  confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    return this.exclusive(receiptId, () => this.confirmNow(tillId, receiptId, req));
  }

  private async confirmNow(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    const done = this.saleOf(receiptId);
    if (done) return this.confirmResponse(done.tx);
    const open = this.o.openReceipts.get(receiptId);
    if (!open) throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${receiptId} не рассчитан`);
    if (open.status === 'cancelled')
      throw new TillError(409, 'RECEIPT_CANCELLED', `Чек ${receiptId} отменён`);
    if (open.tillId !== tillId)
      throw new TillError(409, 'RECEIPT_OTHER_TILL', `Чек ${receiptId} открыт на другой кассе`);
    if (open.holdId && Date.parse(open.expiresAt) < this.o.now().getTime()) {
      throw new TillError(
        409,
        'RECEIPT_EXPIRED',
        `Резерв баллов по чеку ${receiptId} истёк: рассчитайте чек заново`,
      );
    }
    if (req.payments && req.payments.length > 0) {
      const r = open.result;
      checkPayments(req.payments, dueAtConfirm(req.payments, r.totals.toPay, r.pointsPayment));
    }
    await this.checkCode(open, req.code);
    return this.recordSale(open, req);
  }

  /**
   * Confirms a receipt the register has printed (a register sale, its recovery after a crash, or a
   * person settling one held for review). The fiscal document makes it a sale: the customer paid
   * what was printed. So an expired points hold does not stop it — the transaction still names the
   * hold and the redeemed points, and the cloud books them and records that the hold had expired
   * (any shortfall is owed) — and neither does a phone code, which was checked before printing.
   * A receipt cancelled meanwhile is a conflict only a person settles: refused unless
   * `evenIfCancelled`. `waived` names what a till's confirm would have refused.
   */
  confirmPrinted(
    tillId: string,
    receiptId: string,
    req: ConfirmRequest & { fiscal: Fiscal },
    o: { evenIfCancelled?: boolean } = {},
  ): Promise<ConfirmResponse & { waived: PrintedConfirmWaiver[] }> {
    return this.exclusive(receiptId, () => this.confirmPrintedNow(tillId, receiptId, req, o));
  }

  private async confirmPrintedNow(
    tillId: string,
    receiptId: string,
    req: ConfirmRequest & { fiscal: Fiscal },
    o: { evenIfCancelled?: boolean },
  ): Promise<ConfirmResponse & { waived: PrintedConfirmWaiver[] }> {
    const done = this.saleOf(receiptId);
    if (done) return { ...this.confirmResponse(done.tx), waived: [] };
    const open = this.o.openReceipts.get(receiptId);
    if (!open) throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${receiptId} не рассчитан`);
    if (open.tillId !== tillId)
      throw new TillError(409, 'RECEIPT_OTHER_TILL', `Чек ${receiptId} открыт на другой кассе`);
    const waived: PrintedConfirmWaiver[] = [];
    if (open.status === 'cancelled') {
      if (!o.evenIfCancelled) throw new TillError(409, 'RECEIPT_CANCELLED', `Чек ${receiptId} отменён`);
      waived.push('cancelled');
    } else if (open.holdId && Date.parse(open.expiresAt) < this.o.now().getTime()) {
      waived.push('hold-expired');
    }
    return { ...(await this.recordSale(open, req)), waived };
  }

  /** Appends the sale (and its enrolment) to the journal: from here the receipt is confirmed. */
  private async recordSale(open: OpenReceipt, req: ConfirmRequest): Promise<ConfirmResponse> {
    const receiptId = open.receiptId;
    const txs = this.buildSaleTxs(open, req);
    await this.o.journal.appendMany(txs);
    // The sale is durable from here. Removing the open receipt is housekeeping: the answer does not
    // wait for it (one fsync less per confirm); a copy a crash leaves behind is removed at start.
    void this.o.openReceipts.remove(receiptId).catch(() => undefined);
    this.o.onJournalAppend?.();
    const sale = this.saleOf(receiptId);
    if (!sale) throw new Error(`journal lost receipt ${receiptId} right after appending it`);
    return this.confirmResponse(sale.tx);
  }

  /** The checks of confirm that need no write: a register sale runs them before printing. */
  precheckConfirm(tillId: string, receiptId: string, code: string | undefined): Promise<void> {
    return this.exclusive(receiptId, () => this.precheckConfirmNow(tillId, receiptId, code));
  }

  private async precheckConfirmNow(
    tillId: string,
    receiptId: string,
    code: string | undefined,
  ): Promise<void> {
    const open = this.o.openReceipts.get(receiptId);
    if (!open) throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${receiptId} не рассчитан`);
    if (open.status === 'cancelled')
      throw new TillError(409, 'RECEIPT_CANCELLED', `Чек ${receiptId} отменён`);
    if (open.tillId !== tillId)
      throw new TillError(409, 'RECEIPT_OTHER_TILL', `Чек ${receiptId} открыт на другой кассе`);
    await this.checkCode(open, code);
  }

  /** The fiscal document a confirmed sale was printed with, if any. */
  fiscalOf(receiptId: string): Tx['fiscal'] | undefined {
    return this.saleOf(receiptId)?.tx.fiscal;
  }

  /** The payments a confirmed sale was recorded with, if any. */
  paymentsOf(receiptId: string): Tx['payments'] {
    return this.saleOf(receiptId)?.tx.payments;
  }

  // ------------------------------------------------------------------ cancel

  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }> {
    return this.exclusive(receiptId, () => this.cancelNow(tillId, receiptId));
  }

  private async cancelNow(
    tillId: string,
    receiptId: string,
  ): Promise<{ receiptId: string; status: 'cancelled' }> {
    if (this.saleOf(receiptId)) {
      throw new TillError(409, 'RECEIPT_CONFIRMED', `Чек ${receiptId} уже проведён: оформите возврат`);
    }
    const open = this.o.openReceipts.get(receiptId);
    if (!open) throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${receiptId} не найден`);
    if (open.tillId !== tillId)
      throw new TillError(409, 'RECEIPT_OTHER_TILL', `Чек ${receiptId} открыт на другой кассе`);
    if (open.status !== 'cancelled') await this.tombstone(open);
    return { receiptId, status: 'cancelled' };
  }

  /**
   * The TTL reaper's cancel of a calculation it found expired. It takes its turn like a till's
   * cancel and does nothing when, meanwhile, the receipt was confirmed, cancelled or calculated again.
   */
  cancelOpen(seen: OpenReceipt): Promise<void> {
    return this.exclusive(seen.receiptId, async () => {
      if (this.saleOf(seen.receiptId)) return;
      const open = this.o.openReceipts.get(seen.receiptId);
      if (open?.status !== 'calculated' || open.expiresAt !== seen.expiresAt) return;
      await this.tombstone(open);
    });
  }

  /** Releases the hold and keeps a tombstone so a late confirm is refused. */
  private async tombstone(open: OpenReceipt): Promise<void> {
    if (open.holdId) await this.releaseHold(open.holdId);
    await this.o.openReceipts.put({ ...open, status: 'cancelled', holdId: undefined });
  }

  // ------------------------------------------------------------------ read back

  async get(receiptId: string): Promise<ReceiptView> {
    const sale = this.saleOf(receiptId);
    if (sale) return { ...this.viewOfTx(sale.tx), synced: sale.state === 'synced' };
    const open = this.o.openReceipts.get(receiptId);
    if (!open) throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${receiptId} не найден`);
    return { ...this.responseOf(open, open.customerView ?? null, open.status), synced: false };
  }

  // ------------------------------------------------------------------ returns

  async createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    return this.receiptLock.run([receiptKey(req.receiptId), `return:${req.returnId}`], () =>
      this.createReturnNow(tillId, req),
    );
  }

  private async createReturnNow(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    const earlier = this.o.journal.byReturnId(req.returnId);
    if (earlier) {
      if (earlier.tx.receiptId !== req.receiptId) {
        throw new TillError(
          409,
          'RETURN_ID_CONFLICT',
          `Возврат ${req.returnId} уже оформлен по другому чеку`,
        );
      }
      return returnResponse(earlier.tx);
    }
    const local = this.saleOf(req.receiptId);
    const original = local ? await this.ownOriginal(local.tx, req) : await this.foreignOriginal(req);
    if ('answer' in original) return original.answer;

    const program = this.o.program.current();
    const result = computeReturn(
      soldLinesOf(original.sale),
      original.returned,
      req.lines,
      program.pointValue,
    );
    const tx = returnTx(original.sale, result, {
      id: this.newId(),
      storeId: this.o.storeId,
      tillId,
      at: this.o.now().toISOString(),
      // A foreign original was just read from the cloud: that return is taken online.
      offline: local ? !this.o.cloud || !this.o.cloudOnline() : false,
      returnId: req.returnId,
      timezone: this.o.timezone,
      ...(original.originalStoreId !== undefined && { originalStoreId: original.originalStoreId }),
    });
    await this.o.journal.append(tx);
    this.o.onJournalAppend?.();
    const stored = this.o.journal.byReturnId(req.returnId);
    if (!stored) throw new Error(`journal lost return ${req.returnId} right after appending it`);
    return returnResponse(stored.tx);
  }

  /**
   * A sale of this agent's journal. Returns of it taken at other stores are known only to the
   * cloud: they are asked for while the cloud is online (within the online deadline), but a local
   * return never waits on a cloud that is down — it then counts what this agent knows.
   */
  private async ownOriginal(
    sale: Tx,
    req: ReturnRequest,
  ): Promise<ReturnOriginal | { answer: ReturnResponse }> {
    let inCloud: ReceiptForReturn | null = null;
    if (this.o.cloud && this.o.cloudOnline()) {
      try {
        const lookup = await this.o.cloud.fetchReceipt({
          receiptId: sale.receiptId,
          storeId: this.o.storeId,
        });
        if (lookup.kind === 'found') inCloud = lookup.receipt;
      } catch {
        // the cloud did not answer in time: the journal's own returns are all there is to count
      }
    }
    const known = inCloud && this.knownReturn(inCloud, req.returnId);
    if (known) return { answer: known };
    return { sale, returned: this.returnedOf(sale.receiptId, this.o.storeId, inCloud?.returns ?? []) };
  }

  /**
   * The original of a receipt this agent did not record (another store's, or one from before the
   * data dir was replaced), read from the cloud within the online deadline, with everything
   * returned of it so far: in the cloud from any store, plus this agent's returns not yet there.
   */
  private async foreignOriginal(req: ReturnRequest): Promise<ReturnOriginal | { answer: ReturnResponse }> {
    if (!this.o.cloud) {
      throw new TillError(404, 'RECEIPT_NOT_FOUND', `Чек ${req.receiptId} не найден на этой кассе`);
    }
    let lookup: CloudReceiptLookup;
    try {
      lookup = await this.o.cloud.fetchReceipt({
        receiptId: req.receiptId,
        ...(req.storeId !== undefined && { storeId: req.storeId }),
      });
    } catch (err) {
      throw new TillError(
        503,
        'CLOUD_UNAVAILABLE',
        `Чека ${req.receiptId} нет на этой кассе, а сервер лояльности сейчас не отвечает: ` +
          'возврат по чеку другого магазина можно оформить, когда связь восстановится',
        [reasonOf(err)],
      );
    }
    if (lookup.kind === 'missing') {
      const where = req.storeId === undefined ? '' : ` магазина ${req.storeId}`;
      throw new TillError(
        404,
        'RECEIPT_NOT_FOUND',
        `Чек ${req.receiptId}${where} не найден ни на этой кассе, ни на сервере лояльности`,
      );
    }
    if (lookup.kind === 'ambiguous') {
      throw new TillError(
        409,
        'RECEIPT_AMBIGUOUS',
        `Чек ${req.receiptId} пробит в нескольких магазинах (${lookup.storeIds.join(', ')}): ` +
          'укажите магазин покупки (storeId)',
        lookup.storeIds,
      );
    }
    const receipt = lookup.receipt;
    const known = this.knownReturn(receipt, req.returnId);
    if (known) return { answer: known };
    return {
      sale: saleForReturn(receipt),
      returned: this.returnedOf(receipt.receiptId, receipt.storeId, receipt.returns),
      originalStoreId: receipt.storeId,
    };
  }

  /** This store already took this very return and the cloud has it (the journal no longer does). */
  private knownReturn(receipt: ReceiptForReturn, returnId: string): ReturnResponse | null {
    const record = receipt.returns.find((r) => r.returnId === returnId && r.storeId === this.o.storeId);
    if (!record?.refund) return null;
    return { returnId, status: 'confirmed', refund: record.refund, lines: record.lines };
  }

  /**
   * What was returned of the sale `saleStoreId` made under this receipt id: the cloud's returns
   * (any store) plus this agent's own ones the cloud has not applied yet, each counted once.
   */
  private returnedOf(
    receiptId: string,
    saleStoreId: string,
    inCloud: ReceiptForReturn['returns'],
  ): Record<string, ReturnedSoFar> {
    const cloudIds = new Set(inCloud.map((r) => r.id));
    const mine = this.o.journal
      .byReceipt(receiptId)
      .filter(
        (e) =>
          e.tx.kind === 'return' &&
          !cloudIds.has(e.tx.id) &&
          (e.tx.originalStoreId ?? e.tx.storeId) === saleStoreId,
      );
    return returnedSoFar([...inCloud.map((r) => r.lines), ...mine.map((e) => e.tx.lines)]);
  }

  // ------------------------------------------------------------------ internals

  private onlineBudget(): OnlineDeadline {
    return new OnlineDeadline(this.o.onlineDeadlineMs ?? 800, this.o.monotonic);
  }

  private run(input: CalculationInput): CalculationResult {
    try {
      return calculate(input);
    } catch (err) {
      if (err instanceof DomainError) throw new TillError(400, err.code, err.message, err.details);
      throw err;
    }
  }

  private refuseIfConfirmed(receiptId: string): void {
    if (this.saleOf(receiptId)) {
      throw new TillError(409, 'RECEIPT_CONFIRMED', `Чек ${receiptId} уже проведён`);
    }
  }

  private saleOf(receiptId: string): JournalEntry | undefined {
    return this.o.journal.byReceipt(receiptId).find((e) => e.tx.kind === 'sale');
  }

  /** The customer as the engine sees them: cache balance plus what is still in our outbox. */
  private snapshotOf(
    resolved: ResolvedCustomer,
    offline = resolved.offline,
  ): { snapshot: CustomerSnapshot; offlineRedeemed: number } {
    const program = this.o.program.current();
    const keys = [
      resolved.customer ? `id:${resolved.customer.id}` : null,
      resolved.card ? `card:${resolved.card}` : null,
      resolved.phone ? `phone:${resolved.phone}` : null,
    ].filter((k): k is string => k !== null);
    const effect = unsyncedEffect(this.o.journal, keys, program);
    if (!resolved.customer) {
      const s = newcomerSnapshot();
      return {
        snapshot: { ...s, balance: addBalances(s.balance, effect.balance) },
        offlineRedeemed: effect.offlineRedeemed,
      };
    }
    const balance: Balance = addBalances(resolved.customer.balance, effect.balance);
    balance.available = Math.max(0, balance.available);
    return {
      snapshot: toSnapshot(
        resolved.customer,
        balance,
        // A store without a cloud has nothing to refresh its cache from: it works from what it has.
        offline &&
          resolved.source === 'cache' &&
          this.o.cloud !== null &&
          cachedEntryIsStale(
            resolved.customer,
            this.o.now().getTime(),
            this.o.cacheMaxAgeMs,
            this.o.cacheCurrentAsOf?.() ?? null,
          ),
      ),
      offlineRedeemed: effect.offlineRedeemed,
    };
  }

  private async checkCoupons(
    codes: string[],
    customerId: string | undefined,
    budget: CallBudget,
  ): Promise<{ states: CouponState[]; offline: boolean }> {
    if (codes.length === 0) return { states: [], offline: false };
    if (this.o.cloud) {
      try {
        const states = await this.o.cloud.checkCoupons({ codes, customerId }, budget);
        const byCode = new Map(states.map((s) => [s.code, s]));
        return {
          states: codes.map((code) => byCode.get(code) ?? { code, status: 'unknown' }),
          offline: false,
        };
      } catch {
        // fall through: a coupon cannot be checked without the cloud
      }
    }
    return { states: codes.map((code) => ({ code, status: 'unknown' })), offline: true };
  }

  private async placeHold(
    receiptId: string,
    customerId: string,
    points: number,
    budget: CallBudget,
  ): Promise<{ kind: 'held'; holdId: string } | { kind: 'insufficient' } | { kind: 'unreachable' }> {
    const holdId = this.newId();
    try {
      await this.o.cloud!.createHold(
        { holdId, customerId, points, receiptId, ttlSec: this.o.receiptTtlSec },
        budget,
      );
      return { kind: 'held', holdId };
    } catch (err) {
      if ((err as { code?: string }).code === 'INSUFFICIENT_POINTS') return { kind: 'insufficient' };
      return { kind: 'unreachable' };
    }
  }

  private async releaseHold(holdId: string, budget?: CallBudget): Promise<void> {
    // Best effort: a hold that cannot be released now expires by its TTL in the cloud. One that did
    // not fit the request's budget is tried once more off the sale's clock (nobody waits on it).
    await this.o.cloud?.releaseHold(holdId, budget).catch(() => {
      if (budget) void this.o.cloud?.releaseHold(holdId).catch(() => undefined);
    });
  }

  private async checkCode(open: OpenReceipt, code: string | undefined): Promise<void> {
    const program = this.o.program.current();
    const needs =
      open.customer?.via === 'phone' &&
      open.result.totals.redeemedPoints > 0 &&
      program.redemption.confirmPhone;
    if (!needs) return;
    if (code && this.verifiedCodes.get(open.receiptId) === code) return;
    const customerId = open.customer?.id;
    if (!this.o.cloud || !customerId) {
      throw new TillError(
        403,
        'CODE_REQUIRED',
        'Оплата баллами по телефону требует связи с сервером: рассчитайте чек без баллов',
      );
    }
    if (!code) {
      await this.o.cloud.requestCode({ customerId, receiptId: open.receiptId }).catch(() => undefined);
      throw new TillError(403, 'CODE_REQUIRED', 'Спросите у покупателя код из SMS');
    }
    let ok = false;
    try {
      ok = await this.o.cloud.verifyCode({ customerId, receiptId: open.receiptId, code });
    } catch {
      throw new TillError(
        403,
        'CODE_INVALID',
        'Код сейчас не проверить (нет связи): рассчитайте чек без баллов',
      );
    }
    if (!ok) throw new TillError(403, 'CODE_INVALID', 'Неверный код: попросите покупателя проверить SMS');
    // A register sale checks the code before printing and confirms after: ask the cloud once.
    this.verifiedCodes.set(open.receiptId, code);
    if (this.verifiedCodes.size > 1000) this.verifiedCodes.delete(this.verifiedCodes.keys().next().value!);
  }

  private buildSaleTxs(open: OpenReceipt, req: ConfirmRequest): Omit<Tx, 'seq'>[] {
    const r = open.result;
    const customer: Tx['customer'] = {};
    if (open.customer?.id) customer.id = open.customer.id;
    if (open.customer?.card) customer.card = open.customer.card;
    if (open.customer?.phone) customer.phone = open.customer.phone;
    if (open.customer?.tierId) customer.tierId = open.customer.tierId;
    const common = {
      storeId: this.o.storeId,
      tillId: open.tillId,
      at: open.at,
      offline: open.offline,
      programVersion: open.programVersion,
      receiptId: open.receiptId,
      customer,
      timezone: this.o.timezone,
    };
    const byLine = new Map(r.lines.map((l) => [l.lineId, l]));
    const sale: Omit<Tx, 'seq'> = {
      ...common,
      id: this.newId(),
      kind: 'sale',
      ...(open.holdId && { holdId: open.holdId }),
      ...(open.coupons.length > 0 && { coupons: r.coupons }),
      lines: open.lines.map((l) => {
        const res = byLine.get(l.lineId)!;
        return {
          ...l,
          amount: res.amount,
          discount: res.discount,
          redeemed: res.redeemed,
          paid: res.paid,
          accruedPoints: res.accruedPoints,
          fiscalPositions: res.fiscalPositions,
        };
      }),
      totals: r.totals,
      ...(req.fiscal && { fiscal: req.fiscal }),
      ...(open.redeem && { redeem: open.redeem }),
      ...(req.payments && { payments: req.payments }),
      applied: r.applied,
      messages: r.messages,
      ...(r.pointsPayment && { pointsPayment: r.pointsPayment }),
      customerView: (open.customerView ?? null) as Record<string, unknown> | null,
    };
    if (!r.enrolled) return [sale];
    const bonus = r.applied.find((a) => a.kind === 'enrollment')?.points ?? 0;
    const enrolment: Omit<Tx, 'seq'> = {
      ...common,
      id: this.newId(),
      kind: 'enrolment',
      lines: [],
      totals: { amount: 0, discount: 0, redeemedPoints: 0, redeemedAmount: 0, toPay: 0, accruedPoints: 0 },
      bonusPoints: bonus,
    };
    return [enrolment, sale];
  }

  private confirmResponse(tx: Tx): ConfirmResponse {
    const res: ConfirmResponse = {
      receiptId: tx.receiptId,
      status: 'confirmed',
      totals: tx.totals,
      balance: this.balanceOf(tx),
    };
    if (tx.payments && tx.payments.length > 0) {
      res.change = changeOf(tx.payments, dueAtConfirm(tx.payments, tx.totals.toPay, tx.pointsPayment));
    }
    return res;
  }

  private balanceOf(tx: Tx): Balance {
    const key = customerKeyOf(tx.customer);
    const cached = tx.customer.id ? this.o.cache.byId(tx.customer.id) : undefined;
    const effect = unsyncedEffect(this.o.journal, key ? [key] : [], this.o.program.current());
    const balance = addBalances(cached?.balance ?? { available: 0, pending: 0 }, effect.balance);
    return { available: Math.max(0, balance.available), pending: balance.pending };
  }

  private responseOf(
    open: OpenReceipt,
    view: CustomerView | null,
    status: CalculateResponse['status'],
  ): CalculateResponse {
    const r = open.result;
    return {
      receiptId: open.receiptId,
      status,
      offline: open.offline,
      customer: view,
      lines: r.lines,
      totals: r.totals,
      applied: r.applied,
      coupons: r.coupons,
      messages: r.messages,
      expiresAt: open.expiresAt,
      ...(r.pointsPayment && { pointsPayment: r.pointsPayment }),
    };
  }

  private viewOfTx(tx: Tx): CalculateResponse {
    return {
      receiptId: tx.receiptId,
      status: 'confirmed',
      offline: tx.offline,
      customer: (tx.customerView ?? null) as CustomerView | null,
      lines: tx.lines.map((l) => ({
        lineId: l.lineId,
        amount: l.amount,
        discount: l.discount,
        redeemed: l.redeemed,
        paid: l.paid,
        accruedPoints: l.accruedPoints,
        fiscalPositions: l.fiscalPositions ?? [],
      })),
      totals: tx.totals,
      applied: tx.applied ?? [],
      coupons: tx.coupons ?? [],
      messages: tx.messages ?? [],
      expiresAt: tx.at,
      ...(tx.pointsPayment && { pointsPayment: tx.pointsPayment }),
    };
  }
}

/** The sale a return reverses and what earlier returns took of it. */
interface ReturnOriginal {
  sale: Tx;
  returned: Record<string, ReturnedSoFar>;
  /** The store that sold it, when the sale was read from the cloud. */
  originalStoreId?: string;
}

function returnResponse(tx: Tx): ReturnResponse {
  return {
    returnId: tx.returnId!,
    status: 'confirmed',
    refund: tx.refund!,
    lines: tx.lines.map((l) => ({
      lineId: l.lineId,
      qty: l.qty,
      paid: l.paid,
      redeemed: l.redeemed,
      accruedPoints: l.accruedPoints,
    })),
  };
}

/** The lock key of everything about one receipt (its sale and the returns against it). */
function receiptKey(receiptId: string): string {
  return `receipt:${receiptId}`;
}

/** Why the cloud could not answer, for the till's `details` (the sync errors carry no personal data). */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
