// One agent per data directory. The lock file names its owner: the pid and the kernel's boot id
// ({"pid":…,"bootId":…}). It is created complete (written to a temp file, then hard-linked to the
// lock name, which fails if the lock exists), so a reader never sees an empty lock.
// A lock is stale, and taken over (logged), when it was written in an earlier boot (a power cut:
// after the reboot its pid may well belong to another process, even to the new agent itself), when
// its pid is no longer alive, or when it cannot be read. A live owner of this boot is refused.
// A lock without a boot id (older versions, or a system without /proc) is judged by its pid alone.
import { readFileSync } from 'node:fs';
import { type FileHandle, link, open, rm, writeFile } from 'node:fs/promises';
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

/** Rounds of "link, else judge the holder": a takeover another starter is finishing needs a few. */
const ATTEMPTS = 20;

export async function acquireProcessLock(path: string, options: LockOptions = {}): Promise<ProcessLock> {
  const sys: LockSystem = { ...realLockSystem, ...options.system };
  const me: Owner = { pid: sys.pid, bootId: sys.bootId() };
  const candidate = tempPathFor(path);
  await writeFile(candidate, `${JSON.stringify(me)}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await link(candidate, path);
        return { path, release: () => releaseLock(path, me) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = await readHeld(path);
      if (held.holder.state === 'gone') continue;
      const stale = staleness(held.holder, me, sys);
      if (stale === null && held.holder.state === 'owner')
        throw new StoreLockedError(path, held.holder.owner.pid);
      const outcome = await removeStale(path, held.identity, candidate, me, sys);
      if (outcome === 'removed') {
        options.logger?.warn(
          {
            lockFile: path,
            holder: held.holder.state === 'owner' ? held.holder.owner : held.holder.text,
            reason: stale,
          },
          'took over a stale data directory lock',
        );
      } else if (outcome === 'busy') {
        // Another starter is removing this very lock: let it finish, then look again.
        await new Promise((resolve) => setTimeout(resolve, 2 + attempt));
      }
    }
    const { holder } = await readHeld(path);
    throw new StoreLockedError(path, holder.state === 'owner' ? holder.owner.pid : null);
  } finally {
    await rm(candidate, { force: true });
  }
}

/**
 * Removes the stale lock file `identity` names, if it is still there. Two starters may judge the same
 * stale lock at once; were both to remove "the lock", the slower one would remove the fresh lock the
 * faster one had linked meanwhile, and both would run. So the removal is claimed first: a guard file
 * named after that lock file's identity (inode and change time), created exclusively; its holder
 * checks the identity again and removes only that file. A guard left by a starter that died half-way
 * (judged like a lock) is inherited.
 */
async function removeStale(
  path: string,
  identity: string,
  candidate: string,
  me: Owner,
  sys: LockSystem,
): Promise<'removed' | 'busy' | 'moved-on'> {
  const guard = `${path}.takeover-${identity}`;
  try {
    await link(candidate, guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const { holder } = await readHeld(guard);
    if (holder.state === 'gone' || (holder.state === 'owner' && staleness(holder, me, sys) === null)) {
      return 'busy';
    }
  }
  try {
    if ((await readHeld(path)).identity !== identity) return 'moved-on';
    await rm(path, { force: true });
    return 'removed';
  } finally {
    await rm(guard, { force: true });
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
  const { holder } = await readHeld(path);
  // Never remove a lock that is no longer ours (taken over after we were presumed dead).
  if (holder.state === 'owner' && holder.owner.pid === me.pid && holder.owner.bootId === me.bootId) {
    await rm(path, { force: true });
  }
}

interface Held {
  holder: LockHolder;
  /** Which file this is (inode and change time), so a removal can be sure it removes that one. */
  identity: string;
}

/** The lock file's holder and identity, both read through one open file (they cannot disagree). */
async function readHeld(path: string): Promise<Held> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { holder: { state: 'gone' }, identity: 'gone' };
    throw e;
  }
  try {
    const st = await file.stat({ bigint: true });
    const text = await file.readFile('utf8');
    const owner = parseOwner(text.trim());
    return {
      holder: owner ? { state: 'owner', owner } : { state: 'unreadable', text: text.slice(0, 200) },
      identity: `${st.ino}-${st.ctimeNs}`,
    };
  } finally {
    await file.close();
  }
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
