// Writes to one file run one at a time, in call order (a per-path chain shared by every adapter of
// the process). A write that arrives while another runs waits; if several wait, only the newest
// is performed — each replaces the whole file, so the ones in between would be overwritten at
// once — and every waiter resolves when that newer write is durable (group commit).

type FileOperation = () => Promise<void>;

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface PathQueue {
  next: { operation: FileOperation; waiters: Waiter[] } | null;
  /** Settles when the running operation and everything queued behind it are done. */
  idle: Promise<void>;
}

const queues = new Map<string, PathQueue>();

/** Runs `operation` on `path` after the current one; resolves when it (or a newer one) is done. */
export function enqueueFileOperation(path: string, operation: FileOperation): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = { resolve, reject };
    const queue = queues.get(path);
    if (!queue) {
      const fresh: PathQueue = { next: null, idle: Promise.resolve() };
      queues.set(path, fresh);
      fresh.idle = drain(path, fresh, operation, [waiter]);
      return;
    }
    if (queue.next) {
      queue.next.operation = operation;
      queue.next.waiters.push(waiter);
    } else {
      queue.next = { operation, waiters: [waiter] };
    }
  });
}

/** Resolves once nothing is running or queued for `path`. */
export function fileOperationsIdle(path: string): Promise<void> {
  return queues.get(path)?.idle ?? Promise.resolve();
}

async function drain(path: string, queue: PathQueue, first: FileOperation, firstWaiters: Waiter[]) {
  let operation: FileOperation | null = first;
  let waiters = firstWaiters;
  while (operation) {
    try {
      await operation();
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
    const next: PathQueue['next'] = queue.next;
    queue.next = null;
    operation = next?.operation ?? null;
    waiters = next?.waiters ?? [];
  }
  queues.delete(path);
}
