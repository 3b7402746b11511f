// The register end to end over a real pty pair: the virtual register runs as its own process on one
// end of `socat`, the BUILT agent (`loyalty-agent start --config FILE`, driver "atol") on the other.
// Killing socat is pulling the cable; starting it again is plugging it back in — the agent is never
// restarted. Needs socat (skipped with a message without it) and `npm run build`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEntry, JournalReceipt } from '../../drivers/atol/virtual/journal.js';
import { writeAgentConfigFile } from '../helpers/agent-config-file.js';
import { type AgentProcess, spawnAgent } from '../helpers/agent-process.js';
import { Cleanup } from './helpers/cleanup.js';
import { stopChild } from './helpers/cloud-process.js';
import { httpJson, waitFor } from './helpers/http-json.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
if (!hasSocat)
  console.warn('socat is not installed: skipping the register pty end-to-end test (apt-get install socat)');

const TOKEN = 'secret-till-1';

interface Status {
  register: { driver: string; state: string; lastError?: { code: number; message: string } };
}

interface SaleAnswer {
  status?: string;
  totals?: { toPay: number };
  fiscal?: { fn: string; fd: string; fp: string; at: string };
  error?: { code: string; message: string; details?: { deviceCode: number; deviceText: string } };
}

describe.skipIf(!hasSocat)('the agent process sells through the virtual register process over socat', () => {
  const cleanup = new Cleanup();
  let dir = '';
  let socat: ChildProcess | null = null;
  let register: ChildProcess | null = null;
  let agent: AgentProcess | null = null;
  const registerEvents: Record<string, unknown>[] = [];

  const linkA = () => path.join(dir, 'register-end');
  const linkB = () => path.join(dir, 'agent-end');

  async function plugIn(): Promise<void> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${linkA()}`, `pty,raw,echo=0,link=${linkB()}`], {
      stdio: 'ignore',
    });
    socat = child;
    await waitFor(
      'the socat ptys',
      async () => (existsSync(linkA()) && existsSync(linkB()) ? true : undefined),
      {
        timeoutMs: 5000,
        everyMs: 20,
      },
    );
  }

  async function unplug(): Promise<void> {
    const child = socat;
    socat = null;
    if (child) await stopChild(child, 2000);
  }

  /** A control line to the virtual register's stdin, answered by an event line on its stdout. */
  async function control(line: string, event = 'done'): Promise<Record<string, unknown>> {
    const from = registerEvents.length;
    register!.stdin!.write(`${line}\n`);
    return waitFor(
      `the register's answer to "${line}"`,
      async () => registerEvents.slice(from).find((e) => e.event === event),
      { timeoutMs: 5000, everyMs: 20 },
    );
  }

  async function printed(): Promise<JournalReceipt[]> {
    const { journal } = (await control('journal', 'journal')) as { journal: JournalEntry[] };
    return journal.filter((e): e is JournalReceipt => e.kind === 'receipt' && e.status === 'closed');
  }

  const call = <T>(method: string, route: string, body?: unknown) =>
    httpJson<T>(agent!.url, method, route, { token: TOKEN, body, timeoutMs: 20_000 });

  const status = async () => (await call<Status>('GET', '/v1/status')).body.register;

  const registerIs = (what: string, ok: (r: Status['register']) => boolean, timeoutMs = 15_000) =>
    waitFor(
      `register ${what}`,
      async () => {
        const r = await status();
        return ok(r) ? r : undefined;
      },
      { timeoutMs, everyMs: 100 },
    );

  const sale = (receiptId: string) => ({
    receiptId,
    at: '2026-11-22T10:00:00+03:00',
    lines: [
      { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 2, category: 'dairy' },
      { lineId: '2', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 0.455, category: 'dairy' },
    ],
    payments: [{ type: 'card', amount: 17980 + 59105 }],
  });

  beforeAll(async () => {
    dir = await cleanup.tempDir('la-register-pty-');
    cleanup.defer('unplug', () => unplug());
    await plugIn();

    register = spawn(
      process.execPath,
      ['--import', './test/drivers/atol/ts-register.mjs', 'drivers/atol/virtual/main.ts', '--port', linkA()],
      { cwd: path.resolve('.'), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const child = register;
    cleanup.defer('stop the virtual register', () => stopChild(child, 3000));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      registerEvents.push(JSON.parse(line) as Record<string, unknown>);
    });
    await waitFor(
      'the virtual register on its pty',
      async () => registerEvents.find((e) => e.event === 'up'),
      {
        timeoutMs: 15_000,
        everyMs: 20,
      },
    );

    const config = await writeAgentConfigFile(path.join(dir, 'agent.json'), {
      dataDir: path.join(dir, 'data'),
      tokens: [{ token: TOKEN, tillId: 'till-1' }],
      register: { driver: 'atol', path: linkB(), baudRate: 115200 },
    });
    agent = await spawnAgent(['start', '--config', config]);
    const running = agent;
    cleanup.defer('stop the agent', () => stopChild(running.child, 5000));
  }, 45_000);

  afterAll(() => cleanup.run(), 30_000);

  it('sells, notices the unplug, answers 502 fast, reconnects by itself, reports no paper and silence', async () => {
    const ready = await registerIs('ready', (r) => r.state === 'ready');
    expect(ready.driver).toBe('atol');

    // A full sale: printed, then confirmed with the register's document.
    const first = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-1'));
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('confirmed');
    const [receipt] = await printed();
    expect(receipt!.positions.map((p) => [p.name, p.qty, p.price, p.amount])).toEqual([
      ['Молоко', 2, 8990, 17980],
      // a weighed position: amount kept, price = roundHalfUp(59105 / 0.455) = 129901
      ['Сыр', 0.455, 129901, 59105],
    ]);
    expect(first.body.fiscal).toMatchObject({
      fn: '9999078900012345',
      fd: String(receipt!.fd),
      at: receipt!.clock,
    });
    const stored = await call<SaleAnswer>('GET', '/v1/receipts/pty-1');
    expect(stored.body.status).toBe('confirmed');

    // Unplug mid-shift: the agent notices on its own and a sale fails fast instead of hanging.
    await unplug();
    const down = await registerIs('lost', (r) => r.state === 'disconnected', 10_000);
    expect(down.lastError?.code).toBe(1003);
    expect(down.lastError?.message).toContain('не подключена');
    const started = Date.now();
    const refused = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-2'));
    expect(refused.status).toBe(502);
    expect(refused.body.error?.code).toBe('REGISTER_ERROR');
    expect(refused.body.error?.details?.deviceCode).toBe(1003);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await printed()).toHaveLength(1);

    // Plug it back: the driver reconnects without an agent restart; the same receipt now sells.
    await plugIn();
    await registerIs('ready again', (r) => r.state === 'ready', 20_000);
    const second = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-2'));
    expect(second.status).toBe(200);
    expect(Number(second.body.fiscal?.fd)).toBe(Number(first.body.fiscal?.fd) + 1);
    expect(await printed()).toHaveLength(2);

    // Out of paper: 502 with the device's code and text; the status keeps the error.
    await control('paper off');
    const noPaper = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-3'));
    expect(noPaper.status).toBe(502);
    expect(noPaper.body.error?.details).toMatchObject({ deviceCode: 103 });
    expect(noPaper.body.error?.details?.deviceText).toContain('Нет бумаги');
    const afterFailure = await status();
    expect(afterFailure).toMatchObject({ driver: 'atol', lastError: { code: 103 } });
    expect(afterFailure.lastError?.message).toContain('Нет бумаги');
    expect(await printed()).toHaveLength(2);
    expect((await call<SaleAnswer>('GET', '/v1/receipts/pty-3')).body.status).toBe('calculated');

    await control('paper on');
    const third = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-3'));
    expect(third.status).toBe(200);
    expect(await printed()).toHaveLength(3);

    // A register that stops answering: the sale gives up within the driver's timeouts, not never.
    await control('silent');
    const muteStarted = Date.now();
    const mute = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-4'));
    expect(mute.status).toBe(502);
    expect(mute.body.error?.details?.deviceCode).toBe(1002);
    expect(Date.now() - muteStarted).toBeLessThan(10_000);
    await control('resume');
    const fourth = await call<SaleAnswer>('POST', '/v1/sales', sale('pty-4'));
    expect(fourth.status).toBe(200);
    expect(await printed()).toHaveLength(4);
  }, 60_000);
});
