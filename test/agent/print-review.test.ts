// Receipts held for review after an interrupted print: shown in /v1/status and /v1/print-intents
// (without secrets), settled over HTTP as printed (confirmed) or not printed (cancelled), idempotently;
// kept from the TTL reaper while they wait. And a printed receipt whose points hold expired is a
// sale: confirmed, not held. Real agent, real files, the simulated register's paper journal.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrintIntentView } from '../../src/agent/register-sale.js';
import { FileState } from '../../src/storage/index.js';
import type { FakeCloud } from '../sync/fakes/fake-cloud.js';
import { cancelBeforeNextConfirm } from './confirm-faults.js';
import {
  type Answer,
  breadSale,
  cheeseWithPoints,
  closedReceipts,
  keyboardSale,
  printIntents,
  type RegisterAgent,
  saleTxs,
  startPointsCloud,
} from './register-sale-harness.js';
import {
  heldForReview,
  interruptedBeforePrinting,
  printedThenCrashed,
  useRegisterSession,
} from './register-session.js';

interface Status {
  printReview: { count: number; printing: number; items: PrintIntentView[] };
}

const session = useRegisterSession('la-print-review-');
const { start, crash } = session;

const settle = (t: RegisterAgent, receiptId: string, body: unknown, token?: string | null) =>
  t.call<Answer & { receiptId: string; status: string }>(
    'POST',
    `/v1/print-intents/${receiptId}/settle`,
    body,
    token,
  );

describe('a receipt held for review is visible to store IT', () => {
  it('in /v1/status and /v1/print-intents, with the register witness and without the one-time code', async () => {
    const ours = await heldForReview(session, 'r-seen');
    const t = await start();

    const status = await t.call<Status>('GET', '/v1/status');
    expect(status.status).toBe(200);
    expect(status.body.printReview.count).toBe(1);
    expect(status.body.printReview.printing).toBe(0);
    const [item] = status.body.printReview.items;
    expect(item).toMatchObject({
      receiptId: 'r-seen',
      tillId: 'till-1',
      state: 'review',
      total: 10000,
      payments: [{ type: 'cash', amount: 10000 }],
      fdBefore: '', // a new register: ours was its first receipt
    });
    expect(item!.reason).toContain('does not match');
    expect(item!.lastDocument).toMatchObject({ total: 3000, fd: String(Number(ours.fd) + 1) });

    const list = await t.call<{ items: PrintIntentView[] }>('GET', '/v1/print-intents');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(status.body.printReview.items);
    expect((await t.call('GET', '/v1/print-intents', undefined, null)).status).toBe(401);
  });

  it('a one-time code from an older intents file is never shown', async () => {
    await heldForReview(session, 'r-code');
    const t = await start();
    // Older agents kept the sale's SMS code in the intent; the view lists fields one by one.
    await crash(t);
    const file = path.join(session.dir, 'print-intents.json');
    const state = await FileState.open<{ review: Record<string, Record<string, unknown>> }>(file, {
      logger: pino({ level: 'silent' }),
      defaults: () => ({ review: {} }),
    });
    await state.update((s) => {
      s.review['r-code']!.code = '4321';
    });
    await state.close();
    expect(await readFile(file, 'utf8')).toContain('4321');

    const again = await start();
    const status = await again.call('GET', '/v1/status');
    expect(JSON.stringify(status.body)).not.toContain('4321');
    expect(JSON.stringify((await again.call('GET', '/v1/print-intents')).body)).not.toContain('4321');
  });
});

