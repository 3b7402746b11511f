// Serial faults during whole sales (POST /v1/sales) through the virtual ATOL register: noise on the
// line, lost bytes, bad checksums, lost replies, a cable pulled mid-receipt, a register that goes
// silent, paper running out. The till retries a refused sale as a cashier would. After a restart
// (the agent's recovery), every confirmed sale carries a fiscal document the register closed, and
// every document the register closed belongs to exactly one confirmed sale.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from '../../drivers/atol/commands/codes.js';
import type { JournalReceipt } from '../../drivers/atol/virtual/journal.js';
import { createSimulatedRegister } from '../../drivers/atol/virtual/simulated-register.js';
import { startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { printFigures, size } from './support/env.js';
import { saleLines } from './support/till-client.js';

const SALES = size(20, 150);

let dir = '';
let agent: TestAgent | null = null;
afterAll(async () => {
  await agent?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Sim = ReturnType<typeof createSimulatedRegister>;

/** Injects one fault chosen by `n`; returns its name and how to clear it once the sale is over. */
function injectFault(sim: Sim, n: number): { name: string; clear: () => void } {
  const { device, cable } = sim;
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  };
  switch (n % 10) {
    case 0:
      return { name: 'none', clear() {} };
    case 1: {
      // Garbage on the line while the receipt is printed.
      const timer = setInterval(() => cable.device.write(randomBytes(1 + Math.floor(Math.random() * 12))), 7);
      return { name: 'noise', clear: () => clearInterval(timer) };
    }
    case 2:
      device.injectFault({ kind: 'drop-bytes', count: 1 + Math.floor(Math.random() * 4) });
      return { name: 'lost bytes', clear() {} };
    case 3:
      device.injectFault({ kind: 'bad-crc' });
      return { name: 'bad crc', clear() {} };
    case 4:
      device.injectFault({ kind: 'lose-reply-on', command: Command.CloseReceipt });
      return { name: 'lost reply to close', clear() {} };
    case 5:
      device.injectFault({ kind: 'lose-reply-on', command: Command.RegisterPosition });
      return { name: 'lost reply to a position', clear() {} };
    case 6: {
      const cancel = later(5 + Math.floor(Math.random() * 80), () => cable.unplug());
      return {
        name: 'unplugged mid-receipt',
        clear: () => {
          cancel();
          cable.replug();
        },
      };
    }
    case 7: {
      const cancel = later(5 + Math.floor(Math.random() * 80), () => device.goSilent());
      return {
        name: 'silent register',
        clear: () => {
          cancel();
          device.resume();
        },
      };
    }
    case 8:
      device.injectFault({ kind: 'paper-out-on', command: Command.CloseReceipt });
      return { name: 'paper out before close', clear: () => device.setPaper(true) };
    default:
      device.injectFault({ kind: 'resend-request' });
      return { name: 'resend request', clear() {} };
  }
}

async function waitReady(t: TestAgent, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = await t.call<{ register: { state: string } }>('GET', '/v1/status');
    if (s.body.register.state === 'ready') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serial faults during /v1/sales', () => {
  it('never confirms without a fiscal document, never leaves a fiscal document unconfirmed', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-chaos-serial-'));
    const sim = createSimulatedRegister({
      baudRate: 115_200,
      ackTimeoutMs: 150,
      retries: 3,
      asyncTimeoutMs: 1500,
      pollIntervalMs: 20,
      openTimeoutMs: 5000,
      resync: { minMs: 50, maxMs: 300 },
    });
    const start = () =>
      startTestAgent({ register: { driver: 'simulator' } }, { dir, register: sim.register });
    agent = await start();

    const statuses = new Map<string, number>();
    const faults = new Map<string, number>();
    const unexpected: string[] = [];
    let operations = 0;
    for (let i = 0; i < SALES; i++) {
      const receiptId = `serial-${i}`;
      const calc = await agent.call<{ totals: { toPay: number } }>('POST', '/v1/receipts/calculate', {
        receiptId,
        lines: saleLines,
      });
      expect(calc.status).toBe(200);
      const sale = {
        receiptId,
        lines: saleLines,
        payments: [{ type: 'card', amount: calc.body.totals.toPay }],
      };
      // A refused sale is tried again (the cashier presses the button again) once the fault is gone.
      for (let attempt = 0; attempt < 4; attempt++) {
        const fault =
          attempt === 0 ? injectFault(sim, Math.floor(Math.random() * 1000)) : { name: 'none', clear() {} };
        faults.set(fault.name, (faults.get(fault.name) ?? 0) + 1);
        operations += 1;
        const res = await agent.call<{ error?: { code: string } }>('POST', '/v1/sales', sale);
        fault.clear();
        const key = `${res.status}${res.body.error ? ` ${res.body.error.code}` : ''}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status !== 200 && !(res.status === 502 && res.body.error?.code === 'REGISTER_ERROR')) {
          unexpected.push(`${receiptId}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        if (res.status === 200) break;
        await waitReady(agent);
      }
    }

    // Recovery: the agent restarts on the same data and register and settles interrupted prints.
    await agent.close();
    agent = await start();
    await waitReady(agent);

    const sales = agent.agent.store.journal.pending(100_000).filter((e) => e.tx.kind === 'sale');
    const closed = sim.device.journal.filter(
      (e): e is JournalReceipt => e.kind === 'receipt' && e.type === 'sale' && e.status === 'closed',
    );
    const closedByFd = new Map(closed.map((r) => [String(r.fd), r]));
    const withoutFiscal = sales.filter((e) => !e.tx.fiscal).map((e) => e.tx.receiptId);
    const unknownFd = sales
      .filter((e) => e.tx.fiscal && !closedByFd.has(e.tx.fiscal.fd))
      .map((e) => e.tx.receiptId);
    const wrongTotal = sales
      .filter(
        (e) =>
          e.tx.fiscal &&
          closedByFd.get(e.tx.fiscal.fd) &&
          closedByFd.get(e.tx.fiscal.fd)!.total !== e.tx.totals.toPay,
      )
      .map((e) => e.tx.receiptId);
    const fdUses = new Map<string, number>();
    for (const e of sales) if (e.tx.fiscal) fdUses.set(e.tx.fiscal.fd, (fdUses.get(e.tx.fiscal.fd) ?? 0) + 1);
    const orphanDocs = closed.filter((r) => !fdUses.has(String(r.fd))).map((r) => r.fd);
    const sharedDocs = [...fdUses].filter(([, n]) => n > 1).map(([fd]) => fd);
    const receiptIds = new Set(sales.map((e) => e.tx.receiptId));

    printFigures('serial faults', {
      operations,
      faults: [...faults].filter(([k]) => k !== 'none').reduce((s, [, n]) => s + n, 0),
      sales: SALES,
      confirmed: sales.length,
      fiscalDocs: closed.length,
      lost: orphanDocs.length + withoutFiscal.length,
      duplicated: sharedDocs.length + (sales.length - receiptIds.size),
      faultKinds: JSON.stringify(Object.fromEntries(faults)),
      statuses: JSON.stringify(Object.fromEntries(statuses)),
    });
    expect(unexpected, 'answers other than 200 or 502 REGISTER_ERROR').toEqual([]);
    expect(withoutFiscal, 'confirmed sales without a fiscal document').toEqual([]);
    expect(unknownFd, 'confirmed sales naming a document the register never closed').toEqual([]);
    expect(wrongTotal, 'confirmed sales whose document has another total').toEqual([]);
    expect(orphanDocs, 'fiscal documents without a confirmed sale').toEqual([]);
    expect(sharedDocs, 'fiscal documents used by two sales').toEqual([]);
    expect(receiptIds.size).toBe(sales.length);
    expect(sales.length).toBeGreaterThan(SALES / 2); // the faults did not simply stop all sales
  }, 600_000);
});
