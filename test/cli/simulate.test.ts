// `loyalty-agent simulate atol` runs the virtual register as a function call (no module run for its
// side effects): started through the real CLI on one end of a socat pty pair, the driver prints a
// receipt through the other end, the console answers control lines, and `quit` ends the process 0.
// Needs `npm run build` (the CLI runs from dist/).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegister } from '../../drivers/atol/create-register.js';
import type { JournalEntry } from '../../drivers/atol/virtual/journal.js';
import type { FiscalRegister } from '../../drivers/register/types.js';
import { PTY_TIMINGS, saleRequest, waitFor } from '../drivers/atol/helpers.js';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin/loyalty-agent.js');

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 15_000 });
}

describe('loyalty-agent simulate atol: bad input', () => {
  it('refuses a bad result mode and a bad baud rate with a usage error, starting nothing', () => {
    const mode = runCli(['simulate', 'atol', '--port', '/nonexistent/pty', '--result-mode', 'later']);
    expect(mode.status).toBe(2);
    expect(mode.stderr).toContain('--result-mode must be sync or async, got later');
    const baud = runCli(['simulate', 'atol', '--port', '/nonexistent/pty', '--baud', 'fast']);
    expect(baud.status).toBe(2);
    expect(baud.stderr).toContain('--baud must be a whole number');
    expect(mode.stdout + baud.stdout).toBe('');
  });
});

describe.skipIf(!hasSocat)('loyalty-agent simulate atol over a socat pty pair', () => {
  let dir = '';
  let socat: ChildProcess | null = null;
  let child: ChildProcess | null = null;
  let register: FiscalRegister | null = null;
  const events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simulate-'));
    socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${join(dir, 'A')}`, `pty,raw,echo=0,link=${join(dir, 'B')}`],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(() => existsSync(join(dir, 'A')) && existsSync(join(dir, 'B')), 5000);
    child = spawn(
      process.execPath,
      [cli, 'simulate', 'atol', '--port', join(dir, 'B'), '--result-mode', 'async', '--processing-ms', '5'],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
    await waitFor(() => events.some((e) => e.event === 'up'), 15_000);
  }, 30_000);

  afterAll(async () => {
    await register?.close();
    if (child && child.exitCode === null) child.kill('SIGTERM');
    socat?.kill('SIGTERM');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints a receipt for the driver, answers control lines, and quits with 0', async () => {
    expect(events[0]).toEqual({ event: 'started', port: join(dir, 'B'), resultMode: 'async' });
    register = createRegister({
      driver: 'atol',
      path: join(dir, 'A'),
      ...PTY_TIMINGS,
    })!;
    await register.open();
    const printed = await register.printReceipt(saleRequest());
    expect(printed.total).toBe(49445); // 2 × 89,90 + 0,35 × 899,00 = 179,80 + 314,65

    child!.stdin!.write('journal\n');
    await waitFor(() => events.some((e) => e.event === 'journal'), 5000);
    const { journal } = events.find((e) => e.event === 'journal') as { journal: JournalEntry[] };
    expect(
      journal.some((e) => e.kind === 'receipt' && e.status === 'closed' && String(e.fd) === printed.fd),
    ).toBe(true);

    child!.stdin!.write('nonsense\n');
    await waitFor(() => events.some((e) => e.event === 'unknown'), 5000);
    expect(events.find((e) => e.event === 'unknown')).toEqual({ event: 'unknown', control: 'nonsense' });

    await register.close();
    register = null;
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.stdin!.write('quit\n');
    expect(await exited).toBe(0);
  }, 30_000);
});
