// An in-memory Journal faithful to the port's contract (src/agent/ports.ts): seq assigned on
// append, pending oldest first, results recorded as the cloud gave them, dead letters kept.
import type { Journal, JournalEntry } from '../../../src/agent/ports.js';
import { customerKeyOf } from '../../../src/protocol/customer-key.js';
import type { Tx, TxResult } from '../../../src/protocol/sync.js';

export class MemoryJournal implements Journal {
  private readonly entries: JournalEntry[] = [];
  private nextSeq = 1;
  /** Every recordResults call, to check what the drain reported. */
  readonly recorded: TxResult[][] = [];

  async append(tx: Omit<Tx, 'seq'>): Promise<Tx> {
    const [one] = await this.appendMany([tx]);
    return one!;
  }

  async appendMany(txs: Omit<Tx, 'seq'>[]): Promise<Tx[]> {
    return txs.map((t) => {
      const tx = { ...t, seq: this.nextSeq++ } as Tx;
      this.entries.push({ tx, state: 'pending', attempts: 0 });
      return tx;
    });
  }

  pending(limit: number): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (const e of this.entries) {
      if (out.length >= limit) break;
      if (e.state === 'pending') out.push(structuredClone(e));
    }
    return out;
  }

  pendingOf(customerKeys: readonly string[]): JournalEntry[] {
    const wanted = new Set(customerKeys);
    return this.pending(Number.MAX_SAFE_INTEGER).filter((e) =>
      wanted.has(customerKeyOf(e.tx.customer) ?? ''),
    );
  }

  async recordResults(results: TxResult[], at: string): Promise<void> {
    this.recorded.push(structuredClone(results));
    for (const r of results) {
      const e = this.entries.find((x) => x.tx.id === r.id);
      if (!e) throw new Error(`recordResults: unknown id ${r.id}`);
      e.attempts += 1;
      if (r.status === 'accepted' || r.status === 'duplicate') {
        e.state = 'synced';
        e.syncedAt = at;
      } else if (r.status === 'rejected') {
        e.state = 'dead';
        e.lastError = r.reason ?? 'rejected';
      } else {
        e.lastError = r.reason ?? 'retry';
      }
    }
  }

  deadLetters(): JournalEntry[] {
    return this.entries.filter((e) => e.state === 'dead').map((e) => structuredClone(e));
  }

  async resend(ids?: string[]): Promise<number> {
    let moved = 0;
    for (const e of this.entries) {
      if (e.state === 'dead' && (!ids || ids.includes(e.tx.id))) {
        e.state = 'pending';
        moved += 1;
      }
    }
    return moved;
  }

  byReceipt(receiptId: string): JournalEntry[] {
    return this.entries.filter((e) => e.tx.receiptId === receiptId).map((e) => structuredClone(e));
  }

  byReturnId(returnId: string): JournalEntry | undefined {
    const e = this.entries.find((x) => x.tx.returnId === returnId);
    return e && structuredClone(e);
  }

  stats(now: number): { pending: number; oldestAgeSec: number; deadLetter: number; total: number } {
    const pending = this.entries.filter((e) => e.state === 'pending');
    const oldest = pending[0];
    return {
      pending: pending.length,
      oldestAgeSec: oldest ? Math.max(0, Math.floor((now - Date.parse(oldest.tx.at)) / 1000)) : 0,
      deadLetter: this.entries.filter((e) => e.state === 'dead').length,
      total: this.entries.length,
    };
  }

  async compact(now: number, retentionMs: number): Promise<number> {
    const before = this.entries.length;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.state === 'synced' && e.syncedAt && now - Date.parse(e.syncedAt) > retentionMs)
        this.entries.splice(i, 1);
    }
    return before - this.entries.length;
  }

  /** Test helper: the state of one entry. */
  entry(id: string): JournalEntry | undefined {
    const e = this.entries.find((x) => x.tx.id === id);
    return e && structuredClone(e);
  }
}
