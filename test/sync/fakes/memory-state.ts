// An in-memory StateStore: update() applies the change to a copy and swaps it in, as a durable
// store would after its write succeeded.
import type { StateStore, SyncState } from '../../../src/agent/ports.js';

export class MemoryState<T> implements StateStore<T> {
  writes = 0;
  constructor(private value: T) {}

  read(): T {
    return this.value;
  }

  async update(fn: (draft: T) => void): Promise<void> {
    const draft = structuredClone(this.value);
    fn(draft);
    this.value = draft;
    this.writes += 1;
  }
}

export function emptySyncState(): SyncState {
  return { offlineRedeemed: {}, usedQrTokens: {}, qrKeys: [] };
}
