// Runs tasks one at a time per key, in arrival order. A return waits on the cloud between its
// checks and its write: two returns of one receipt (or two requests with one returnId) must not
// both pass the checks before either is written.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task holding any of `keys` has ended (resolved or not). */
  async run<T>(keys: string[], task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    // Taking every key at once, synchronously, keeps the order consistent: no two tasks wait on
    // each other, so there is no deadlock.
    const before = unique.map((k) => this.tails.get(k) ?? Promise.resolve());
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const k of unique) this.tails.set(k, done);
    try {
      await Promise.all(before);
      return await task();
    } finally {
      release();
      // The last holder of a key forgets it, so the map does not grow with every receipt ever returned.
      for (const k of unique) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }

  /** Keys with a task running or waiting (for tests and status). */
  get size(): number {
    return this.tails.size;
  }
}
