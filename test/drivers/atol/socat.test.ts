// Integration over a pty pair: the virtual register runs as a separate node process on one end
// of `socat`, the driver on the other. Killing socat is an unplug; starting it again a replug.
// A second part sells through POST /v1/sales of an agent whose register is that process, with
// the register answering at once (sync) and with A1 then F0 packets (async).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegister } from '../../../drivers/atol/create-register.js';
import type { JournalEntry, JournalReceipt } from '../../../drivers/atol/virtual/journal.js';
import { type FiscalRegister, RegisterError } from '../../../drivers/register/types.js';
import type { SaleResponse } from '../../../src/agent/register-sale.js';
import { SUNDAY, startTestAgent, type TestAgent } from '../../helpers/agent-harness.js';
import { PTY_TIMINGS, saleRequest, waitFor } from './helpers.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
if (!hasSocat)
  console.warn('socat is not installed: skipping the pty integration test (apt-get install socat)');

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts the virtual register as its own process on `port`; its JSON event lines go to `events`. */
async function spawnVirtualRegister(
  port: string,
  events: Record<string, unknown>[],
  extraArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      './test/drivers/atol/ts-register.mjs',
      'drivers/atol/virtual/main.ts',
      '--port',
      port,
      ...extraArgs,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
  });
  await waitFor(() => events.some((e) => e.event === 'up'), 15_000);
  return child;
}

async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!hasSocat)('driver ⇄ virtual register process over socat ptys', () => {
  let dir = '';
  let socat: ChildProcess | null = null;
  let child: ChildProcess | null = null;
  let register: FiscalRegister | null = null;
  const childEvents: Record<string, unknown>[] = [];

  const linkA = () => join(dir, 'A');
  const linkB = () => join(dir, 'B');

  async function startSocat(): Promise<void> {
    socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${linkA()}`, `pty,raw,echo=0,link=${linkB()}`], {
      stdio: 'ignore',
    });
    await waitFor(() => existsSync(linkA()) && existsSync(linkB()), 5000);
  }

  async function stopSocat(): Promise<void> {
    const running = socat;
    socat = null;
    await stopProcess(running);
  }

  async function control(line: string, event = 'done'): Promise<Record<string, unknown>> {
    const before = childEvents.length;
    child!.stdin!.write(`${line}\n`);
    await waitFor(() => childEvents.slice(before).some((e) => e.event === event), 5000);
    return childEvents.slice(before).find((e) => e.event === event)!;
  }

  async function closedReceipts(): Promise<JournalReceipt[]> {
    const { journal } = (await control('journal', 'journal')) as { journal: JournalEntry[] };
    return journal.filter((e): e is JournalReceipt => e.kind === 'receipt' && e.status === 'closed');
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atol-pty-'));
    await startSocat();
    child = await spawnVirtualRegister(linkB(), childEvents);
  }, 30_000);

  afterAll(async () => {
    await register?.close();
    await stopProcess(child);
    await stopSocat();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sells, survives an unplug/replug by itself, sells again, reports no paper', async () => {
    register = createRegister({
      driver: 'atol',
      path: linkA(),
      baudRate: 115_200,
      ...PTY_TIMINGS,
    })!;
    await register.open();
    const first = await register.printReceipt(saleRequest());
    expect(first.total).toBe(49445);
    const [receipt] = await closedReceipts();
    expect(receipt!.positions.map((p) => [p.name, p.price, p.qty, p.amount])).toEqual([
      ['Молоко 3,2% 1 л', 8990, 2, 17980],
      ['Сыр весовой', 89900, 0.35, 31465],
    ]);
    expect(String(receipt!.fd)).toBe(first.fd);

    // unplug: the driver notices by itself
    await stopSocat();
    await waitFor(() => register!.state().state === 'disconnected', 5000);
    // replug: both ends reopen the new ptys, the driver resyncs
    await startSocat();
    await waitFor(() => register!.state().state === 'ready', 10_000);
    const second = await register.printReceipt(saleRequest({ receiptId: 'r-2' }));
    expect(Number(second.fd)).toBe(Number(first.fd) + 1);
    expect(await closedReceipts()).toHaveLength(2);

    await control('paper off');
    const error = await register.printReceipt(saleRequest({ receiptId: 'r-3' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegisterError);
    expect((error as RegisterError).deviceCode).toBe(103);
    expect(await closedReceipts()).toHaveLength(2);
    expect(register.state()).toMatchObject({ state: 'error', lastError: { code: 103 } });
  }, 40_000);
});

describe.skipIf(!hasSocat).each(['sync', 'async'] as const)(
  'POST /v1/sales over a pty, the virtual register process answering in %s mode',
  (mode) => {
    let dir = '';
    let socat: ChildProcess | null = null;
    let child: ChildProcess | null = null;
    let agent: TestAgent | null = null;
    const events: Record<string, unknown>[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `atol-sales-${mode}-`));
      const [registerEnd, agentEnd] = [join(dir, 'register-end'), join(dir, 'agent-end')];
      socat = spawn('socat', [`pty,raw,echo=0,link=${registerEnd}`, `pty,raw,echo=0,link=${agentEnd}`], {
        stdio: 'ignore',
      });
      await waitFor(() => existsSync(registerEnd) && existsSync(agentEnd), 5000);
      child = await spawnVirtualRegister(registerEnd, events, ['--result-mode', mode]);
      expect(events.find((e) => e.event === 'started')).toMatchObject({ resultMode: mode });
      agent = await startTestAgent({ register: { driver: 'atol', path: agentEnd, baudRate: 115_200 } });
    }, 30_000);

    afterAll(async () => {
      await agent?.close();
      await stopProcess(child);
      await stopProcess(socat);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('prints 256,21 paid with 300,00 cash, confirms with the fiscal document and 43,79 change', async () => {
      const res = await agent!.call<SaleResponse>('POST', '/v1/sales', {
        receiptId: `pty-${mode}`,
        at: SUNDAY,
        lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 25621, qty: 1 }],
        payments: [{ type: 'cash', amount: 30000 }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'confirmed', totals: { toPay: 25621 }, change: 4379 });
      const before = events.length;
      child!.stdin!.write('journal\n');
      await waitFor(() => events.slice(before).some((e) => e.event === 'journal'), 5000);
      const { journal } = events.slice(before).find((e) => e.event === 'journal') as {
        journal: JournalEntry[];
      };
      const printed = journal.filter(
        (e): e is JournalReceipt => e.kind === 'receipt' && e.status === 'closed',
      );
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatchObject({
        total: 25621,
        change: 4379,
        payments: [{ type: 1, amount: 30000 }],
      });
      expect(res.body.fiscal).toMatchObject({ fn: '9999078900012345', fd: String(printed[0]!.fd) });
    }, 30_000);
  },
);
