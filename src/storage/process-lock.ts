// One agent per data directory. The lock file names its owner: the pid and the kernel's boot id
// ({"pid":…,"bootId":…}). It is created complete (written to a temp file, then hard-linked to the
// lock name, which fails if the lock exists), so a reader never sees an empty lock.
// A lock is stale, and taken over (logged), when it was written in an earlier boot (a power cut:
// after the reboot its pid may well belong to another process, even to the new agent itself), when
// its pid is no longer alive, or when it cannot be read. A live owner of this boot is refused.
// A lock without a boot id (older versions, or a system without /proc) is judged by its pid alone.
import { readFileSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { StoreLockedError } from './errors.js';
import { tempPathFor } from './file/temp-files.js';
import type { StoreLogger } from './logger.js';

export interface ProcessLock {
  readonly path: string;
  release(): Promise<void>;
}

/** What the lock asks of the system; tests replace it instead of rebooting. */
export interface LockSystem {
  /** This process. */
  pid: number;
  /** The current boot's id (Linux: /proc/sys/kernel/random/boot_id), or null when unknown. */
  bootId: () => string | null;
  /** Whether a process with this pid exists now. */
  isAlive: (pid: number) => boolean;
}

export const realLockSystem: LockSystem = {
  pid: process.pid,
  bootId: readBootId,
  isAlive,
};

export interface LockOptions {
  system?: Partial<LockSystem>;
  logger?: Pick<StoreLogger, 'warn'>;
}

interface Owner {
  pid: number;
  bootId: string | null;
}

type LockHolder =
  | { state: 'owner'; owner: Owner }
  | { state: 'gone' }
  | { state: 'unreadable'; text: string };

export async function acquireProcessLock(path: string, options: LockOptions = {}): Promise<ProcessLock> {
  const sys: LockSystem = { ...realLockSystem, ...options.system };
  const me: Owner = { pid: sys.pid, bootId: sys.bootId() };
  const candidate = tempPathFor(path);
  await writeFile(candidate, `${JSON.stringify(me)}\n`, { mode: 0o644 });
  try {
    // Two tries: the second after removing a stale lock (another starter may win that race).
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(candidate, path);
        return { path, release: () => releaseLock(path, me) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = await readHolder(path);
      if (holder.state === 'gone') continue;
      const stale = staleness(holder, me, sys);
      if (stale === null && holder.state === 'owner') throw new StoreLockedError(path, holder.owner.pid);
      options.logger?.warn(
        { lockFile: path, holder: holder.state === 'owner' ? holder.owner : holder.text, reason: stale },
        'took over a stale data directory lock',
      );
      await rm(path, { force: true });
    }
    const holder = await readHolder(path);
    throw new StoreLockedError(path, holder.state === 'owner' ? holder.owner.pid : null);
  } finally {
    await rm(candidate, { force: true });
  }
}

/** Why a held lock may be taken over, or null when its owner is a live agent of this boot. */
function staleness(holder: LockHolder, me: Owner, sys: LockSystem): string | null {
  if (holder.state !== 'owner') return 'the lock file is unreadable';
  const { owner } = holder;
  if (owner.bootId !== null && me.bootId !== null && owner.bootId !== me.bootId) {
    return 'written before the last reboot';
  }
  // Same boot (or unknown): the pid is trustworthy. Our own pid means this very process holds it.
  if (owner.pid === me.pid || sys.isAlive(owner.pid)) return null;
  return 'its process is no longer running';
}

async function releaseLock(path: string, me: Owner): Promise<void> {
  const holder = await readHolder(path);
  // Never remove a lock that is no longer ours (taken over after we were presumed dead).
  if (holder.state === 'owner' && holder.owner.pid === me.pid && holder.owner.bootId === me.bootId) {
    await rm(path, { force: true });
  }
}

async function readHolder(path: string): Promise<LockHolder> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
    throw e;
  }
  const owner = parseOwner(text.trim());
  return owner ? { state: 'owner', owner } : { state: 'unreadable', text: text.slice(0, 200) };
}

function parseOwner(text: string): Owner | null {
  const validPid = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  if (/^\d+$/.test(text)) {
    // Written by a version before the boot id.
    const pid = Number(text);
    return validPid(pid) ? { pid, bootId: null } : null;
  }
  try {
    const doc = JSON.parse(text) as { pid?: unknown; bootId?: unknown };
    if (!validPid(doc.pid)) return null;
    return { pid: doc.pid, bootId: typeof doc.bootId === 'string' && doc.bootId ? doc.bootId : null };
  } catch {
    return null;
  }
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
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
