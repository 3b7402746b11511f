// The data-directory lock across power cuts: a lock written in an earlier boot is taken over even
// when its pid is alive now (pids are reused after a reboot — often by the new agent itself), a
// live agent of this boot is still refused. The boot id and the liveness check are injected.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../src/storage/errors.js';
import { openStore } from '../../src/storage/open-store.js';
import { acquireProcessLock, type LockSystem } from '../../src/storage/process-lock.js';
import { MemoryLogger, tempDir } from './helpers.js';

const everyoneAlive = () => true;

function system(pid: number, bootId: string | null, isAlive: (pid: number) => boolean = everyoneAlive) {
  return { pid, bootId: () => bootId, isAlive } satisfies LockSystem;
}

async function lockPath(): Promise<string> {
  return join(await tempDir(), 'agent.lock');
}

async function owner(path: string): Promise<{ pid: number; bootId: string | null }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

describe('the data-directory lock', () => {
  it('after a power cut, takes over the lock of the previous boot even though its pid is in use again', async () => {
    const path = await lockPath();
    // Before the power cut: the agent ran as pid 812 and never released the lock.
    await acquireProcessLock(path, { system: system(812, 'boot-before') });
    // After the reboot the new agent got the same pid 812 (and pid 812 is of course alive).
    const logger = new MemoryLogger();
    const lock = await acquireProcessLock(path, { system: system(812, 'boot-after'), logger });
    expect(await owner(path)).toEqual({ pid: 812, bootId: 'boot-after' });
    const warned = logger.at('warn').find((r) => r.msg === 'took over a stale data directory lock');
    expect(warned?.obj).toMatchObject({ reason: 'written before the last reboot' });
    await lock.release();
  });

  it('takes over a previous boot lock whose pid now belongs to another live process', async () => {
    const path = await lockPath();
    await acquireProcessLock(path, { system: system(1, 'boot-before') });
    const lock = await acquireProcessLock(path, { system: system(4711, 'boot-after') });
    expect((await owner(path)).pid).toBe(4711);
    await lock.release();
  });

  it('refuses a live agent of this boot, naming its pid, and leaves its lock alone', async () => {
    const path = await lockPath();
    await acquireProcessLock(path, { system: system(1, 'boot-now') });
    const before = await readFile(path, 'utf8');
    const err = await acquireProcessLock(path, { system: system(4711, 'boot-now') }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).pid).toBe(1);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses a second lock by the same process in the same boot', async () => {
    const path = await lockPath();
    const first = await acquireProcessLock(path, { system: system(812, 'boot-now') });
    await expect(acquireProcessLock(path, { system: system(812, 'boot-now') })).rejects.toBeInstanceOf(
      StoreLockedError,
    );
    await first.release();
  });

  it('takes over a lock of this boot whose process is gone (a crash)', async () => {
    const path = await lockPath();
    await acquireProcessLock(path, { system: system(900, 'boot-now') });
    const logger = new MemoryLogger();
    const dead = (pid: number) => pid !== 900;
    await acquireProcessLock(path, { system: system(901, 'boot-now', dead), logger });
    expect(await owner(path)).toEqual({ pid: 901, bootId: 'boot-now' });
    expect(logger.at('warn')[0]?.obj).toMatchObject({ reason: 'its process is no longer running' });
  });

  it('judges a lock of an older version (pid only) by its pid, with the real liveness check', async () => {
    const path = await lockPath();
    await writeFile(path, '1\n'); // pid 1 is alive
    await expect(acquireProcessLock(path)).rejects.toBeInstanceOf(StoreLockedError);
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(path, `${gone}\n`);
    const lock = await acquireProcessLock(path);
    expect((await owner(path)).pid).toBe(process.pid);
    await lock.release();
  });

  it('without a boot id (no /proc) falls back to the pid', async () => {
    const path = await lockPath();
    await acquireProcessLock(path, { system: system(1, null) });
    await expect(acquireProcessLock(path, { system: system(2, 'boot-now') })).rejects.toBeInstanceOf(
      StoreLockedError,
    );
  });

  it('release never removes a lock that was taken over by another owner', async () => {
    const path = await lockPath();
    const old = await acquireProcessLock(path, { system: system(812, 'boot-before') });
    await acquireProcessLock(path, { system: system(812, 'boot-after') });
    await old.release();
    expect(await owner(path)).toEqual({ pid: 812, bootId: 'boot-after' });
  });

  it('of two agents starting together on one stale lock, exactly one wins, every round', async () => {
    for (let round = 0; round < 30; round++) {
      const path = await lockPath();
      await acquireProcessLock(path, { system: system(812, 'boot-before') });
      const results = await Promise.allSettled(
        [101, 102, 103].map((pid) => acquireProcessLock(path, { system: system(pid, 'boot-now') })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreLockedError);
      }
    }
  });

  it('openStore after a power cut opens the data directory and logs the takeover', async () => {
    const dir = await tempDir();
    await acquireProcessLock(join(dir, 'agent.lock'), { system: system(812, 'boot-before') });
    const logger = new MemoryLogger();
    const store = await openStore(dir, { logger, lockSystem: system(812, 'boot-after') });
    expect(logger.at('warn').some((r) => r.msg === 'took over a stale data directory lock')).toBe(true);
    await store.close();
  });
});
