import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalDuplicateIdError, StoreClosedError, StoreReadOnlyError } from '../../src/storage/errors.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { addRecord } from '../../src/storage/journal/log-records.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';
import { segmentEntriesOnDisk, segmentFiles } from './journal-files.js';

const AT = '2025-01-02T12:00:00.000Z';

async function openJournal(dir: string, segmentSize = 256, readOnly = false) {
  return FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize, readOnly });
}

async function segmentOnDisk(dir: string, name: string) {
  return { entries: await segmentEntriesOnDisk(dir, name) };
}

/** Everything a reopen must reproduce. */
function snapshot(j: FileJournal, receiptIds: string[]) {
  return {
    lastSeq: j.lastSeq(),
    pending: j.pending(1000),
    dead: j.deadLetters(),
    stats: j.stats(Date.parse(AT)),
    byReceipt: receiptIds.map((r) => j.byReceipt(r)),
  };
}

describe('FileJournal: append', () => {
  it('assigns seq = last + 1, stores durably before resolving, and indexes the entry', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    const a = await j.append(saleTx(1));
    const b = await j.append(saleTx(2, { kind: 'return', receiptId: 'r-1', returnId: 'ret-1' }));
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a).toMatchObject({ id: 'tx-1', receiptId: 'r-1' });
    const onDisk = await segmentOnDisk(dir, 'seg-000000000001.log');
    expect(onDisk.entries.map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2']);
    expect(j.pending(10).map((e) => e.tx.seq)).toEqual([1, 2]);
    expect(j.pending(1).map((e) => e.tx.seq)).toEqual([1]);
    expect(j.byReceipt('r-1').map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2']);
    expect(j.byReturnId('ret-1')?.tx.id).toBe('tx-2');
    expect(j.byReturnId('nope')).toBeUndefined();
    expect(j.byReceipt('nope')).toEqual([]);
    expect(j.byId('tx-2')?.state).toBe('pending');
    expect(j.stats(Date.parse('2025-01-01T10:01:01.000Z'))).toEqual({
      pending: 2,
      oldestAgeSec: 60,
      deadLetter: 0,
      total: 2,
    });
  });

  it('keeps its own copy: changing the caller object afterwards changes nothing', async () => {
    const j = await openJournal(await tempDir());
    const tx = saleTx(1);
    await j.append(tx);
    tx.lines[0]!.paid = 1;
    expect(j.byId('tx-1')!.tx.lines[0]!.paid).toBe(17081);
  });

  it('rolls over to a new segment file after N entries and appends to the active one in place', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 3);
    for (let i = 1; i <= 7; i++) await j.append(saleTx(i));
    expect(segmentFiles(await listDir(dir))).toEqual([
      'seg-000000000001.log',
      'seg-000000000004.log',
      'seg-000000000007.log',
    ]);
    expect((await segmentOnDisk(dir, 'seg-000000000004.log')).entries.map((e) => e.tx.seq)).toEqual([
      4, 5, 6,
    ]);
    const sealed = await stat(join(dir, 'seg-000000000004.log'));
    const active = await stat(join(dir, 'seg-000000000007.log'));
    const eighth = await j.append(saleTx(8));
    const sealedAfter = await stat(join(dir, 'seg-000000000004.log'));
    expect([sealedAfter.ino, sealedAfter.size, sealedAfter.mtimeMs]).toEqual([
      sealed.ino,
      sealed.size,
      sealed.mtimeMs,
    ]);
    // Same file, grown by exactly the one record: nothing was rewritten, no backup copy made.
    const activeAfter = await stat(join(dir, 'seg-000000000007.log'));
    expect(activeAfter.ino).toBe(active.ino);
    expect(activeAfter.size - active.size).toBe(
      addRecord([{ tx: eighth, state: 'pending', attempts: 0 }]).length,
    );
    expect((await listDir(dir)).filter((n) => n.endsWith('.bak'))).toEqual([]);
    expect(j.segmentCount()).toBe(3);
  });

  it('writes the same bytes per confirm whatever the queue holds', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    const bytesOnDisk = async () => {
      let total = 0;
      for (const name of await listDir(dir)) total += (await stat(join(dir, name))).size;
      return total;
    };
    // What a confirm adds to the disk, and the size of its own record.
    const confirmCost = async (n: number) => {
      const before = await bytesOnDisk();
      const tx = await j.append(saleTx(n));
      return [(await bytesOnDisk()) - before, addRecord([{ tx, state: 'pending', attempts: 0 }]).length];
    };
    await confirmCost(1);
    const [withOneQueued, ownRecord] = await confirmCost(2);
    expect(withOneQueued).toBe(ownRecord);
    expect(ownRecord).toBeLessThan(1000);
    for (let k = 0; k < 6; k++) {
      await j.appendMany(Array.from({ length: 50 }, (_, i) => saleTx(1000 + k * 50 + i)));
    }
    expect(j.stats(0).pending).toBe(302);
    const [withHundredsQueued, ownRecordThen] = await confirmCost(3);
    expect(withHundredsQueued).toBe(ownRecordThen);
    expect(Math.abs(ownRecordThen! - ownRecord!)).toBeLessThan(10);
  });

  it('also rolls over by size, so an append never rewrites more than about segmentMaxBytes', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentMaxBytes: 2500 });
    for (let i = 1; i <= 6; i++) await j.append(saleTx(i));
    const names = segmentFiles(await listDir(dir));
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) {
      expect((await stat(join(dir, name))).size).toBeLessThan(2500 + 200);
    }
    // A transaction bigger than the limit still goes in, alone in its segment.
    const big = await j.append(saleTx(7, { messages: ['x'.repeat(5000)] }));
    expect(
      (await segmentOnDisk(dir, segmentFiles(await listDir(dir)).at(-1)!)).entries.map((e) => e.tx.seq),
    ).toEqual([big.seq]);
    await j.close();
    expect((await FileJournal.open(dir, { logger: new MemoryLogger() })).pending(10)).toHaveLength(7);
  });

  it('appendMany writes all in one segment: the active one if they fit, else a new one (never split)', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 4);
    await j.append(saleTx(1));
    const two = await j.appendMany([saleTx(2), saleTx(3, { kind: 'enrolment', receiptId: 'r-2' })]);
    expect(two.map((t) => t.seq)).toEqual([2, 3]);
    expect(segmentFiles(await listDir(dir))).toEqual(['seg-000000000001.log']);
    const next = await j.appendMany([saleTx(4), saleTx(5)]);
    expect(next.map((t) => t.seq)).toEqual([4, 5]);
    expect(segmentFiles(await listDir(dir))).toEqual(['seg-000000000001.log', 'seg-000000000004.log']);
    expect((await segmentOnDisk(dir, 'seg-000000000001.log')).entries).toHaveLength(3);
    expect((await segmentOnDisk(dir, 'seg-000000000004.log')).entries.map((e) => e.tx.seq)).toEqual([4, 5]);
    expect(j.byReceipt('r-2').map((e) => e.tx.kind)).toEqual(['sale', 'enrolment']);
    expect(await j.appendMany([])).toEqual([]);
  });

  it('refuses a transaction id it already holds, or twice in one batch, writing nothing', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    await j.append(saleTx(1));
    await expect(j.append(saleTx(1))).rejects.toBeInstanceOf(JournalDuplicateIdError);
    await expect(j.appendMany([saleTx(2), saleTx(2)])).rejects.toBeInstanceOf(JournalDuplicateIdError);
    await expect(j.append(saleTx(3, { id: '' }))).rejects.toThrow(/non-empty id/);
    expect(j.lastSeq()).toBe(1);
    expect((await segmentOnDisk(dir, 'seg-000000000001.log')).entries).toHaveLength(1);
    expect((await j.append(saleTx(4))).seq).toBe(2);
  });

  it('gives concurrent appends distinct consecutive seqs, all durable', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 5);
    const txs = await Promise.all(Array.from({ length: 23 }, (_, i) => j.append(saleTx(i + 1))));
    expect(txs.map((t) => t.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    await j.close();
    const again = await openJournal(dir, 5);
    expect(again.pending(100).map((e) => e.tx.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });
});

