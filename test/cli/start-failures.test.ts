// How the BUILT command line fails, as systemd and store IT see it: a bad schedule or key in the
// config, a missing program file, a port in use, an unreadable config for `status`. Each is one line
// on stderr naming the problem (never a stack trace) with the exit status documented for it, and
// the config mistakes use the status the unit's RestartPreventExitStatus lists. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopChild } from '../e2e/helpers/cloud-process.js';
import { assertBuilt, BIN, spawnAgent } from '../helpers/agent-process.js';

const TOKEN = 'secret-till-1';

/** The exit statuses after which systemd does not restart the agent, read from the unit file. */
function restartPrevented(): number[] {
  const unit = readFileSync(path.resolve('systemd/loyalty-agent.service'), 'utf8');
  const lines = unit.split('\n').filter((l) => l.startsWith('RestartPreventExitStatus='));
  return lines
    .flatMap((l) =>
      l
        .slice(l.indexOf('=') + 1)
        .trim()
        .split(/\s+/),
    )
    .map(Number);
}

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs the built CLI; a run still going after `timeoutMs` is killed and reported as code null. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, stderr, stdout });
    });
  });
}

/** One line on stderr, no stack frames. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

let dir = '';
let seq = 0;

function baseConfig(dataDir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    storeId: 'store-1',
    tillId: 'till-1',
    dataDir,
    http: { host: '127.0.0.1', port: 0, tokens: [{ token: TOKEN, tillId: 'till-1' }] },
    program: path.resolve('config/program.example.json'),
    register: { driver: 'none' },
    ...over,
  };
}

/** Writes a config (and names a fresh data dir in it); returns both paths. */
async function configFile(over: Record<string, unknown> = {}): Promise<{ file: string; dataDir: string }> {
  seq++;
  const dataDir = path.join(dir, `data-${seq}`);
  const file = path.join(dir, `agent-${seq}.json`);
  await writeFile(file, JSON.stringify(baseConfig(dataDir, over)));
  return { file, dataDir };
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'la-start-failures-'));
});

