// The journal's look-up keys: tx id, receipt id and return id → candidate seqs, one compact hash
// index each (seq-hash-index.ts). A candidate is only a candidate: the caller checks the entry.
import type { JournalEntry } from '../../agent/ports.js';
import { SeqHashIndex } from './seq-hash-index.js';

export class JournalKeys {
  readonly txIds = new SeqHashIndex();
  readonly receiptIds = new SeqHashIndex();
  readonly returnIds = new SeqHashIndex();

  add(entry: JournalEntry): void {
    const { id, seq, receiptId, returnId } = entry.tx;
    this.txIds.add(id, seq);
    this.receiptIds.add(receiptId, seq);
    if (returnId !== undefined) this.returnIds.add(returnId, seq);
  }

  /** Keeps only the keys whose seq passes `kept` (after compaction deleted segments). */
  retain(kept: (seq: number) => boolean): void {
    for (const index of [this.txIds, this.receiptIds, this.returnIds]) index.retain(kept);
  }

  get size(): number {
    return this.txIds.size + this.receiptIds.size + this.returnIds.size;
  }

  get byteLength(): number {
    return this.txIds.byteLength + this.receiptIds.byteLength + this.returnIds.byteLength;
  }
}