describe('FileJournal: results, dead letters, resend', () => {
  it('accepted/duplicate → synced, retry → stays pending, rejected → dead; unknown ids ignored', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 2);
    for (let i = 1; i <= 5; i++) await j.append(saleTx(i));
    await j.recordResults(
      [
        { id: 'tx-1', status: 'accepted' },
        { id: 'tx-2', status: 'duplicate' },
        { id: 'tx-3', status: 'retry', reason: 'sale not arrived yet' },
        { id: 'tx-4', status: 'rejected', reason: 'unknown program version' },
        { id: 'tx-unknown', status: 'accepted' },
      ],
      AT,
    );
    expect(j.byId('tx-1')).toMatchObject({ state: 'synced', syncedAt: AT, attempts: 1 });
    expect(j.byId('tx-2')).toMatchObject({ state: 'synced', syncedAt: AT });
    expect(j.byId('tx-3')).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'sale not arrived yet',
    });
    expect(j.byId('tx-4')).toMatchObject({ state: 'dead', lastError: 'unknown program version' });
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-5']);
    expect(j.deadLetters().map((e) => e.tx.id)).toEqual(['tx-4']);
    expect(j.stats(Date.parse(AT))).toMatchObject({ pending: 2, deadLetter: 1, total: 5 });
    // Durable: every touched segment has the new states on disk.
    expect((await segmentOnDisk(dir, 'seg-000000000001.log')).entries.map((e) => e.state)).toEqual([
      'synced',
      'synced',
    ]);
    expect((await segmentOnDisk(dir, 'seg-000000000003.log')).entries.map((e) => e.state)).toEqual([
      'pending',
      'dead',
    ]);
  });

  it('a synced entry stays synced: later answers neither move it back nor change its time', async () => {
    const j = await openJournal(await tempDir());
    await j.append(saleTx(1));
    await j.recordResults([{ id: 'tx-1', status: 'accepted' }], AT);
    await j.recordResults(
      [
        { id: 'tx-1', status: 'retry' },
        { id: 'tx-1', status: 'rejected' },
        { id: 'tx-1', status: 'duplicate' },
      ],
      '2025-02-01T00:00:00.000Z',
    );
    expect(j.byId('tx-1')).toMatchObject({ state: 'synced', syncedAt: AT, attempts: 1 });
    expect(j.pending(10)).toEqual([]);
  });

  it('resend moves dead letters back to pending in seq order (all, or only those named)', async () => {
    const j = await openJournal(await tempDir(), 2);
    for (let i = 1; i <= 5; i++) await j.append(saleTx(i));
    await j.recordResults(
      [
        { id: 'tx-1', status: 'rejected', reason: 'x' },
        { id: 'tx-3', status: 'rejected', reason: 'y' },
        { id: 'tx-5', status: 'rejected', reason: 'z' },
        { id: 'tx-2', status: 'accepted' },
      ],
      AT,
    );
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-4']);
    expect(await j.resend(['tx-3', 'tx-2', 'nope'])).toBe(1);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4']);
    expect(j.deadLetters().map((e) => e.tx.id)).toEqual(['tx-1', 'tx-5']);
    expect(await j.resend()).toBe(2);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-3', 'tx-4', 'tx-5']);
    expect(j.deadLetters()).toEqual([]);
    expect(j.byId('tx-1')).toMatchObject({ state: 'pending', attempts: 1, lastError: 'x' });
    expect(await j.resend()).toBe(0);
  });
});

