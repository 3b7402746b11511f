// A print interrupted between the register and the confirm — neither lost nor doubled. The crash is
// simulated in process: the agent is closed without confirming and a new one starts on the same data
// directory, talking to the same virtual register (its paper journal is the witness).
import { describe, expect, it } from 'vitest';
import { REGISTER_LOCAL_CODES, RegisterError } from '../../drivers/register/types.js';
import type { StateStore } from '../../src/agent/ports.js';
import { type PrintIntents, RegisterSaleService } from '../../src/agent/register-sale.js';
import { cancelBeforeNextConfirm, failNextConfirm } from './confirm-faults.js';
import {
  type Answer,
  breadSale,
  closedReceipts,
  keyboardSale,
  printIntents,
  saleTxs,
} from './register-sale-harness.js';
import { interruptedBeforePrinting, printedThenCrashed, useRegisterSession } from './register-session.js';

const session = useRegisterSession('la-register-crash-');
const { start, crash } = session;

describe('printed, then the agent died before confirming', () => {
  it('the next start confirms the receipt from the register, exactly once', async () => {
    const first = await start();
    failNextConfirm(first);
    const res = await first.call<Answer>('POST', '/v1/sales', breadSale('r-crash'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('CONFIRM_PENDING');
    const [printed] = closedReceipts(session.sim.device.journal);
    expect(res.body.error.details.fiscal!.fd).toBe(String(printed!.fd));
    expect(saleTxs(first, 'r-crash')).toHaveLength(0);
    expect(Object.keys((await printIntents(session.dir)).printing)).toEqual(['r-crash']);
    await crash(first);

    const second = await start();
    const [tx, ...more] = saleTxs(second, 'r-crash');
    expect(more).toHaveLength(0);
    expect(tx!.fiscal).toMatchObject({ fn: '9999078900012345', fd: String(printed!.fd), at: printed!.clock });
    expect(tx!.payments).toEqual([{ type: 'cash', amount: 10000 }]);
    expect((await printIntents(session.dir)).printing).toEqual({});
    expect(second.logs.some((l) => l.includes('interrupted print: confirmed from the register'))).toBe(true);

    // The till repeats the sale: the same answer, nothing printed again.
    const again = await second.call<Answer>('POST', '/v1/sales', breadSale('r-crash'));
    expect(again.status).toBe(200);
    expect(again.body.fiscal.fd).toBe(String(printed!.fd));
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1);
    expect(saleTxs(second, 'r-crash')).toHaveLength(1);
  });

  it('is confirmed even when the agent stayed down past the receipt lifetime', async () => {
    await printedThenCrashed(session, breadSale('r-late'));

    // An hour later: the receipt's 15 minutes are over, but the register printed it.
    const second = await start({ now: () => new Date(Date.now() + 3600_000) });
    expect(saleTxs(second, 'r-late')).toHaveLength(1);
    expect((await second.call<Answer>('GET', '/v1/receipts/r-late')).body.status).toBe('confirmed');
  });

  it('in the same process, repeating the sale confirms it without printing twice', async () => {
    const t = await start();
    failNextConfirm(t, 'disk full');
    expect((await t.call('POST', '/v1/sales', breadSale('r-retry'))).status).toBe(503);
    const again = await t.call<Answer>('POST', '/v1/sales', breadSale('r-retry'));
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('confirmed');
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1);
    expect(saleTxs(t, 'r-retry')).toHaveLength(1);
    expect(saleTxs(t, 'r-retry')[0]!.fiscal!.fd).toBe(again.body.fiscal.fd);
  });

  it('a link lost after the close: the register is asked at once and the sale answers 200', async () => {
    const t = await start();
    const print = t.register.printReceipt.bind(t.register);
    t.register.printReceipt = async (r) => {
      t.register.printReceipt = print;
      await print(r);
      throw new RegisterError(REGISTER_LOCAL_CODES.TIMEOUT, 'the answer to the document read was lost');
    };
    const res = await t.call<Answer>('POST', '/v1/sales', breadSale('r-lost-answer'));
    expect(res.status).toBe(200);
    const [printed] = closedReceipts(session.sim.device.journal);
    expect(res.body.fiscal.fd).toBe(String(printed!.fd));
    expect(saleTxs(t, 'r-lost-answer')).toHaveLength(1);
    expect((await printIntents(session.dir)).printing).toEqual({});
  });

  it('a confirm the till refuses after printing goes to a human and is never printed again', async () => {
    const t = await start();
    cancelBeforeNextConfirm(t);
    const res = await t.call<Answer>('POST', '/v1/sales', breadSale('r-refused'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('RECEIPT_NEEDS_REVIEW');
    expect(res.body.error.message).toContain('отменён'); // the till's refusal, in the cashier's words
    expect((res.body.error.details as unknown as { reason: string }).reason).toContain('RECEIPT_CANCELLED');
    expect((await printIntents(session.dir)).review?.['r-refused']?.lastDocument?.total).toBe(10000);
    expect(t.logs.some((l) => l.includes('needs a check by hand'))).toBe(true);
    const again = await t.call<Answer>('POST', '/v1/sales', breadSale('r-refused'));
    expect(again.status).toBe(409);
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1);
  });
});

describe('the register did not print', () => {
  it('the next start drops the intent: not confirmed, and the retry prints once', async () => {
    const first = await interruptedBeforePrinting(session, 'r-never');
    await crash(first);
    session.sim.device.resume();
    // The shift was opened for this receipt: that report is the only document since.
    expect(session.sim.device.journal.map((e) => e.kind)).toEqual(['shift-open']);

    const second = await start();
    expect((await printIntents(session.dir)).printing).toEqual({});
    expect(saleTxs(second, 'r-never')).toHaveLength(0);
    expect((await second.call<Answer>('GET', '/v1/receipts/r-never')).body.status).toBe('calculated');
    expect(second.logs.some((l) => l.includes('interrupted print: not printed'))).toBe(true);

    const retry = await second.call<Answer>('POST', '/v1/sales', breadSale('r-never'));
    expect(retry.status).toBe(200);
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1);
    expect(saleTxs(second, 'r-never')).toHaveLength(1);
  });

  it('a register still silent at start: the next sale settles the old intent first', async () => {
    const first = await interruptedBeforePrinting(session, 'r-old');
    await crash(first);

    const second = await start(); // the register does not answer: the agent starts anyway
    expect(second.logs.some((l) => l.includes('cannot settle interrupted prints yet'))).toBe(true);
    expect(Object.keys((await printIntents(session.dir)).printing)).toEqual(['r-old']);
    const refused = await second.call<Answer>('POST', '/v1/sales', breadSale('r-new', 5000));
    expect(refused.status).toBe(502);
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(0);

    session.sim.device.resume();
    const deadline = Date.now() + 3000;
    let res = refused;
    while (res.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      res = await second.call<Answer>('POST', '/v1/sales', breadSale('r-new', 5000));
    }
    expect(res.status).toBe(200);
    expect((await printIntents(session.dir)).printing).toEqual({});
    expect(saleTxs(second, 'r-old')).toHaveLength(0);
    expect(closedReceipts(session.sim.device.journal).map((r) => r.total)).toEqual([5000]);
  });

  it('another document in the meantime: left for a human, never printed again', async () => {
    const first = await interruptedBeforePrinting(session, 'r-unclear');
    await crash(first);
    session.sim.device.resume();
    // Someone sells at the register's own keyboard while the agent is down.
    await keyboardSale(session.sim, 3000);

    const second = await start();
    const review = (await printIntents(session.dir)).review?.['r-unclear'];
    expect(review?.reason).toContain('does not match');
    expect(review?.lastDocument?.total).toBe(3000);
    expect(saleTxs(second, 'r-unclear')).toHaveLength(0);
    expect(second.logs.some((l) => l.includes('needs a check by hand'))).toBe(true);

    const retry = await second.call<Answer>('POST', '/v1/sales', breadSale('r-unclear'));
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('RECEIPT_NEEDS_REVIEW');
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1); // only the keyboard sale
    // Other receipts are not held up by it.
    expect((await second.call('POST', '/v1/sales', breadSale('r-next', 2000))).status).toBe(200);
  });
});

