// One agent per data directory. The lock file holds the owner's pid; it is created complete (pid
// written to a temp file, then hard-linked to the lock name, which fails if the lock exists), so
// a reader never sees an empty lock. A lock whose pid is no longer alive is left by a crash and is
// taken over.
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { StoreLockedError } from './errors.js';
import { tempPathFor } from './file/temp-files.js';

export interface ProcessLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function acquireProcessLock(path: string): Promise<ProcessLock> {
  const candidate = tempPathFor(path);
  await writeFile(candidate, `${process.pid}\n`, { mode: 0o644 });
  try {
    // Two tries: the second after removing a stale lock (another starter may win that race).
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(candidate, path);
        return { path, release: () => releaseLock(path) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await readLockPid(path);
      if (holder.state === 'gone') continue;
      if (holder.state === 'pid' && (holder.pid === process.pid || isAlive(holder.pid))) {
        throw new StoreLockedError(path, holder.pid);
      }
      await rm(path, { force: true });
    }
    const holder = await readLockPid(path);
    throw new StoreLockedError(path, holder.state === 'pid' ? holder.pid : null);
  } finally {
    await rm(candidate, { force: true });
  }
}

async function releaseLock(path: string): Promise<void> {
  const holder = await readLockPid(path);
  // Never remove a lock that is no longer ours (taken over after we were presumed dead).
  if (holder.state === 'pid' && holder.pid === process.pid) await rm(path, { force: true });
}

type LockHolder = { state: 'pid'; pid: number } | { state: 'gone' } | { state: 'unreadable' };

async function readLockPid(path: string): Promise<LockHolder> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    throw e;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? { state: 'pid', pid } : { state: 'unreadable' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
