// POST /v1/sales: the agent calculates, prints the fiscal receipt with the prices after discount and a
// loyalty block, and confirms only after the register closed the receipt. A crash between printing
// and confirming is settled at start from the register's last document: neither lost nor doubled.
import { formatRub } from '../domain/index.js';
import type { FiscalDocument, FiscalRegister, FiscalReceiptRequest } from '../../drivers/register/types.js';
import { RegisterError } from '../../drivers/register/types.js';
import type { StateStore } from './ports.js';
import {
  type CalculateRequest,
  type CalculateResponse,
  type Payment,
  TillError,
} from './till-api.js';
import type { TillService } from './till-service.js';

export interface SaleRequest extends CalculateRequest {
  payments: Payment[];
  cashier?: { name: string; inn?: string };
  code?: string;
}

export interface SaleResponse extends CalculateResponse {
  fiscal: { fn: string; fd: string; fp: string; at: string };
}

/** A receipt being printed: written before the register is told to print. */
export interface PrintIntent {
  receiptId: string;
  tillId: string;
  startedAt: string;
  /** The register's last fiscal document before printing ('' when none). */
  fdBefore: string;
  payments: Payment[];
}

export interface PrintIntents {
  printing: Record<string, PrintIntent>;
}

export class RegisterSaleService {
  /** One receipt at a time goes to the register. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: {
      till: TillService;
      register: FiscalRegister;
      intents: StateStore<PrintIntents>;
      now: () => Date;
    },
  ) {}

  sell(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    const run = this.queue.then(() => this.sellNow(tillId, req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sellNow(tillId: string, req: SaleRequest): Promise<SaleResponse> {
    const done = await this.confirmedSale(req.receiptId);
    if (done) return done;

    const calc = await this.o.till.calculate(tillId, req);
    const due = calc.totals.toPay + (calc.pointsPayment?.amount ?? 0);
    const paid = req.payments.reduce((s, p) => s + p.amount, 0);
    // Points shown as a payment (fiscalMode "payment") are added by the agent, not by the till.
    const payments: FiscalReceiptRequest['payments'] = req.payments.map((p) => ({ type: p.type, amount: p.amount }));
    if (calc.pointsPayment) payments.push({ type: 'other', amount: calc.pointsPayment.amount });
    if (paid !== calc.totals.toPay) {
      throw new TillError(
        400,
        'PAYMENTS_MISMATCH',
        `payments sum to ${formatRub(paid)} but the receipt is ${formatRub(calc.totals.toPay)} to pay`,
        { toPay: calc.totals.toPay, paid, due },
      );
    }
    await this.o.till.precheckConfirm(tillId, req.receiptId, req.code);

    const before = await this.lastDocumentOrThrow();
    await this.o.intents.update((s) => {
      s.printing[req.receiptId] = {
        receiptId: req.receiptId,
        tillId,
        startedAt: this.o.now().toISOString(),
        fdBefore: before?.fd ?? '',
        payments: req.payments,
      };
    });
    let doc: FiscalDocument;
    try {
      doc = await this.o.register.printReceipt(this.fiscalRequest(req, calc, payments));
    } catch (err) {
      // The register refused or failed: nothing was fiscalised, nothing is confirmed, no points move.
      await this.dropIntent(req.receiptId);
      throw registerFailure(err);
    }
    const fiscal = { fn: doc.fn, fd: doc.fd, fp: doc.fp, at: doc.at };
    await this.o.till.confirm(tillId, req.receiptId, { fiscal, payments: req.payments, code: req.code });
    await this.dropIntent(req.receiptId);
    return { ...calc, status: 'confirmed', fiscal };
  }

  /**
   * At start: a receipt whose printing began but whose confirm did not happen. If the register's last
   * document is newer than the one recorded before printing, the receipt was printed: confirm it with
   * that document. Otherwise it was not: the receipt stays unconfirmed and expires.
   */
  async recover(): Promise<{ confirmed: string[]; dropped: string[] }> {
    const intents = Object.values(this.o.intents.read().printing);
    const out = { confirmed: [] as string[], dropped: [] as string[] };
    if (intents.length === 0) return out;
    const last = await this.o.register.lastDocument();
    for (const intent of intents) {
      const printed = last && last.fd !== intent.fdBefore && intents.length === 1;
      if (printed) {
        await this.o.till.confirm(intent.tillId, intent.receiptId, {
          fiscal: { fn: last.fn, fd: last.fd, fp: last.fp, at: last.at },
          payments: intent.payments,
        });
        out.confirmed.push(intent.receiptId);
      } else {
        out.dropped.push(intent.receiptId);
      }
      await this.dropIntent(intent.receiptId);
    }
    return out;
  }

  private async confirmedSale(receiptId: string): Promise<SaleResponse | null> {
    try {
      const view = await this.o.till.get(receiptId);
      if (view.status !== 'confirmed') return null;
      const fiscal = this.o.till.fiscalOf(receiptId);
      if (!fiscal) throw new TillError(409, 'RECEIPT_CONFIRMED', `Receipt ${receiptId} was confirmed without the register`);
      const { synced: _synced, ...rest } = view;
      return { ...rest, fiscal };
    } catch (err) {
      if (err instanceof TillError && err.status === 404) return null;
      throw err;
    }
  }

  private async lastDocumentOrThrow(): Promise<FiscalDocument | null> {
    try {
      return await this.o.register.lastDocument();
    } catch (err) {
      throw registerFailure(err);
    }
  }

  private fiscalRequest(req: SaleRequest, calc: CalculateResponse, payments: FiscalReceiptRequest['payments']) {
    const byId = new Map(req.lines.map((l) => [l.lineId, l]));
    const lines: FiscalReceiptRequest['lines'] = [];
    for (const line of calc.lines) {
      const name = byId.get(line.lineId)?.name ?? line.lineId;
      for (const p of line.fiscalPositions) lines.push({ name, qty: p.qty, price: p.price, amount: p.amount });
    }
    const footer = [
      ...(calc.totals.discount > 0 ? [`Скидка по карте: ${formatRub(calc.totals.discount)}`] : []),
      ...calc.messages,
    ];
    const request: FiscalReceiptRequest = { receiptId: req.receiptId, kind: 'sale', lines, payments, footer };
    if (req.cashier) request.cashier = req.cashier;
    return request;
  }

  private async dropIntent(receiptId: string): Promise<void> {
    await this.o.intents.update((s) => {
      delete s.printing[receiptId];
    });
  }
}

function registerFailure(err: unknown): TillError {
  if (err instanceof RegisterError) {
    return new TillError(502, 'REGISTER_ERROR', `Register error ${err.deviceCode}: ${err.message}`, {
      deviceCode: err.deviceCode,
      deviceText: err.message,
    });
  }
  if (err instanceof TillError) return err;
  return new TillError(502, 'REGISTER_ERROR', `Register unavailable: ${(err as Error).message}`, {
    deviceCode: -1,
    deviceText: (err as Error).message,
  });
}
