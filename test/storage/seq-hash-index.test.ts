// The journal's key → seq index: candidates by hash, growth, rebuild without deleted seqs — and a
// real hash collision, which the journal must resolve by comparing the keys of the entries.
import { describe, expect, it } from 'vitest';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { hashOf, SeqHashIndex } from '../../src/storage/journal/seq-hash-index.js';
import { MemoryLogger, saleTx, tempDir } from './helpers.js';

/** Two different receipt ids with the same 32-bit hash (birthday search: ~2^16 tries). */
function collidingIds(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const id = `receipt-${i}`;
    const other = seen.get(hashOf(id));
    if (other !== undefined) return [other, id];
    seen.set(hashOf(id), id);
  }
}

describe('SeqHashIndex', () => {
  it('returns every seq stored under a key, ascending, and none for an absent key', () => {
    const index = new SeqHashIndex();
    index.add('r-1', 7);
    index.add('r-2', 3);
    index.add('r-1', 2);
    index.add('r-1', 0);
    expect(index.candidates('r-1')).toEqual([0, 2, 7]);
    expect(index.candidates('r-2')).toEqual([3]);
    expect(index.candidates('r-3')).toEqual([]);
    expect(index.size).toBe(4);
  });

  it('grows past its first capacity without losing a key, and stays a few dozen bytes a key', () => {
    const index = new SeqHashIndex();
    for (let seq = 1; seq <= 20_000; seq++) index.add(`tx-${seq}`, seq);
    for (let seq = 1; seq <= 20_000; seq += 997) expect(index.candidates(`tx-${seq}`)).toContain(seq);
    expect(index.byteLength / index.size).toBeLessThan(40);
  });

  it('retain drops the seqs it is told to and keeps the rest findable', () => {
    const index = new SeqHashIndex();
    for (let seq = 1; seq <= 5000; seq++) index.add(`tx-${seq}`, seq);
    const before = index.byteLength;
    index.retain((seq) => seq > 4000);
    expect(index.size).toBe(1000);
    expect(index.candidates('tx-10')).toEqual([]);
    expect(index.candidates('tx-4001')).toEqual([4001]);
    expect(index.byteLength).toBeLessThan(before); // the table shrinks with what it holds
  });
});

describe('FileJournal with colliding keys', () => {
  it('answers each receipt with its own entries only, from memory and from disk', async () => {
    const [a, b] = collidingIds();
    expect(a).not.toBe(b);
    expect(hashOf(a)).toBe(hashOf(b));
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 1, cachedSegments: 0 });
    await j.append(saleTx(1, { id: a, receiptId: a }));
    await j.append(saleTx(2, { id: b, receiptId: b, returnId: a }));
    await j.append(saleTx(3));
    await j.recordResults([{ id: a, status: 'accepted' }], '2025-01-02T00:00:00.000Z');
    expect(j.byReceipt(a).map((e) => e.tx.seq)).toEqual([1]);
    expect(j.byReceipt(b).map((e) => e.tx.seq)).toEqual([2]);
    expect(j.byId(b)?.tx.seq).toBe(2);
    expect(j.byReturnId(b)).toBeUndefined();
    expect(j.byReturnId(a)?.tx.seq).toBe(2);
    // The answer for one id must not touch the other, though they share a hash.
    await j.recordResults([{ id: b, status: 'rejected', reason: 'x' }], '2025-01-02T00:00:00.000Z');
    expect(j.byId(a)?.state).toBe('synced');
    expect(j.deadLetters().map((e) => e.tx.id)).toEqual([b]);
    expect(await j.resend([a])).toBe(0);
    expect(await j.resend([b])).toBe(1);
  });
});
