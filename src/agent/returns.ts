// Returns (POS-API.md): of a sale in this agent's journal, or of one another store (or an earlier
// data dir) recorded, read from the cloud. Shares by `computeReturn`, counting every earlier return
// once — the cloud's from any store plus this agent's own the cloud has not applied yet. A repeat of
// a returnId answers the same; the return is durable before the answer.
import { computeReturn, returnedSoFar } from '../domain/index.js';
import type { ReturnedSoFar } from '../domain/types.js';
import { AppError } from '../errors/catalogue.js';
import type { ReceiptForReturn, Tx } from '../protocol/sync.js';
import type { CloudGateway, CloudReceiptLookup } from './ports.js';
import type { ProgramHolder } from './program-holder.js';
import type { ReceiptBook } from './receipt-book.js';
import { returnView } from './receipt-views.js';
import { returnTx, saleForReturn, soldLinesOf } from './return-tx.js';
import type { ReturnRequest, ReturnResponse } from './till-api.js';

/** The sale a return reverses and what earlier returns took of it. */
interface ReturnOriginal {
  sale: Tx;
  returned: Record<string, ReturnedSoFar>;
  /** The store that sold it, when the sale was read from the cloud. */
  originalStoreId?: string;
}

export class Returns {
  constructor(
    private readonly o: {
      book: ReceiptBook;
      program: ProgramHolder;
      cloud: CloudGateway | null;
      cloudOnline: () => boolean;
      storeId: string;
      timezone: string;
      now: () => Date;
      newId: () => string;
      onJournalAppend?: () => void;
    },
  ) {}

  createReturn(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    return this.o.book.exclusiveReturn(req.receiptId, req.returnId, () => this.createReturnNow(tillId, req));
  }

  private async createReturnNow(tillId: string, req: ReturnRequest): Promise<ReturnResponse> {
    const journal = this.o.book.journal;
    const earlier = journal.byReturnId(req.returnId);
    if (earlier) {
      if (earlier.tx.receiptId !== req.receiptId) {
        throw new AppError('RETURN_ID_CONFLICT', `Возврат ${req.returnId} уже оформлен по другому чеку`);
      }
      return returnView(earlier.tx);
    }
    const local = this.o.book.saleOf(req.receiptId);
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
      id: this.o.newId(),
      storeId: this.o.storeId,
      tillId,
      at: this.o.now().toISOString(),
      // A foreign original was just read from the cloud: that return is taken online.
      offline: local ? !this.o.cloud || !this.o.cloudOnline() : false,
      returnId: req.returnId,
      timezone: this.o.timezone,
      ...(original.originalStoreId !== undefined && { originalStoreId: original.originalStoreId }),
    });
    await journal.append(tx);
    this.o.onJournalAppend?.();
    const stored = journal.byReturnId(req.returnId);
    if (!stored) throw new Error(`journal lost return ${req.returnId} right after appending it`);
    return returnView(stored.tx);
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
      throw new AppError('RECEIPT_NOT_FOUND', `Чек ${req.receiptId} не найден на этой кассе`);
    }
    let lookup: CloudReceiptLookup;
    try {
      lookup = await this.o.cloud.fetchReceipt({
        receiptId: req.receiptId,
        ...(req.storeId !== undefined && { storeId: req.storeId }),
      });
    } catch (err) {
      throw new AppError(
        'CLOUD_UNAVAILABLE',
        `Чека ${req.receiptId} нет на этой кассе, а сервер лояльности сейчас не отвечает: ` +
          'возврат по чеку другого магазина можно оформить, когда связь восстановится',
        [reasonOf(err)],
      );
    }
    if (lookup.kind === 'missing') {
      const where = req.storeId === undefined ? '' : ` магазина ${req.storeId}`;
      throw new AppError(
        'RECEIPT_NOT_FOUND',
        `Чек ${req.receiptId}${where} не найден ни на этой кассе, ни на сервере лояльности`,
      );
    }
    if (lookup.kind === 'ambiguous') {
      throw new AppError(
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
    const mine = this.o.book.journal
      .byReceipt(receiptId)
      .filter(
        (e) =>
          e.tx.kind === 'return' &&
          !cloudIds.has(e.tx.id) &&
          (e.tx.originalStoreId ?? e.tx.storeId) === saleStoreId,
      );
    return returnedSoFar([...inCloud.map((r) => r.lines), ...mine.map((e) => e.tx.lines)]);
  }
}

/** Why the cloud could not answer, for the till's `details` (the sync errors carry no personal data). */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