describe('FileJournal: compaction', () => {
  it('deletes only sealed segments that are all synced and older than the retention', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 2);
    for (let i = 1; i <= 9; i++) await j.append(saleTx(i));
    // Segments: [1,2] synced long ago · [3,4] one pending · [5,6] one dead · [7,8] synced just now · [9] active.
    const old = '2025-01-01T00:00:00.000Z';
    const recent = '2025-01-10T00:00:00.000Z';
    await j.recordResults(
      ['tx-1', 'tx-2', 'tx-3', 'tx-5'].map((id) => ({ id, status: 'accepted' as const })),
      old,
    );
    await j.recordResults([{ id: 'tx-6', status: 'rejected', reason: 'bad' }], old);
    await j.recordResults(
      ['tx-7', 'tx-8', 'tx-9'].map((id) => ({ id, status: 'accepted' as const })),
      recent,
    );
    const now = Date.parse('2025-01-10T01:00:00.000Z');
    const day = 24 * 3600 * 1000;
    expect(await j.compact(now, day)).toBe(1);
    expect(segmentFiles(await listDir(dir))).toEqual([
      'seg-000000000003.log',
      'seg-000000000005.log',
      'seg-000000000007.log',
      'seg-000000000009.log',
    ]);
    expect((await listDir(dir)).some((n) => n.startsWith('seg-000000000001'))).toBe(false);
    expect(j.byId('tx-1')).toBeUndefined();
    expect(j.byReceipt('r-2')).toEqual([]);
    expect(j.stats(now).total).toBe(7);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-4']);
    expect(j.deadLetters().map((e) => e.tx.id)).toEqual(['tx-6']);
    // The active segment carries the seq: never deleted, even when all synced and old.
    expect(await j.compact(now + 30 * day, day)).toBe(1);
    expect(segmentFiles(await listDir(dir))).toEqual([
      'seg-000000000003.log',
      'seg-000000000005.log',
      'seg-000000000009.log',
    ]);
    expect((await j.append(saleTx(10))).seq).toBe(10);
    await j.close();
    const again = await openJournal(dir, 2);
    expect(again.lastSeq()).toBe(10);
    expect(again.stats(now).total).toBe(6);
  });
});

