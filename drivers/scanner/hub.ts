// Per-till fan-out of scans: the serial scanner (or the page/demo) publishes, the cashier page's
// event streams subscribe. In-process only; a scan nobody listens to is simply dropped.
import type { Scan } from './scan.js';

export type ScanListener = (scan: Scan) => void;

export class ScanHub {
  private readonly listeners = new Map<string, Set<ScanListener>>();

  /** @param onListenerError a throwing subscriber must not starve the others; it is reported here. */
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** Delivers to every subscriber of the till; returns how many received it. */
  publish(tillId: string, scan: Scan): number {
    const set = this.listeners.get(tillId);
    if (!set) return 0;
    let delivered = 0;
    // A copy: a listener may unsubscribe itself while being called.
    for (const listener of [...set]) {
      try {
        listener(scan);
        delivered++;
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return delivered;
  }

  subscribe(tillId: string, listener: ScanListener): () => void {
    let set = this.listeners.get(tillId);
    if (!set) {
      set = new Set();
      this.listeners.set(tillId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(tillId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(tillId);
    };
  }

  subscriberCount(tillId: string): number {
    return this.listeners.get(tillId)?.size ?? 0;
  }
}
