// Runs tasks one at a time per key, in arrival order. Everything about one receipt (calculate again,
// confirm, cancel, a return against it, a sale through the register) waits on the cloud or the disk
// between its checks and its write: two requests about one receipt must not both pass the checks
// before either is written. A task may call other locked operations on keys it already holds (a
// register sale calculates and confirms its own receipt): those run at once instead of waiting on
// themselves.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The keys one running task holds; `live` turns false when it ends (work it left behind holds nothing). */
interface Holding {
  keys: ReadonlySet<string>;
  live: boolean;
  outer: Holding | undefined;
}

export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly holding = new AsyncLocalStorage<Holding>();

  /** Runs `task` once every earlier task holding any of `keys` has ended (resolved or not). */
  async run<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const outer = this.holding.getStore();
    const unique = [...new Set(keys)].filter((k) => !holds(outer, k));
    if (unique.length === 0) return task();
    // Taking every key at once, synchronously, keeps the order consistent: no two tasks wait on
    // each other, so there is no deadlock.
    const before = unique.map((k) => this.tails.get(k) ?? Promise.resolve());
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const k of unique) this.tails.set(k, done);
    const mine: Holding = { keys: new Set(unique), live: true, outer };
    try {
      await Promise.all(before);
      return await this.holding.run(mine, task);
    } finally {
      mine.live = false;
      release();
      // The last holder of a key forgets it, so the map does not grow with every receipt ever seen.
      for (const k of unique) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }

  /** Keys with a task running or waiting (for tests and status). */
  get size(): number {
    return this.tails.size;
  }
}

function holds(h: Holding | undefined, key: string): boolean {
  for (let cur = h; cur; cur = cur.outer) if (cur.live && cur.keys.has(key)) return true;
  return false;
}