describe('FileJournal: reopen, read-only, close', () => {
  it('a reopened journal reproduces the same state and continues the seq', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir, 3);
    for (let i = 1; i <= 8; i++)
      await j.append(saleTx(i, i === 8 ? { returnId: 'ret-8', receiptId: 'r-1' } : {}));
    await j.recordResults(
      [
        { id: 'tx-2', status: 'accepted' },
        { id: 'tx-5', status: 'rejected', reason: 'no' },
        { id: 'tx-6', status: 'retry', reason: 'later' },
      ],
      AT,
    );
    const receipts = ['r-1', 'r-2', 'r-5', 'r-6'];
    const before = snapshot(j, receipts);
    await j.close();
    const again = await openJournal(dir, 3);
    expect(snapshot(again, receipts)).toEqual(before);
    expect(again.byReturnId('ret-8')?.tx.seq).toBe(8);
    expect((await again.append(saleTx(9))).seq).toBe(9);
  });

  it('read-only: loads the same entries and refuses every write', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    await j.append(saleTx(1));
    const ro = await openJournal(dir, 256, true);
    expect(ro.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
    await expect(ro.append(saleTx(2))).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(ro.recordResults([{ id: 'tx-1', status: 'accepted' }], AT)).rejects.toBeInstanceOf(
      StoreReadOnlyError,
    );
    await expect(ro.resend()).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(ro.compact(0, 0)).rejects.toBeInstanceOf(StoreReadOnlyError);
  });

  it('read-only on a missing directory is an empty journal and creates nothing', async () => {
    const dir = join(await tempDir(), 'absent');
    const ro = await openJournal(dir, 256, true);
    expect(ro.stats(0)).toEqual({ pending: 0, oldestAgeSec: 0, deadLetter: 0, total: 0 });
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it('close waits for a write in flight and refuses later ones', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    const inFlight = j.append(saleTx(1));
    await j.close();
    await expect(inFlight).resolves.toMatchObject({ seq: 1 });
    await expect(j.append(saleTx(2))).rejects.toBeInstanceOf(StoreClosedError);
    expect((await segmentOnDisk(dir, 'seg-000000000001.log')).entries).toHaveLength(1);
  });

  it('rejects a nonsensical segment size', async () => {
    await expect(
      FileJournal.open(await tempDir(), { logger: new MemoryLogger(), segmentSize: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('FileJournal: pending entries of one customer', () => {
  const ANNA = { id: 'c-anna' };
  const BORIS = { card: '2000000000015' };

  it('answers from the index: only that customer, oldest first, gone when synced, back on resend, rebuilt at open', async () => {
    const dir = await tempDir();
    const j = await openJournal(dir);
    await j.append(saleTx(1, { customer: ANNA }));
    await j.append(saleTx(2, { customer: BORIS }));
    await j.append(saleTx(3, { customer: ANNA }));
    await j.append(saleTx(4, { customer: {} }));
    const seqsOf = (keys: string[]) => j.pendingOf(keys).map((e) => e.tx.seq);
    expect(seqsOf(['id:c-anna'])).toEqual([1, 3]);
    expect(seqsOf([`card:${BORIS.card}`, 'id:c-anna', 'id:c-anna'])).toEqual([1, 2, 3]);
    expect(seqsOf(['id:nobody'])).toEqual([]);
    expect(seqsOf([])).toEqual([]);

    await j.recordResults([{ id: 'tx-1', status: 'accepted' }], AT);
    await j.recordResults([{ id: 'tx-3', status: 'rejected', reason: 'late' }], AT);
    expect(seqsOf(['id:c-anna'])).toEqual([]);
    expect(await j.resend(['tx-3'])).toBe(1);
    expect(seqsOf(['id:c-anna'])).toEqual([3]);
    await j.close();

    const again = await openJournal(dir);
    expect(again.pendingOf(['id:c-anna', `card:${BORIS.card}`]).map((e) => e.tx.seq)).toEqual([2, 3]);
  });
});
