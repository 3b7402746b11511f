// The till's operations (POS-API.md) behind one face: calculate, confirm, cancel, return, read back.
// The sale never waits on the network longer than the online deadline; what is confirmed is on disk
// before the answer; every confirmed sale, return and enrolment lands in the outbox exactly once.
// The work is done by collaborators sharing one receipt book (receipt-book.ts): Calculator,
// Confirmer, Returns. This class wires them and implements the till API and the register sale's port.
import { randomUUID } from 'node:crypto';
import type { Fiscal } from '../protocol/sync.js';
import { Calculator } from './calculator.js';
import { Confirmer, type PrintedConfirmWaiver } from './confirmer.js';
import type { CustomerResolver } from './customer-resolver.js';
import { KnownCustomers } from './known-customers.js';
import { PhoneCodeCheck } from './phone-code.js';
import { PointsHolds } from './points-holds.js';
import type { CloudGateway, CustomerCache, Journal, OpenReceipt, OpenReceipts } from './ports.js';
import type { PrintedSale, ReceiptLookup } from './printed-sale.js';
import type { ProgramHolder } from './program-holder.js';
import { ReceiptBook } from './receipt-book.js';
import { calculationView, saleView } from './receipt-views.js';
import { Returns } from './returns.js';
import type {
  CalculateRequest,
  CalculateResponse,
  ConfirmRequest,
  ConfirmResponse,
  CustomerQuery,
  IdentifyResponse,
  ReceiptView,
  ReturnRequest,
  ReturnResponse,
  TillApi,
} from './till-api.js';

export type { PrintedConfirmWaiver } from './confirmer.js';

export interface TillServiceOptions {
  storeId: string;
  timezone: string;
  receiptTtlSec: number;
  /** Offline, a cached customer whose data is older than this gets the base tier (customer-view.ts). */
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

export class TillService implements TillApi, PrintedSale {
  private readonly book: ReceiptBook;
  private readonly calculator: Calculator;
  private readonly confirmer: Confirmer;
  private readonly returns: Returns;

  constructor(o: TillServiceOptions) {
    const newId = o.newId ?? randomUUID;
    const book = new ReceiptBook(o.journal, o.openReceipts);
    const customers = new KnownCustomers(o);
    const holds = new PointsHolds({ cloud: o.cloud, ttlSec: o.receiptTtlSec, newId });
    this.book = book;
    this.calculator = new Calculator({ ...o, book, customers, holds });
    this.confirmer = new Confirmer({
      book,
      customers,
      holds,
      codes: new PhoneCodeCheck(o),
      sale: { storeId: o.storeId, timezone: o.timezone, newId },
      now: o.now,
      onJournalAppend: o.onJournalAppend,
    });
    this.returns = new Returns({ ...o, book, newId });
  }

  /** Devices that show the receipt (customer display) listen here; a failing listener is ignored. */
  onCalculated(cb: (tillId: string, res: CalculateResponse) => void): () => void {
    return this.calculator.onCalculated(cb);
  }

  /**
   * Runs `work` as the only operation on the receipt: calls of this service about it made from
   * inside `work` are part of it and run at once; every other one waits until `work` has ended.
   */
  exclusive<T>(receiptId: string, work: () => Promise<T>): Promise<T> {
    return this.book.exclusive(receiptId, work);
  }

  /** Receipts (and returnIds) with an operation running or waiting: 0 when the till is idle. */
  get receiptsInProgress(): number {
    return this.book.inProgress;
  }

  identify(tillId: string, q: CustomerQuery): Promise<IdentifyResponse> {
    return this.calculator.identify(tillId, q);
  }

  calculate(tillId: string, req: CalculateRequest): Promise<CalculateResponse> {
    return this.calculator.calculate(tillId, req);
  }

  confirm(tillId: string, receiptId: string, req: ConfirmRequest): Promise<ConfirmResponse> {
    return this.confirmer.confirm(tillId, receiptId, req);
  }

  precheckConfirm(tillId: string, receiptId: string, code: string | undefined): Promise<void> {
    return this.confirmer.precheckConfirm(tillId, receiptId, code);
  }

  confirmPrinted(
    tillId: string,
    receiptId: string,
    req: ConfirmRequest & { fiscal: Fiscal },
    o: { evenIfCancelled?: boolean } = {},
  ): Promise<ConfirmResponse & { waived: PrintedConfirmWaiver[] }> {
    return this.confirmer.confirmPrinted(tillId, receiptId, req, o);
  }

  cancel(tillId: string, receiptId: string): Promise<{ receiptId: string; status: 'cancelled' }> {
    return this.confirmer.cancel(tillId, receiptId);
  }

  /** The TTL reaper's cancel: nothing happens when the receipt changed since it was `seen`. */
  cancelOpen(seen: OpenReceipt): Promise<void> {
    return this.confirmer.cancelOpen(seen);
  }

  createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    return this.returns.createReturn(tillId, req);
  }

  async get(receiptId: string): Promise<ReceiptView> {
    const sale = this.book.saleOf(receiptId);
    if (sale) return { ...saleView(sale.tx), synced: sale.state === 'synced' };
    const open = this.book.calculation(receiptId, 'не найден');
    return { ...calculationView(open, open.customerView ?? null, open.status), synced: false };
  }

  lookUp(receiptId: string): ReceiptLookup {
    const sale = this.book.saleOf(receiptId);
    if (sale) {
      const tx = sale.tx;
      return { status: 'confirmed', view: saleView(tx), fiscal: tx.fiscal, payments: tx.payments };
    }
    return { status: this.book.openReceipts.get(receiptId)?.status ?? 'unknown' };
  }
}
