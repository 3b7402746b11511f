// The built `loyalty-agent start` under a pretend systemd: NOTIFY_SOCKET and WATCHDOG_USEC set, and
// a fake `systemd-notify` first on PATH that records its arguments and, on READY, checks that the
// agent already answers HTTP and holds its data directory. Then SIGTERM must send STOPPING.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAgentConfigFile } from '../helpers/agent-config-file.js';
import { assertBuilt, BIN } from '../helpers/agent-process.js';

interface Call {
  args: string[];
  /** What the fake saw at that moment: /healthz status (0 = no answer) and the lock file. */
  healthz: number;
  locked: boolean;
}

// The fake notifier: one JSON line per call; on --ready it probes the agent first.
const FAKE = `#!${process.execPath}
const { appendFileSync, existsSync } = require('node:fs');
const args = process.argv.slice(2);
const record = (healthz) => appendFileSync(process.env.FAKE_NOTIFY_LOG,
  JSON.stringify({ args, healthz, locked: existsSync(process.env.FAKE_NOTIFY_LOCK) }) + '\\n');
if (args.includes('--ready')) {
  fetch(process.env.FAKE_NOTIFY_PROBE).then((r) => record(r.status), () => record(0))
    .then(() => process.exit(Number(process.env.FAKE_NOTIFY_EXIT ?? 0)));
} else {
  record(-1);
  process.exit(Number(process.env.FAKE_NOTIFY_EXIT ?? 0));
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

let dir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'la-notify-'));
  await writeFile(path.join(dir, 'systemd-notify'), FAKE);
  await chmod(path.join(dir, 'systemd-notify'), 0o755);
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function startAgent(
  env: Record<string, string>,
): Promise<{ output: string[]; exited: Promise<number | null> }> {
  const port = await freePort();
  const dataDir = path.join(dir, 'data');
  const config = await writeAgentConfigFile(path.join(dir, 'agent.json'), {
    dataDir,
    port,
    tokens: [{ token: 'notify-test-token', tillId: 'till-1' }],
  });
  child = spawn(process.execPath, [BIN, 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PATH: `${dir}${path.delimiter}${process.env.PATH}`,
      FAKE_NOTIFY_LOG: path.join(dir, 'notify.log'),
      FAKE_NOTIFY_LOCK: path.join(dataDir, 'agent.lock'),
      FAKE_NOTIFY_PROBE: `http://127.0.0.1:${port}/healthz`,
      ...env,
    },
  });
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(...c.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  return { output, exited };
}

async function calls(): Promise<Call[]> {
  const text = await readFile(path.join(dir, 'notify.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Call);
}

async function waitFor(
  what: string,
  check: (c: Call[]) => boolean,
  output: string[],
  ms = 20_000,
): Promise<Call[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const c = await calls();
    if (check(c)) return c;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} in ${ms} ms; calls: ${JSON.stringify(c)}\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('systemd notifications from the built agent', () => {
  it('sends READY once HTTP answers and the store is held, pings the watchdog, and STOPPING on SIGTERM', async () => {
    const { output, exited } = await startAgent({
      NOTIFY_SOCKET: '/run/fake/notify',
      WATCHDOG_USEC: '2000000',
    });
    const pid = String(child!.pid);
    const ready = await waitFor('READY', (c) => c.some((x) => x.args.includes('--ready')), output);
    const r = ready.find((x) => x.args.includes('--ready'))!;
    expect(r.args).toContain(`--pid=${pid}`);
    expect(r.args.some((a) => a.startsWith('--status=serving http://127.0.0.1:'))).toBe(true);
    expect(r.healthz).toBe(200);
    expect(r.locked).toBe(true);

    // WATCHDOG_USEC 2 s → a ping every second (half the interval), all after READY.
    const pinged = await waitFor(
      'two watchdog pings',
      (c) => c.filter((x) => x.args.includes('WATCHDOG=1')).length >= 2,
      output,
      5000,
    );
    const firstPing = pinged.findIndex((x) => x.args.includes('WATCHDOG=1'));
    expect(firstPing).toBeGreaterThan(pinged.indexOf(pinged.find((x) => x.args.includes('--ready'))!));
    for (const p of pinged.filter((x) => x.args.includes('WATCHDOG=1')))
      expect(p.args).toContain(`--pid=${pid}`);

    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    const all = await waitFor('STOPPING', (c) => c.some((x) => x.args.includes('STOPPING=1')), output, 3000);
    expect(all.find((x) => x.args.includes('STOPPING=1'))!.args).toContain(`--pid=${pid}`);
    // No ping after the agent is gone.
    const count = all.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await calls()).length).toBe(count);
  }, 40_000);

  it('outside systemd (no NOTIFY_SOCKET) never runs systemd-notify', async () => {
    // Empty, not inherited: the test itself may run under systemd.
    const { output, exited } = await startAgent({ NOTIFY_SOCKET: '', WATCHDOG_USEC: '2000000' });
    const deadline = Date.now() + 20_000;
    while (!output.some((l) => l.includes('"agent ready"'))) {
      if (Date.now() > deadline) throw new Error(`agent not ready:\n${output.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await calls()).toEqual([]);
  }, 40_000);

  it('keeps serving when systemd-notify fails, and says so in the log', async () => {
    const { output, exited } = await startAgent({ NOTIFY_SOCKET: '/run/fake/notify', FAKE_NOTIFY_EXIT: '1' });
    await waitFor('READY', (c) => c.some((x) => x.args.includes('--ready')), output);
    const deadline = Date.now() + 5000;
    while (!output.some((l) => l.includes('systemd-notify failed')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output.some((l) => l.includes('systemd-notify failed'))).toBe(true);
    expect(child!.exitCode).toBe(null);
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
