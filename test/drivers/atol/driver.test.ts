import { afterEach, describe, expect, it } from 'vitest';
import { Command } from '../../../drivers/atol/commands/codes.js';
import type { JournalReceipt } from '../../../drivers/atol/virtual/journal.js';
import type { SimulatedRegister } from '../../../drivers/atol/virtual/simulated-register.js';
import { REGISTER_LOCAL_CODES, RegisterError } from '../../../drivers/register/types.js';
import { saleRequest, simulated, waitFor } from './helpers.js';

let sim: SimulatedRegister | undefined;
afterEach(async () => {
  await sim?.register.close();
  sim?.device.dispose();
  sim = undefined;
});

function receipts(s: SimulatedRegister): JournalReceipt[] {
  return s.device.journal.filter((e): e is JournalReceipt => e.kind === 'receipt');
}

async function expectRegisterError(promise: Promise<unknown>, code: number): Promise<RegisterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegisterError);
  expect((error as RegisterError).deviceCode).toBe(code);
  return error as RegisterError;
}

describe('AtolRegister ⇄ VirtualAtol', () => {
  it('sells: positions at the given prices, payments, footer, fiscal document', async () => {
    sim = simulated();
    await sim.register.open();
    expect(sim.register.state()).toEqual({ driver: 'simulator', state: 'ready' });
    const doc = await sim.register.printReceipt(saleRequest());

    const [receipt] = receipts(sim);
    expect(receipt).toMatchObject({ type: 'sale', status: 'closed', total: 49445 });
    expect(receipt!.positions).toEqual([
      { name: 'Молоко 3,2% 1 л', price: 8990, qty: 2, amount: 17980, taxRate: 2 },
      { name: 'Сыр весовой', price: 89900, qty: 0.35, amount: 31465, taxRate: 1 },
    ]);
    expect(receipt!.payments).toEqual([
      { type: 2, amount: 40000 },
      { type: 1, amount: 9445 },
    ]);
    expect(receipt!.texts).toEqual(['Начислено баллов: 49', 'Баланс: 1 234 балла']);
    expect(doc).toEqual({
      fn: '9999078900012345',
      fd: String(receipt!.fd),
      fp: String(receipt!.fp).padStart(10, '0'),
      at: receipt!.clock,
      shift: 1,
      total: 49445,
    });
    // the shift was opened on demand (its report is fiscal document 1, the receipt is 2)
    expect(sim.device.journal[0]).toMatchObject({ kind: 'shift-open', fd: 1, shift: 1 });
    expect(doc.fd).toBe('2');
    expect(await sim.register.lastDocument()).toEqual(doc);
  });

  it('prints a return as receipt type 2', async () => {
    sim = simulated();
    await sim.register.open();
    await sim.register.printReceipt(saleRequest({ kind: 'return', footer: [] }));
    expect(receipts(sim)[0]).toMatchObject({ type: 'return', status: 'closed', total: 49445, texts: [] });
  });

  it('reports state changes to listeners', async () => {
    sim = simulated();
    const seen: string[] = [];
    sim.register.onStateChange((s) => seen.push(s.state));
    await sim.register.open();
    await sim.register.printReceipt(saleRequest());
    expect(seen).toEqual(['connecting', 'ready', 'busy', 'ready']);
  });

  it('sells with asynchronous results (A1, then F0 A6 TID), pushed or polled with Req', async () => {
    for (const asyncResults of [true, false]) {
      sim = simulated({ asyncResults, device: { resultMode: 'async' } });
      await sim.register.open();
      const doc = await sim.register.printReceipt(saleRequest());
      expect(doc.total).toBe(49445);
      expect(receipts(sim)).toMatchObject([{ status: 'closed', total: 49445 }]);
      await sim.register.close();
      sim.device.dispose();
    }
  });

  it('cash above the total: the register takes it as given and prints the change', async () => {
    sim = simulated();
    await sim.register.open();
    // 2 × 89,90 + 0,35 kg × 899,00 = 179,80 + 314,65 = 494,45 ₽; 100,00 on card, 500,00 in cash.
    const doc = await sim.register.printReceipt(
      saleRequest({
        payments: [
          { type: 'cash', amount: 50000 },
          { type: 'card', amount: 10000 },
        ],
      }),
    );
    const [receipt] = receipts(sim);
    expect(doc.total).toBe(49445);
    // non-cash goes first, so the card never meets a register with nothing left due
    expect(receipt!.payments).toEqual([
      { type: 2, amount: 10000 },
      { type: 1, amount: 50000 },
    ]);
    expect(receipt).toMatchObject({ status: 'closed', total: 49445, change: 60000 - 49445 });
  });

  it('refuses a non-cash payment above the total before sending anything', async () => {
    sim = simulated();
    await sim.register.open();
    const before = sim.device.core.executed.length;
    for (const payments of [
      [{ type: 'card' as const, amount: 49446 }],
      [
        { type: 'card' as const, amount: 40000 },
        { type: 'other' as const, amount: 10000 },
      ],
    ]) {
      const error = await expectRegisterError(
        sim.register.printReceipt(saleRequest({ payments })),
        REGISTER_LOCAL_CODES.INVALID_REQUEST,
      );
      expect(error.message).toContain('only cash gives change');
    }
    expect(sim.device.core.executed.length).toBe(before);
  });

  it('refuses a receipt whose payments do not cover the lines, sending nothing', async () => {
    sim = simulated();
    await sim.register.open();
    const before = sim.device.core.executed.length;
    await expectRegisterError(
      sim.register.printReceipt(saleRequest({ payments: [{ type: 'cash', amount: 49444 }] })),
      REGISTER_LOCAL_CODES.INVALID_REQUEST,
    );
    await expectRegisterError(
      sim.register.printReceipt(
        saleRequest({
          lines: [{ name: 'x', qty: 1.0005, price: 100, amount: 100 }],
          payments: [{ type: 'cash', amount: 100 }],
        }),
      ),
      REGISTER_LOCAL_CODES.INVALID_REQUEST,
    );
    await expectRegisterError(
      sim.register.printReceipt(
        saleRequest({
          lines: [{ name: 'x', qty: 2, price: 100, amount: 150 }],
          payments: [{ type: 'cash', amount: 150 }],
        }),
      ),
      REGISTER_LOCAL_CODES.INVALID_REQUEST,
    );
    expect(sim.device.core.executed.length).toBe(before);
    expect(sim.register.state().state).toBe('ready');
  });

  it('no paper at close: RegisterError 103, receipt cancelled, nothing confirmed', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'paper-out-on', command: Command.CloseReceipt });
    const error = await expectRegisterError(sim.register.printReceipt(saleRequest()), 103);
    expect(error.message).toContain('Нет бумаги');
    expect(error.message).toContain('out of paper');
    expect(receipts(sim).filter((r) => r.status === 'closed')).toEqual([]);
    expect(receipts(sim)).toMatchObject([{ status: 'cancelled' }]);
    expect(sim.device.core.receiptOpen).toBe(false);
    expect(sim.register.state()).toMatchObject({ state: 'error', lastError: { code: 103 } });

    sim.device.setPaper(true);
    await sim.register.printReceipt(saleRequest());
    expect(sim.register.state()).toEqual({ driver: 'simulator', state: 'ready' });
    expect(receipts(sim).filter((r) => r.status === 'closed')).toHaveLength(1);
  });

  it('no paper before the receipt: 103 and no receipt at all', async () => {
    sim = simulated();
    await sim.register.open();
    await sim.register.printReceipt(saleRequest()); // shift open now
    sim.device.setPaper(false);
    await expectRegisterError(sim.register.printReceipt(saleRequest()), 103);
    expect(receipts(sim)).toHaveLength(1);
  });

  it('shift over 24 h: RegisterError 136; a Z report lets the next sale through', async () => {
    sim = simulated();
    await sim.register.open();
    await sim.register.printReceipt(saleRequest());
    sim.device.expireShift();
    await expectRegisterError(sim.register.printReceipt(saleRequest()), 136);
    expect(sim.device.core.receiptOpen).toBe(false);

    await sim.register.zReport();
    const doc = await sim.register.printReceipt(saleRequest());
    expect(doc.shift).toBe(2);
    expect(sim.device.journal.map((e) => e.kind)).toEqual([
      'shift-open',
      'receipt',
      'shift-close',
      'shift-open',
      'receipt',
    ]);
  });

  it('silence mid-receipt: timeout error; the next open cancels the dangling receipt', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'silent-on', command: Command.Payment });
    await expectRegisterError(sim.register.printReceipt(saleRequest()), REGISTER_LOCAL_CODES.TIMEOUT);
    expect(sim.device.core.receiptOpen).toBe(true);
    expect(sim.register.state().state).toBe('error');

    await sim.register.close();
    sim.device.resume();
    await sim.register.open();
    expect(sim.device.core.receiptOpen).toBe(false);
    expect(receipts(sim)).toMatchObject([{ status: 'cancelled', payments: [] }]);
    expect(sim.device.core.executed.at(-2)).toBe(Command.CancelReceipt);

    await sim.register.printReceipt(saleRequest());
    expect(receipts(sim).map((r) => r.status)).toEqual(['cancelled', 'closed']);
  });

  it('after a timeout the next sale resyncs by itself and cancels the dangling receipt', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'silent-on', command: Command.RegisterPosition });
    await expectRegisterError(sim.register.printReceipt(saleRequest()), REGISTER_LOCAL_CODES.TIMEOUT);
    sim.device.resume();
    await sim.register.printReceipt(saleRequest());
    expect(receipts(sim).map((r) => r.status)).toEqual(['cancelled', 'closed']);
  });

  it('a lost close answer still yields the fiscal document (cancel says receipt closed)', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'lose-reply-on', command: Command.CloseReceipt });
    const doc = await sim.register.printReceipt(saleRequest());
    expect(receipts(sim)).toMatchObject([{ status: 'closed', fd: Number(doc.fd) }]);
    expect(sim.device.core.executed).toContain(Command.CancelReceipt);
    expect(sim.register.state().state).toBe('ready');
  });

  it('a lost answer before the close: timeout, receipt cancelled, nothing confirmed', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'lose-reply-on', command: Command.Payment });
    await expectRegisterError(sim.register.printReceipt(saleRequest()), REGISTER_LOCAL_CODES.TIMEOUT);
    expect(receipts(sim)).toMatchObject([{ status: 'cancelled' }]);
    expect(sim.device.core.receiptOpen).toBe(false);
  });

  it('bad CRC on a reply: the driver asks again and the sale goes through once', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'bad-crc' });
    await sim.register.printReceipt(saleRequest());
    expect(sim.device.stats.resendRequests).toBe(1);
    expect(receipts(sim)).toHaveLength(1);
    expect(receipts(sim)[0]!.positions).toHaveLength(2);
  });

  it('lost reply bytes: the packet is repeated and answered from the cache, not executed twice', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'drop-bytes', count: 3 });
    await sim.register.printReceipt(saleRequest());
    expect(sim.device.stats.duplicatePackets).toBe(1);
    expect(receipts(sim)[0]!.positions).toHaveLength(2);
  });

  it('a resend request from the register is answered by sending the packet again', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'resend-request' });
    sim.device.injectFault({ kind: 'resend-request' });
    await sim.register.printReceipt(saleRequest());
    expect(receipts(sim)).toMatchObject([{ status: 'closed' }]);
  });

  it('slow printing commands: results come asynchronously (0xF0) or by polling', async () => {
    for (const asyncResults of [true, false]) {
      const s = simulated({ asyncResults, device: { processingMs: 30 } });
      await s.register.open();
      const doc = await s.register.printReceipt(saleRequest());
      expect(doc.total).toBe(49445);
      await s.register.close();
      s.device.dispose();
    }
  });

  it('unplug: disconnected state, then reconnects and sells again without a restart', async () => {
    sim = simulated();
    await sim.register.open();
    await sim.register.printReceipt(saleRequest());
    sim.cable.unplug();
    expect(sim.register.state()).toMatchObject({ state: 'disconnected', lastError: { code: 1003 } });
    await expectRegisterError(sim.register.printReceipt(saleRequest()), REGISTER_LOCAL_CODES.DISCONNECTED);
    sim.cable.replug();
    await waitFor(() => sim!.register.state().state === 'ready');
    await sim.register.printReceipt(saleRequest());
    expect(receipts(sim).filter((r) => r.status === 'closed')).toHaveLength(2);
  });

  it('unplug mid-receipt: the receipt is cancelled after the replug', async () => {
    sim = simulated();
    await sim.register.open();
    sim.device.injectFault({ kind: 'silent-on', command: Command.Payment });
    const sale = sim.register.printReceipt(saleRequest());
    await waitFor(() => sim!.device.isSilent);
    sim.cable.unplug();
    await expectRegisterError(sale, REGISTER_LOCAL_CODES.DISCONNECTED);
    sim.device.resume();
    sim.cable.replug();
    await waitFor(() => sim!.register.state().state === 'ready');
    expect(sim.device.core.receiptOpen).toBe(false);
    expect(receipts(sim)).toMatchObject([{ status: 'cancelled' }]);
  });

  it('open() fails with a timeout when the register never answers, and recovers later', async () => {
    sim = simulated({ openTimeoutMs: 300 });
    sim.device.goSilent();
    await expectRegisterError(sim.register.open(), REGISTER_LOCAL_CODES.TIMEOUT);
    sim.device.resume();
    await waitFor(() => sim!.register.state().state === 'ready');
    await sim.register.printReceipt(saleRequest());
  });

  it('operations on a closed driver fail as disconnected', async () => {
    sim = simulated();
    await expectRegisterError(sim.register.lastDocument(), REGISTER_LOCAL_CODES.DISCONNECTED);
  });

  it('lastDocument is null on a register without documents', async () => {
    sim = simulated();
    await sim.register.open();
    expect(await sim.register.lastDocument()).toBeNull();
  });
});
