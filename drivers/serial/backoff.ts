// Exponential backoff between reconnect attempts, capped so a replugged device is found quickly.

export interface BackoffOptions {
  /** First delay (ms). */
  minMs?: number;
  /** Longest delay (ms); the spec's reconnect period is 2 s. */
  maxMs?: number;
  factor?: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const min = options.minMs ?? 100;
  const max = options.maxMs ?? 2000;
  const factor = options.factor ?? 2;
  return Math.min(max, min * factor ** Math.max(0, attempt));
}