describe('settling by hand over HTTP', () => {
  it('printed, with the document read from the register journal: confirmed once, never printed again', async () => {
    const ours = await heldForReview(session, 'r-hand');
    // A day later: the receipt's lifetime is long over, but it waits for a person, not the reaper.
    const t = await start({ now: () => new Date(Date.now() + 25 * 3600_000) });
    expect((await t.call<Answer>('GET', '/v1/receipts/r-hand')).body.status).toBe('calculated');

    // The register's last document is the keyboard sale: not taken for ours.
    const guess = await settle(t, 'r-hand', { outcome: 'printed' });
    expect(guess.status).toBe(409);
    expect(guess.body.error.code).toBe('FISCAL_DOCUMENT_REQUIRED');
    expect(guess.body.error.message).toContain('на сумму 3000');
    const noTime = await settle(t, 'r-hand', { outcome: 'printed', fiscal: { fd: ours.fd, fp: ours.fp } });
    expect(noTime.status).toBe(400);
    expect(noTime.body.error.message).toContain('(at)');
    expect(saleTxs(t, 'r-hand')).toHaveLength(0);

    const res = await settle(t, 'r-hand', {
      outcome: 'printed',
      fiscal: { fd: ours.fd, fp: ours.fp, at: ours.clock },
    });
    expect(res.status).toBe(200);
    const fiscal = { fn: '9999078900012345', fd: ours.fd, fp: ours.fp, at: ours.clock };
    expect(res.body).toEqual({ receiptId: 'r-hand', status: 'confirmed', fiscal });
    const [tx, ...more] = saleTxs(t, 'r-hand');
    expect(more).toHaveLength(0);
    expect(tx!.fiscal).toEqual(fiscal);
    expect(tx!.totals.toPay).toBe(10000);
    expect((await printIntents(session.dir)).review).toEqual({});
    expect((await t.call<Status>('GET', '/v1/status')).body.printReview.count).toBe(0);
    expect(t.logs.some((l) => l.includes('settled by hand'))).toBe(true);

    // The same decision again: the same answer, nothing added. The opposite one: refused.
    const again = await settle(t, 'r-hand', { outcome: 'printed' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ receiptId: 'r-hand', status: 'confirmed', fiscal });
    const opposite = await settle(t, 'r-hand', { outcome: 'not-printed' });
    expect(opposite.status).toBe(409);
    expect(opposite.body.error.code).toBe('RECEIPT_NOT_IN_REVIEW');
    expect(saleTxs(t, 'r-hand')).toHaveLength(1);

    // The till's repeat of the sale is answered from the journal; the register prints nothing.
    const repeat = await t.call<Answer>('POST', '/v1/sales', breadSale('r-hand'));
    expect(repeat.status).toBe(200);
    expect(repeat.body.fiscal).toEqual(fiscal);
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(2);
  });

  it('printed, when the last document is the receipt: confirmed with it even though the till cancelled meanwhile', async () => {
    const t = await start();
    cancelBeforeNextConfirm(t);
    const held = await t.call<Answer>('POST', '/v1/sales', breadSale('r-cancelled'));
    expect(held.body.error.code).toBe('RECEIPT_NEEDS_REVIEW');
    const [printed] = closedReceipts(session.sim.device.journal);

    const res = await settle(t, 'r-cancelled', { outcome: 'printed' });
    expect(res.status).toBe(200);
    expect(res.body.fiscal?.fd).toBe(String(printed!.fd));
    expect(saleTxs(t, 'r-cancelled')).toHaveLength(1);
    expect((await t.call<Answer>('GET', '/v1/receipts/r-cancelled')).body.status).toBe('confirmed');
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1);
  });

  it('not printed: cancelled like a till cancel, idempotently; the receipt id cannot be sold again', async () => {
    await crash(await interruptedBeforePrinting(session, 'r-not'));
    session.sim.device.resume();
    await keyboardSale(session.sim, 3000);
    const t = await start();
    expect((await printIntents(session.dir)).review?.['r-not']).toBeDefined();

    const res = await settle(t, 'r-not', { outcome: 'not-printed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ receiptId: 'r-not', status: 'cancelled' });
    expect((await t.call<Answer>('GET', '/v1/receipts/r-not')).body.status).toBe('cancelled');
    expect(saleTxs(t, 'r-not')).toHaveLength(0);
    expect((await printIntents(session.dir)).review).toEqual({});

    expect((await settle(t, 'r-not', { outcome: 'not-printed' })).body).toEqual({
      receiptId: 'r-not',
      status: 'cancelled',
    });
    const opposite = await settle(t, 'r-not', { outcome: 'printed' });
    expect(opposite.status).toBe(409);
    expect(opposite.body.error.code).toBe('RECEIPT_NOT_IN_REVIEW');
    const resold = await t.call<Answer>('POST', '/v1/sales', breadSale('r-not'));
    expect(resold.status).toBe(409);
    expect(resold.body.error.code).toBe('RECEIPT_CANCELLED');
    expect(closedReceipts(session.sim.device.journal)).toHaveLength(1); // only the keyboard sale
  });

  it('refuses bad requests and unknown receipts, changing nothing', async () => {
    await heldForReview(session, 'r-bad');
    const t = await start();
    const bad = [
      {},
      { outcome: 'maybe' },
      { outcome: 'printed', fiscal: { fd: '12a', fp: '1' } },
      { outcome: 'printed', fiscal: { fd: '12' } },
      { outcome: 'printed', fiscal: { fd: '12', fp: '1', at: 'yesterday' } },
      { outcome: 'printed', extra: true },
    ];
    for (const body of bad) {
      const res = await settle(t, 'r-bad', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
    // The last document is the keyboard sale: its number with another fiscal sign is a typo.
    const last = (await printIntents(session.dir)).review!['r-bad']!.lastDocument!;
    const typo = await settle(t, 'r-bad', { outcome: 'printed', fiscal: { fd: last.fd, fp: '1' } });
    expect(typo.status).toBe(409);
    expect(typo.body.error.code).toBe('FISCAL_DOCUMENT_MISMATCH');
    // Another document than the last, without its time: the request lacks what the register cannot tell.
    const other = await settle(t, 'r-bad', { outcome: 'printed', fiscal: { fd: '999999', fp: '1' } });
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe('FISCAL_DOCUMENT_INCOMPLETE');
    expect((await settle(t, 'r-bad', { outcome: 'printed' }, null)).status).toBe(401);
    const unknown = await settle(t, 'r-unknown', { outcome: 'not-printed' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RECEIPT_NOT_FOUND');

    expect(saleTxs(t, 'r-bad')).toHaveLength(0);
    expect(Object.keys((await printIntents(session.dir)).review ?? {})).toEqual(['r-bad']);
    expect((await t.call<Answer>('GET', '/v1/receipts/r-bad')).body.status).toBe('calculated');
  });

  it('an intent still waiting for the register is not settled by hand', async () => {
    await crash(await interruptedBeforePrinting(session, 'r-waiting'));
    const t = await start(); // the register still does not answer
    const status = await t.call<Status>('GET', '/v1/status');
    expect(status.body.printReview).toMatchObject({ count: 0, printing: 1, items: [] });
    const list = await t.call<{ items: PrintIntentView[] }>('GET', '/v1/print-intents');
    expect(list.body.items.map((i) => [i.receiptId, i.state])).toEqual([['r-waiting', 'printing']]);
    const res = await settle(t, 'r-waiting', { outcome: 'not-printed' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('RECEIPT_PRINTING');
    expect(Object.keys((await printIntents(session.dir)).printing)).toEqual(['r-waiting']);
  });
});

describe('a printed receipt whose points hold expired is confirmed, not held', () => {
  let cloud: FakeCloud;

  beforeEach(async () => {
    cloud = await startPointsCloud();
  });
  afterEach(async () => {
    await session.closeAll(); // before the cloud they talk to
    await cloud.close();
  });

  it('when the hold expires while the register prints: 200 with the fiscal document, warned', async () => {
    let lateBy = 0;
    const t = await start({ cloud, now: () => new Date(Date.now() + lateBy) });
    const print = t.register.printReceipt.bind(t.register);
    t.register.printReceipt = async (r) => {
      const doc = await print(r);
      lateBy = 20 * 60_000; // the receipt's 15 minutes ran out while the paper came out
      return doc;
    };
    const res = await t.call<Answer>('POST', '/v1/sales', cheeseWithPoints('r-late-hold'));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('confirmed');
    const [tx] = saleTxs(t, 'r-late-hold');
    // The sale names the hold and the points: the cloud books them and records the late hold.
    expect(tx!.holdId).toBe((cloud.callsTo('holds')[0]!.body as { holdId: string }).holdId);
    expect(tx!.totals.redeemedPoints).toBe(200);
    expect(tx!.fiscal!.fd).toBe(res.body.fiscal.fd);
    expect((await printIntents(session.dir)).review ?? {}).toEqual({});
    expect(t.logs.some((l) => l.includes('points hold had expired') && l.includes('hold-expired'))).toBe(
      true,
    );
  });

  it('after a crash past the hold, the next start confirms it from the register', async () => {
    await printedThenCrashed(session, cheeseWithPoints('r-crash-hold'), { cloud });

    const second = await start({ cloud, now: () => new Date(Date.now() + 3600_000) });
    const [tx, ...more] = saleTxs(second, 'r-crash-hold');
    expect(more).toHaveLength(0);
    expect(tx!.fiscal!.fd).toBe(String(closedReceipts(session.sim.device.journal)[0]!.fd));
    expect(tx!.holdId).toBeDefined();
    expect((await printIntents(session.dir)).review ?? {}).toEqual({});
    expect((await second.call<Status>('GET', '/v1/status')).body.printReview.count).toBe(0);
  });
});
