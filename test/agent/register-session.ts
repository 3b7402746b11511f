// One test's data directory and simulated register, which outlive the agents started on them: closing
// an agent and starting another on the same pair is a crash and a restart. The vitest hooks that make
// and remove them are registered by `useRegisterSession`, so each test starts from nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { Command } from '../../drivers/atol/commands/codes.js';
import type { SimulatedRegister } from '../../drivers/atol/virtual/simulated-register.js';
import { REGISTER_LOCAL_CODES } from '../../drivers/register/types.js';
import type { SaleRequest } from '../../src/agent/register-sale.js';
import { simulated } from '../drivers/atol/helpers.js';
import type { FakeCloud } from '../sync/fakes/fake-cloud.js';
import { failNextConfirm } from './confirm-faults.js';
import {
  type Answer,
  breadSale,
  closedReceipts,
  keyboardSale,
  printIntents,
  type RegisterAgent,
  startRegisterAgent,
} from './register-sale-harness.js';

export interface RegisterSession {
  /** This test's data directory (new for every test). */
  readonly dir: string;
  /** This test's simulated register (new for every test). */
  readonly sim: SimulatedRegister;
  /** Starts an agent on the directory and register; it is closed after the test if still running. */
  start(o?: { now?: () => Date; cloud?: FakeCloud }): Promise<RegisterAgent>;
  /** Stops an agent the way a crash leaves things: nothing more is confirmed after this. */
  crash(t: RegisterAgent): Promise<void>;
  /** Closes every agent still running (for a suite that must stop them before its cloud). */
  closeAll(): Promise<void>;
}

/** Registers beforeEach/afterEach hooks in the calling suite; the temp dir's name starts with `tempPrefix`. */
export function useRegisterSession(tempPrefix: string): RegisterSession {
  let dir = '';
  let sim: SimulatedRegister | undefined;
  const running: RegisterAgent[] = [];

  const closeAll = async () => {
    for (const t of running.splice(0)) await t.close();
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), tempPrefix));
    sim = simulated();
  });
  afterEach(async () => {
    await closeAll();
    sim?.device.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const session: RegisterSession = {
    get dir() {
      return dir;
    },
    get sim() {
      if (!sim) throw new Error('the register session exists only inside a test');
      return sim;
    },
    async start(o = {}) {
      const t = await startRegisterAgent({ sim: session.sim, dir, ...o });
      running.push(t);
      return t;
    },
    async crash(t) {
      running.splice(running.indexOf(t), 1);
      await t.close();
    },
    closeAll,
  };
  return session;
}

/** The fiscal document the register printed for a receipt, as its paper journal shows it. */
export interface PrintedDocument {
  fd: string;
  fp: string;
  clock: string;
}

/** Prints the sale, then "loses power" before the confirm: the intent stays in `printing`. */
export async function printedThenCrashed(
  session: RegisterSession,
  sale: SaleRequest,
  o: { cloud?: FakeCloud } = {},
): Promise<PrintedDocument> {
  const t = await session.start(o);
  failNextConfirm(t);
  expect((await t.call('POST', '/v1/sales', sale)).status).toBe(503);
  await session.crash(t);
  const printed = closedReceipts(session.sim.device.journal).at(-1)!;
  return { fd: String(printed.fd), fp: String(printed.fp), clock: printed.clock! };
}

/**
 * A bread sale printed before a crash, then a 30,00 sale at the register's keyboard while the agent
 * was down: the next start cannot tell whether the receipt printed, and holds it for review.
 */
export async function heldForReview(session: RegisterSession, receiptId: string): Promise<PrintedDocument> {
  const ours = await printedThenCrashed(session, breadSale(receiptId));
  await keyboardSale(session.sim, 3000);
  return ours;
}

/**
 * The register goes silent when the receipt is opened: the receipt never exists on paper, and the
 * agent (still running) cannot ask the register afterwards either, so the intent waits.
 */
export async function interruptedBeforePrinting(
  session: RegisterSession,
  receiptId: string,
): Promise<RegisterAgent> {
  const t = await session.start();
  session.sim.device.injectFault({ kind: 'silent-on', command: Command.OpenReceipt });
  const res = await t.call<Answer>('POST', '/v1/sales', breadSale(receiptId));
  expect(res.status).toBe(502);
  expect(res.body.error.details.deviceCode).toBe(REGISTER_LOCAL_CODES.TIMEOUT);
  expect(Object.keys((await printIntents(session.dir)).printing)).toEqual([receiptId]);
  return t;
}
