// Integration over a pty pair: the virtual register runs as a separate node process on one end
// of `socat`, the driver on the other. Killing socat is an unplug; starting it again a replug.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry, JournalReceipt } from '../../../drivers/atol/virtual/journal.js';
import { createRegister } from '../../../drivers/register/create-register.js';
import { type FiscalRegister, RegisterError } from '../../../drivers/register/types.js';
import { saleRequest, waitFor } from './helpers.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
if (!hasSocat)
  console.warn('socat is not installed: skipping the pty integration test (apt-get install socat)');

const root = fileURLToPath(new URL('../../../', import.meta.url));

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
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
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
    child = spawn(
      process.execPath,
      ['--import', './test/drivers/atol/ts-register.mjs', 'drivers/atol/virtual/main.ts', '--port', linkB()],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      childEvents.push(JSON.parse(line) as Record<string, unknown>);
    });
    await waitFor(() => childEvents.some((e) => e.event === 'up'), 15_000);
  }, 30_000);

  afterAll(async () => {
    await register?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await stopSocat();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sells, survives an unplug/replug by itself, sells again, reports no paper', async () => {
    register = createRegister({
      driver: 'atol',
      path: linkA(),
      baudRate: 115_200,
      ackTimeoutMs: 150,
      retries: 3,
      asyncTimeoutMs: 2000,
      pollIntervalMs: 50,
      openTimeoutMs: 5000,
      reconnect: { minMs: 50, maxMs: 300 },
      resync: { minMs: 50, maxMs: 300 },
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
