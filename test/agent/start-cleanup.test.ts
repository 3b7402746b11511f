// A start that fails after the store was opened must leave nothing behind: no schedule still
// ticking (it would keep the process alive with its store closed), the lock released, the HTTP port
// closed. The failure here is a schedule node-cron refuses, handed to startAgent past the config
// validation (which refuses it first in real use), so the sync's own start is what fails.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import cron from 'node-cron';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent } from '../../src/app/agent-app.js';
import { parseAgentConfig } from '../../src/config/agent-config.js';
import { openStore } from '../../src/storage/open-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function configWith(schedule: 'drainCron' | 'pullCron' | 'heartbeatCron', value: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'la-start-cleanup-'));
  dirs.push(dir);
  const cfg = parseAgentConfig(
    {
      storeId: 'store-1',
      tillId: 'till-1',
      dataDir: dir,
      http: { host: '127.0.0.1', port: 0, tokens: [{ token: 'secret-till-1', tillId: 'till-1' }] },
      program: path.resolve('config/program.example.json'),
      register: { driver: 'none' },
      cloud: { url: 'http://127.0.0.1:9', agentId: 'a-1', key: 'k-1' },
    },
    process.cwd(),
  );
  cfg.cloud![schedule] = value;
  cfg.http.port = await freePort();
  return cfg;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function quietLogger() {
  return pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));
}

describe('startAgent when a step after the store fails', () => {
  for (const key of ['drainCron', 'pullCron', 'heartbeatCron'] as const) {
    it(`a refused ${key}: no schedule left running, the store unlocked, nothing listening`, async () => {
      const cfg = await configWith(key, 'bogus');
      const err = await startAgent(cfg, { logger: quietLogger() }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      // No task of this agent is left in node-cron's registry: every one was destroyed.
      expect([...cron.getTasks().values()].map((t) => t.name)).toEqual([]);
      expect(await readdir(cfg.dataDir)).not.toContain('agent.lock');
      expect(await listening(cfg.http.port)).toBe(false);
      const again = await openStore(cfg.dataDir, { logger: quietLogger() });
      await again.close();
    });
  }

  it('a start that succeeds, then closes, leaves no schedule either', async () => {
    const cfg = await configWith('pullCron', '*/60 * * * * *');
    const agent = await startAgent(cfg, { logger: quietLogger() });
    expect(await listening(cfg.http.port)).toBe(true);
    expect([...cron.getTasks().values()].map((t) => t.name).sort()).toEqual([
      'journal-compaction',
      'receipt-reaper',
      'sync-drain',
      'sync-heartbeat',
      'sync-pulls',
    ]);
    await agent.close();
    expect(cron.getTasks().size).toBe(0);
  });
});
