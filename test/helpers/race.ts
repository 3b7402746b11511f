// Fires requests at the same moment: every call starts in the same turn once a gate opens (a
// barrier), optionally one of them a few ms late, so rounds of a race cover both orders.

/** Starts every call in the same turn, after a gate opens, and waits for all of them. */
export async function together<T>(...calls: (() => Promise<T>)[]): Promise<T[]> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const running = calls.map((call) => gate.then(call));
  open();
  return Promise.all(running);
}

/** `call`, started `ms` after it is asked for. */
export function later<T>(ms: number, call: () => Promise<T>): () => Promise<T> {
  return async () => {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return call();
  };
}

/**
 * Round `i` of a race between `a` and `b`: fired together, then in rounds where one side always
 * wins by arriving a hair earlier, `b` (or every fourth round `a`) is held back 0–7 ms, so the
 * rounds also cover the second request arriving while the first is half-way.
 */
export function skewed<T>(i: number, a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> {
  const [x, y] = i % 4 === 3 ? [later(1 + (i % 3), a), b] : [a, later(i % 8, b)];
  return together(x, y) as Promise<[T, T]>;
}