describe('RegisterSaleService.recover on its own', () => {
  it('an intent whose receipt was confirmed before the crash is only tidied away', async () => {
    const t = await start();
    expect((await t.call('POST', '/v1/sales', breadSale('r-done'))).status).toBe(200);
    const fd = saleTxs(t, 'r-done')[0]!.fiscal!.fd;
    const state: PrintIntents = {
      printing: {
        'r-done': {
          receiptId: 'r-done',
          tillId: 'till-1',
          startedAt: new Date().toISOString(),
          fdBefore: String(Number(fd) - 1),
          total: 10000,
          payments: [],
        },
      },
    };
    const intents: StateStore<PrintIntents> = {
      read: () => state,
      update: async (fn) => fn(state),
    };
    let confirms = 0;
    const till = t.agent.till;
    const confirm = till.confirmPrinted.bind(till);
    till.confirmPrinted = async (...args) => {
      confirms++;
      return confirm(...args);
    };
    const service = new RegisterSaleService({ till, register: t.register, intents, now: () => new Date() });
    expect(await service.recover()).toEqual({ confirmed: ['r-done'], dropped: [], review: [] });
    expect(confirms).toBe(0);
    expect(state.printing).toEqual({});
    expect(saleTxs(t, 'r-done')).toHaveLength(1);
  });

  it('refuses to settle when the register cannot be asked, keeping the intents', async () => {
    const t = await start();
    const done = await t.call<Answer>('POST', '/v1/sales', breadSale('r-ok'));
    expect(done.status).toBe(200);
    const state: PrintIntents = {
      printing: {
        'r-x': { receiptId: 'r-x', tillId: 'till-1', startedAt: '', fdBefore: '', total: 1, payments: [] },
      },
    };
    const service = new RegisterSaleService({
      till: t.agent.till,
      register: t.register,
      intents: { read: () => state, update: async (fn) => fn(state) },
      now: () => new Date(),
    });
    session.sim.cable.unplug();
    await expect(service.recover()).rejects.toMatchObject({ status: 502, code: 'REGISTER_ERROR' });
    expect(Object.keys(state.printing)).toEqual(['r-x']);
    // A new sale waits for the register; the repeat of a confirmed one does not need it.
    await expect(service.sell('till-1', breadSale('r-new'))).rejects.toMatchObject({ status: 502 });
    const repeat = await service.sell('till-1', breadSale('r-ok'));
    expect(repeat).toMatchObject({ status: 'confirmed', fiscal: done.body.fiscal });
    expect(Object.keys(state.printing)).toEqual(['r-x']);
    session.sim.cable.replug();
  });
});