describe('a bad schedule in the config', () => {
  const cloud = (key: string, value: string) => ({
    cloud: { url: 'http://127.0.0.1:9', agentId: 'a-1', key: 'k-1', [key]: value },
  });

  it('the unit does not restart on the config exit status', () => {
    expect(restartPrevented()).toContain(2);
  });

  for (const key of ['drainCron', 'pullCron', 'heartbeatCron']) {
    it(`config check refuses ${key}, naming the key, with the no-restart status`, async () => {
      const { file } = await configFile(cloud(key, '61 * * * *'));
      const r = await cli(['config', 'check', '--config', file]);
      expect(r.code).toBe(2);
      expect(restartPrevented()).toContain(r.code);
      expect(expectOneLine(r.stderr)).toContain(`/cloud/${key} "61 * * * *" is not a cron expression`);
    });

    it(`start refuses ${key} before opening the store, and exits with the no-restart status`, async () => {
      const { file, dataDir } = await configFile(cloud(key, 'every minute'));
      const r = await cli(['start', '--config', file]);
      expect(r.code).toBe(2);
      expect(expectOneLine(r.stderr)).toContain(`/cloud/${key} "every minute"`);
      expect(existsSync(dataDir)).toBe(false);
    });
  }

  it('an unknown key stops the start the same way, naming it', async () => {
    const { file } = await configFile({ registr: { driver: 'atol' } });
    const r = await cli(['start', '--config', file]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toContain('/registr is not a known key');
  });
});

describe('a failure after the store was opened', () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('a port in use: everything closed, the process exits 1 (restarted later), one line, lock released', async () => {
    const { file, dataDir } = await configFile({
      http: { host: '127.0.0.1', port: busyPort, tokens: [{ token: TOKEN, tillId: 'till-1' }] },
      cloud: { url: 'http://127.0.0.1:9', agentId: 'a-1', key: 'k-1' },
    });
    const r = await cli(['start', '--config', file]);
    expect(r.code).toBe(1);
    expect(restartPrevented()).not.toContain(1);
    expect(expectOneLine(r.stderr)).toMatch(/^loyalty-agent start: cannot start: .*EADDRINUSE/);
    // The store had been opened (its directory made) and was closed again: the lock is gone.
    expect(existsSync(path.join(dataDir, 'journal'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
    expect(r.stdout).toContain('"msg":"cannot start"');
  });

  it('a program file that is not there is a config mistake: exit 2, one line naming /program', async () => {
    const { file, dataDir } = await configFile({ program: path.join(dir, 'no-such-program.json') });
    const r = await cli(['start', '--config', file]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(
      /\/program: cannot read the program file .*no-such-program\.json/,
    );
    expect(existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
  });
});

describe('a second agent on the same data directory', () => {
  it('is refused while the first runs (the real pid and boot id): exit 3, one line naming the pid', async () => {
    const { file, dataDir } = await configFile();
    const first = await spawnAgent(['start', '--config', file]);
    try {
      const r = await cli(['start', '--config', file]);
      expect(r.code).toBe(3);
      expect(expectOneLine(r.stderr)).toContain(
        `data directory is in use: ${path.join(dataDir, 'agent.lock')} is held by process ${first.child.pid}`,
      );
    } finally {
      await stopChild(first.child, 5000);
    }
    expect(existsSync(path.join(dataDir, 'agent.lock'))).toBe(false);
  });
});

describe('status with a config it cannot use', () => {
  const EXIT_NO_CONFIG = 4;

  it('a missing file: one line naming it, its own exit status', async () => {
    const missing = path.join(dir, 'nowhere.json');
    const r = await cli(['status', '--config', missing]);
    expect(r.code).toBe(EXIT_NO_CONFIG);
    expect(expectOneLine(r.stderr)).toContain(`cannot read config file ${missing}`);
  });

  it('a file that is not JSON', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"storeId": ');
    const r = await cli(['status', '--config', file]);
    expect(r.code).toBe(EXIT_NO_CONFIG);
    expect(expectOneLine(r.stderr)).toContain('is not valid JSON');
  });

  // Root reads every file whatever its mode: there the missing-file case above covers it.
  it.skipIf(process.getuid?.() === 0)('an unreadable file (no permission)', async () => {
    const { file } = await configFile();
    await import('node:fs/promises').then((fs) => fs.chmod(file, 0o000));
    const r = await cli(['status', '--config', file]);
    expect(r.code).toBe(EXIT_NO_CONFIG);
    expect(expectOneLine(r.stderr)).toContain('cannot read config file');
  });

  it('an invalid key, or a secret missing from the environment', async () => {
    const bad = await configFile({ logLevel: 'loud' });
    const r1 = await cli(['status', '--config', bad.file]);
    expect(r1.code).toBe(EXIT_NO_CONFIG);
    expect(expectOneLine(r1.stderr)).toContain('/logLevel');
    const secret = await configFile({
      http: {
        host: '127.0.0.1',
        port: 1,
        tokens: [{ token: 'env:LA_TEST_NO_SUCH_TOKEN', tillId: 'till-1' }],
      },
    });
    const r2 = await cli(['status', '--config', secret.file], { LA_TEST_NO_SUCH_TOKEN: '' });
    expect(r2.code).toBe(EXIT_NO_CONFIG);
    expect(expectOneLine(r2.stderr)).toContain('LA_TEST_NO_SUCH_TOKEN');
  });

  it('a valid config and no agent still answers 3 (the agent does not answer)', async () => {
    const { file } = await configFile({
      http: { host: '127.0.0.1', port: 1, tokens: [{ token: TOKEN, tillId: 'till-1' }] },
    });
    const r = await cli(['status', '--config', file]);
    expect(r.code).toBe(3);
  });
});
