// ReceiptBook: the one place of the till's 404/409 guards and of its per-receipt lock, over the
// real store (journal and open receipts on disk). The answers are the ones POS-API.md names for a
// receipt that is missing, confirmed, cancelled or another till's; the wording is the cashier's.
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiptBook } from '../../src/agent/receipt-book.js';
import { openStore, type Store } from '../../src/storage/open-store.js';
import { MemoryLogger, openReceipt, saleTx, tempDir } from '../storage/helpers.js';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function book(): Promise<{ book: ReceiptBook; store: Store }> {
  const store = await openStore(await tempDir(), { logger: new MemoryLogger() });
  stores.push(store);
  return { book: new ReceiptBook(store.journal, store.openReceipts), store };
}

describe('ReceiptBook guards', () => {
  it('a receipt nobody calculated: 404, worded for the operation', async () => {
    const { book: b } = await book();
    expect(() => b.openFor('till-1', 'r-0', { missing: 'не рассчитан' })).toThrow(
      expect.objectContaining({ status: 404, code: 'RECEIPT_NOT_FOUND', message: 'Чек r-0 не рассчитан' }),
    );
    expect(() => b.calculation('r-0', 'не найден')).toThrow(
      expect.objectContaining({ status: 404, code: 'RECEIPT_NOT_FOUND', message: 'Чек r-0 не найден' }),
    );
    // A first calculate has nothing to replace: no refusal.
    expect(b.previousFor('till-1', 'r-0')).toBeUndefined();
  });

  it('a confirmed receipt: 409 RECEIPT_CONFIRMED, with the advice given', async () => {
    const { book: b, store } = await book();
    b.refuseIfConfirmed('r-1');
    await store.journal.append(saleTx(1));
    expect(b.saleOf('r-1')?.tx.id).toBe('tx-1');
    expect(() => b.refuseIfConfirmed('r-1', ': оформите возврат')).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'RECEIPT_CONFIRMED',
        message: 'Чек r-1 уже проведён: оформите возврат',
      }),
    );
  });

  it("another till's calculation: 409 RECEIPT_OTHER_TILL for every guard", async () => {
    const { book: b, store } = await book();
    await store.openReceipts.put(openReceipt('r-2', { tillId: 'till-2' }));
    const otherTill = expect.objectContaining({ status: 409, code: 'RECEIPT_OTHER_TILL' });
    expect(() => b.openFor('till-1', 'r-2', { missing: 'не рассчитан' })).toThrow(otherTill);
    expect(() => b.openFor('till-1', 'r-2', { missing: 'не найден', cancelled: 'allow' })).toThrow(otherTill);
    expect(() => b.previousFor('till-1', 'r-2')).toThrow(otherTill);
    expect(b.openFor('till-2', 'r-2', { missing: 'не рассчитан' }).receiptId).toBe('r-2');
  });

  it('a cancelled calculation: 409 RECEIPT_CANCELLED unless allowed; cancelled comes before the till', async () => {
    const { book: b, store } = await book();
    await store.openReceipts.put(openReceipt('r-3', { status: 'cancelled' }));
    await store.openReceipts.put(openReceipt('r-4', { status: 'cancelled', tillId: 'till-2' }));
    expect(() => b.openFor('till-1', 'r-3', { missing: 'не рассчитан' })).toThrow(
      expect.objectContaining({ status: 409, code: 'RECEIPT_CANCELLED', message: 'Чек r-3 отменён' }),
    );
    expect(() => b.previousFor('till-1', 'r-3')).toThrow(
      expect.objectContaining({ code: 'RECEIPT_CANCELLED', message: 'Чек r-3 отменён: начните новый чек' }),
    );
    expect(b.openFor('till-1', 'r-3', { missing: 'не найден', cancelled: 'allow' }).status).toBe('cancelled');
    // Cancelled on another till: it is cancelled whoever asks; allowed, it is still another till's.
    expect(() => b.openFor('till-1', 'r-4', { missing: 'не рассчитан' })).toThrow(
      expect.objectContaining({ code: 'RECEIPT_CANCELLED' }),
    );
    expect(() => b.openFor('till-1', 'r-4', { missing: 'не рассчитан', cancelled: 'allow' })).toThrow(
      expect.objectContaining({ code: 'RECEIPT_OTHER_TILL' }),
    );
  });
});

describe('ReceiptBook lock', () => {
  it('one operation at a time per receipt; a return also holds its returnId; nothing kept after', async () => {
    const { book: b } = await book();
    const events: string[] = [];
    const op = (name: string) => async () => {
      events.push(`${name}+`);
      await tick();
      events.push(`${name}-`);
    };
    await Promise.all([
      b.exclusive('r-5', op('confirm')),
      b.exclusiveReturn('r-5', 'ret-1', op('return')),
      b.exclusiveReturn('r-6', 'ret-1', op('same-returnId')),
    ]);
    expect(events).toEqual([
      'confirm+',
      'confirm-',
      'return+',
      'return-',
      'same-returnId+',
      'same-returnId-',
    ]);
    expect(b.inProgress).toBe(0);
  });

  it("an operation's own nested calls about its receipt run at once", async () => {
    const { book: b } = await book();
    const inner = await b.exclusive('r-7', () => b.exclusive('r-7', async () => 'nested'));
    expect(inner).toBe('nested');
    expect(b.inProgress).toBe(0);
  });
});
