// An in-process agent selling through the simulated register (a real AtolRegister speaking bytes to a
// VirtualAtol), with the device at hand so tests can read its paper journal and inject faults.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { AtolRegister } from '../../drivers/atol/driver.js';
import type { JournalEntry, JournalReceipt } from '../../drivers/atol/virtual/journal.js';
import type { SimulatedRegister } from '../../drivers/atol/virtual/simulated-register.js';
import type { PrintIntents, SaleRequest, SaleResponse } from '../../src/agent/register-sale.js';
import type { Tx } from '../../src/protocol/sync.js';
import { FileState } from '../../src/storage/index.js';
import { FAST_TIMINGS, saleRequest, simulated } from '../drivers/atol/helpers.js';
import { card, customer, SUNDAY, startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { AGENT_ID, FakeCloud, KEY } from '../sync/fakes/fake-cloud.js';

/** How the tests read any answer of the sale and status routes (assertions check what is there). */
export interface Answer extends SaleResponse {
  error: {
    code: string;
    message: string;
    details: {
      deviceCode: number;
      deviceText: string;
      toPay?: number;
      paid?: number;
      fiscal?: SaleResponse['fiscal'];
    };
  };
  register: { driver: string; state: string; lastError?: { code: number; message: string } };
}

export interface RegisterAgent extends TestAgent {
  sim: SimulatedRegister;
  register: AtolRegister;
}

/**
 * Starts an agent whose register talks to `sim`'s device. A new AtolRegister is made each time, so a
 * second agent on the same dataDir and device is a restart after a crash.
 */
export async function startRegisterAgent(
  o: {
    sim?: SimulatedRegister;
    dir?: string;
    cloud?: FakeCloud;
    now?: () => Date;
    /** More config keys (e.g. another program file). */
    config?: Record<string, unknown>;
  } = {},
): Promise<RegisterAgent> {
  const sim = o.sim ?? simulated();
  const register = new AtolRegister({ ...FAST_TIMINGS, driver: 'simulator', link: () => sim.cable.host });
  const t = await startTestAgent(
    {
      register: { driver: 'simulator' },
      ...(o.cloud && { cloud: { url: o.cloud.url, agentId: AGENT_ID, key: KEY } }),
      ...o.config,
    },
    { register, ...(o.dir && { dir: o.dir }), ...(o.now && { now: o.now }) },
  );
  return { ...t, sim, register };
}

/** One loaf of bread paid in cash, no customer: the plainest sale the register prints. */
export function breadSale(receiptId: string, price = 10000): SaleRequest {
  return {
    receiptId,
    at: SUNDAY,
    lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price, qty: 1 }],
    payments: [{ type: 'cash', amount: price }],
  };
}

/**
 * Someone sells at the register's own keyboard (no agent involved): a document the agent did not
 * print, so its "last document" no longer matches an interrupted print of its own.
 */
export async function keyboardSale(sim: SimulatedRegister, total: number): Promise<void> {
  const keyboard = new AtolRegister({ ...FAST_TIMINGS, link: () => sim.cable.host });
  await keyboard.open();
  await keyboard.printReceipt(
    saleRequest({
      lines: [{ name: 'Вода', qty: 1, price: total, amount: total }],
      payments: [{ type: 'cash', amount: total }],
    }),
  );
  await keyboard.close();
}

/** The card of the customer the points cloud knows: silver tier, 500 points available. */
export const GOLD_CARD = card(2001);

/**
 * A fake cloud that serves the example program and identifies GOLD_CARD's customer, so a sale can
 * hold and spend points (and a phone customer is asked for a code). The caller closes it.
 */
export async function startPointsCloud(): Promise<FakeCloud> {
  const cloud = await FakeCloud.start();
  cloud.program = JSON.parse(await readFile(path.resolve('config/program.example.json'), 'utf8'));
  cloud.programEtag = '"example"';
  cloud.script('identify', () => ({
    customer: customer('c-gold', {
      cards: [GOLD_CARD],
      tierId: 'silver',
      periodSpend: 600000,
      balance: { available: 500, pending: 0 },
    }),
  }));
  return cloud;
}

/** 1 000,00 of cheese paying 200 points: 1 000,00 − 5 % = 950,00, − 200,00 → 750,00 by card. */
export function cheeseWithPoints(
  receiptId: string,
  who: SaleRequest['customer'] = { card: GOLD_CARD },
): SaleRequest {
  return {
    receiptId,
    customer: who,
    at: SUNDAY,
    lines: [{ lineId: '1', sku: 'CHEESE', name: 'Сыр', price: 100000, qty: 1 }],
    redeem: { points: 200 },
    payments: [{ type: 'card', amount: 75000 }],
  };
}

export function closedReceipts(journal: readonly JournalEntry[]): JournalReceipt[] {
  return journal.filter((e): e is JournalReceipt => e.kind === 'receipt' && e.status === 'closed');
}

export function saleTxs(t: TestAgent, receiptId: string): Tx[] {
  return t.agent.store.journal
    .byReceipt(receiptId)
    .filter((e) => e.tx.kind === 'sale')
    .map((e) => e.tx);
}

/** The print intents file as the agent left it (read-only, through the store's own reader). */
export async function printIntents(dir: string): Promise<PrintIntents> {
  const state = await FileState.open<PrintIntents>(path.join(dir, 'print-intents.json'), {
    logger: pino({ level: 'silent' }),
    readOnly: true,
    defaults: () => ({ printing: {} }),
  });
  return state.read();
}
