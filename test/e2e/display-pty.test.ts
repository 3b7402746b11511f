// The customer display through the agent's own device wiring (startAgent + tillExtras, as `start`
// runs them) over a real pty pair: the test reads what the display would receive on the other end
// of `socat`. Killing socat is pulling the display's cable; starting it again is plugging it back —
// the agent is never restarted, and the display shows the receipt's text again by itself.
// Needs socat (skipped with a message without it).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillExtras } from '../../src/app/till-extras.js';
import { startTestAgent, type TestAgent } from '../helpers/agent-harness.js';
import { Cleanup } from './helpers/cleanup.js';
import { stopChild } from './helpers/cloud-process.js';
import { waitFor } from './helpers/http-json.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
if (!hasSocat)
  console.warn('socat is not installed: skipping the customer display pty test (apt-get install socat)');

const hex = (b: Buffer) => b.toString('hex').toUpperCase().match(/../g)?.join(' ') ?? '';

// CD5220 frames written out by hand from the published layout (ESC @ reset, FF clear, ESC Q A/B
// line + CR) and CP866: К 8A, О 8E, П 8F, Л 8B, А 80, Т 92, Е 85, С 91, И 88, Д 84.
const RESET_AND_CLEAR = '1B 40 0C';
// "К ОПЛАТЕ       85,00" over "СКИДКА          15,00": 100,00 with 15 % off a yellow-price line.
const UPPER = '1B 51 41 8A 20 8E 8F 8B 80 92 85 20 20 20 20 20 20 20 38 35 2C 30 30 0D';
const LOWER = '1B 51 42 91 8A 88 84 8A 80 20 20 20 20 20 20 20 20 20 31 35 2C 30 30 0D';

describe.skipIf(!hasSocat)('the customer display survives an unplug, through the agent wiring', () => {
  const cleanup = new Cleanup();
  let dir = '';
  let socat: ChildProcess | null = null;
  let device: SerialPort | null = null;
  let received = Buffer.alloc(0);
  let t: TestAgent;

  const displayEnd = () => path.join(dir, 'display-end');
  const agentEnd = () => path.join(dir, 'agent-end');

  /** Starts socat and opens the display's end of the cable, collecting what arrives. */
  async function plugIn(): Promise<void> {
    socat = spawn('socat', [`pty,raw,echo=0,link=${displayEnd()}`, `pty,raw,echo=0,link=${agentEnd()}`], {
      stdio: 'ignore',
    });
    await waitFor(
      'the socat ptys',
      async () => (existsSync(displayEnd()) && existsSync(agentEnd()) ? true : undefined),
      { timeoutMs: 5000, everyMs: 20 },
    );
    const port = new SerialPort({ path: displayEnd(), baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    port.on('error', () => undefined);
    device = port;
  }

  async function unplug(): Promise<void> {
    const port = device;
    device = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    const child = socat;
    socat = null;
    if (child) await stopChild(child, 2000);
  }

  /** Waits until the display has received exactly these frames (hex), then forgets them. */
  async function displayGets(what: string, frames: string): Promise<void> {
    await waitFor(what, async () => (hex(received) === frames ? true : undefined), {
      timeoutMs: 10_000,
      everyMs: 20,
    }).catch((err: Error) => {
      throw new Error(`${err.message}; the display got: ${hex(received)}`);
    });
    received = Buffer.alloc(0);
  }

  const calculate = (receiptId: string) =>
    t.call('POST', '/v1/receipts/calculate', {
      receiptId,
      at: '2026-11-22T10:00:00+03:00',
      lines: [{ lineId: '1', sku: 'SOAP-1', name: 'Мыло', price: 10000, qty: 1, tags: ['yellow-price'] }],
    });

  beforeAll(async () => {
    dir = await cleanup.tempDir('la-display-pty-');
    cleanup.defer('unplug', () => unplug());
    await plugIn();
    t = await startTestAgent({ display: { path: agentEnd(), baudRate: 9600 } }, { extras: tillExtras });
    cleanup.defer('stop the agent', () => t.close());
  }, 30_000);

  afterAll(() => cleanup.run(), 30_000);

  it('shows the receipt, and after unplug and replug shows it again without a restart', async () => {
    await displayGets('the reset when the agent opens the display', RESET_AND_CLEAR);

    const res = await calculate('disp-1');
    expect(res.status).toBe(200);
    expect((res.body as { totals: unknown }).totals).toMatchObject({ toPay: 8500, discount: 1500 });
    await displayGets('the receipt on the display', `${UPPER} ${LOWER}`);

    // Pull the cable, and plug it back: the agent reopens the port by itself and puts the
    // display (which lost its state) back: reset, clear, the same two lines.
    await unplug();
    await new Promise((r) => setTimeout(r, 300));
    await plugIn();
    await displayGets('the receipt again after the replug', `${RESET_AND_CLEAR} ${UPPER} ${LOWER}`);
    expect(t.logs.some((l) => l.includes('"msg":"customer display connected"'))).toBe(true);

    // A new calculation reaches the replugged display as usual.
    await calculate('disp-2');
    await displayGets('the next receipt', `${UPPER} ${LOWER}`);
  }, 40_000);
});
