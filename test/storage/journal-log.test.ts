// The append-only segments (`seg-N.log`): a torn last record is dropped at open, damage anywhere
// else refuses the start naming the file, session-1 segments keep working beside them, and the
// synced history is found on disk after it left memory.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/agent/ports.js';
import { StoreCorruptError } from '../../src/storage/errors.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { setRecord } from '../../src/storage/journal/log-records.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';
import { segmentEntriesOnDisk, segmentFiles, sessionOneJournal } from './journal-files.js';

const AT = '2025-01-02T12:00:00.000Z';
const SEG1 = 'seg-000000000001.log';
const SEG4 = 'seg-000000000004.log';

async function journalWith(dir: string, count: number, segmentSize = 3): Promise<void> {
  const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize });
  for (let i = 1; i <= count; i++) await j.append(saleTx(i));
  await j.close();
}

async function cutOff(path: string, bytes: number): Promise<void> {
  const content = await readFile(path);
  await writeFile(path, content.subarray(0, content.length - bytes));
}

async function openError(dir: string): Promise<StoreCorruptError> {
  const err = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreCorruptError);
  return err as StoreCorruptError;
}

describe('append-only segments at open', () => {
  it('drops a torn last record (never acknowledged), logs it, cuts it off and reuses its seq', async () => {
    const dir = await tempDir();
    await journalWith(dir, 5);
    const seg = join(dir, SEG4);
    const before = (await stat(seg)).size;
    await cutOff(seg, 100); // tx-5's record, cut mid-way
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger, segmentSize: 3 });
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4']);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]!.obj).toMatchObject({ file: seg });
    expect(logger.at('warn')[0]!.msg).toMatch(/torn record/);
    // Cut back to the good records, so the next append does not land behind garbage.
    expect((await stat(seg)).size).toBeLessThan(before - 100);
    expect((await j.append(saleTx(6))).seq).toBe(5);
    await j.close();
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4', 'tx-6']);
  });

  it('a torn record that ends in a newline (its middle never reached the disk) is dropped as well', async () => {
    const dir = await tempDir();
    await journalWith(dir, 2);
    const seg = join(dir, SEG1);
    const bytes = await readFile(seg);
    const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    bytes.fill(0, lastStart + 60, bytes.length - 1); // zeros where the disk lost the pages
    await writeFile(seg, bytes);
    const j = await FileJournal.open(dir, { logger: new MemoryLogger() });
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
  });

  it('a new segment whose only record was torn is removed: the seq goes on from the one before', async () => {
    const dir = await tempDir();
    await journalWith(dir, 4);
    await cutOff(join(dir, SEG4), 10);
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(await listDir(dir)).toEqual([SEG1]);
    expect(j.lastSeq()).toBe(3);
    expect((await j.append(saleTx(5))).seq).toBe(4);
    // An empty file (the crash came between create and write) is no segment either.
    await j.close();
    await writeFile(join(dir, 'seg-000000000005.log'), '');
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(again.lastSeq()).toBe(4);
    expect(await listDir(dir)).toEqual([SEG1, SEG4]);
  });

  it('read-only: drops the torn record in memory only and changes no file', async () => {
    const dir = await tempDir();
    await journalWith(dir, 5);
    await cutOff(join(dir, SEG4), 30);
    const bytes = await readFile(join(dir, SEG4));
    const ro = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3, readOnly: true });
    expect(ro.lastSeq()).toBe(4);
    expect(await readFile(join(dir, SEG4))).toEqual(bytes);
  });

  it('garbage in the middle of a segment refuses the start, naming the file, and moves nothing', async () => {
    const dir = await tempDir();
    await journalWith(dir, 6);
    const seg = join(dir, SEG1);
    const bytes = await readFile(seg);
    const secondRecord = bytes.indexOf(0x0a) + 1;
    bytes[secondRecord + 70] = bytes[secondRecord + 70]! ^ 0x01; // one flipped bit in tx-2's record
    await writeFile(seg, bytes);
    const err = await openError(dir);
    expect(err.file).toBe(seg);
    expect(err.reason).toMatch(/record 2 .*damaged.*more data follows/);
    expect(err.message).toContain(seg);
    expect(await listDir(dir)).toEqual([SEG1, SEG4]);
    expect(await readFile(seg)).toEqual(bytes);
  });

  it('a record with a good checksum but content that does not fit (wrong seq) is refused', async () => {
    const dir = await tempDir();
    await journalWith(dir, 2);
    const status = setRecord([{ seq: 9, state: 'synced', attempts: 1, syncedAt: AT }]);
    await writeFile(join(dir, SEG1), Buffer.concat([await readFile(join(dir, SEG1)), status]));
    const err = await openError(dir);
    expect(err.reason).toMatch(/record 3: status for seq 9/);
  });

  it('a torn status record (a crash while recording sync results) leaves those entries pending', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    for (let i = 1; i <= 4; i++) await j.append(saleTx(i));
    await j.recordResults([{ id: 'tx-1', status: 'accepted' }], AT);
    await j.recordResults([{ id: 'tx-2', status: 'accepted' }], AT);
    await j.close();
    await cutOff(join(dir, SEG1), 20);
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-2', 'tx-3', 'tx-4']);
    expect(again.byId('tx-1')?.state).toBe('synced');
  });

  it('a segment file and a session-1 file for the same seqs, holding other entries, cannot both be right: refused', async () => {
    const dir = await tempDir();
    await sessionOneJournal(dir, 2, 3);
    // Three entries where the session-1 file has two: not the copy an interrupted migration leaves.
    await journalWith(join(dir, 'other'), 3);
    await writeFile(join(dir, SEG1), await readFile(join(dir, 'other', SEG1)));
    expect((await openError(dir)).reason).toMatch(/overlap/);
  });
});

describe('session-1 segments, migrated at open (journal-migration.test.ts has the crash cases)', () => {
  /** Session 1's data: tx-1..7 in seg 1, 4, 7 (.json); tx-1, 2 synced, tx-5 dead, tx-6 a return of r-1. */
  async function sessionOneDir(): Promise<string> {
    const dir = await tempDir();
    await sessionOneJournal(dir, 7, 3, (n): JournalEntry => {
      const tx = {
        ...saleTx(n, n === 6 ? { kind: 'return', receiptId: 'r-1', returnId: 'ret-6' } : {}),
        seq: n,
      };
      if (n <= 2) return { tx, state: 'synced', syncedAt: '2025-01-01T12:00:00.000Z', attempts: 1 };
      if (n === 5) return { tx, state: 'dead', lastError: 'bad', attempts: 1 };
      return { tx, state: 'pending', attempts: 0 };
    });
    return dir;
  }

  it('open with every state and look-up intact; new entries go on in the migrated segments', async () => {
    const dir = await sessionOneDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4', 'tx-6', 'tx-7']);
    expect(j.deadLetters().map((e) => e.tx.id)).toEqual(['tx-5']);
    expect(j.byReceipt('r-1').map((e) => [e.tx.id, e.state])).toEqual([
      ['tx-1', 'synced'],
      ['tx-6', 'pending'],
    ]);
    expect(j.byReturnId('ret-6')?.tx.id).toBe('tx-6');
    expect(j.stats(Date.parse(AT))).toMatchObject({ pending: 4, deadLetter: 1, total: 7 });
    expect((await j.append(saleTx(8))).seq).toBe(8);
    // seg 7 held one entry of three: the migrated segment takes the next append like any other.
    expect(segmentFiles(await listDir(dir))).toEqual([
      'seg-000000000001.log',
      'seg-000000000004.log',
      'seg-000000000007.log',
    ]);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000007.log')).map((e) => e.tx.id)).toEqual([
      'tx-7',
      'tx-8',
    ]);
  });

  it('results and resends are recorded in the migrated segments; a reopen sees them', async () => {
    const dir = await sessionOneDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    await j.recordResults(
      [
        { id: 'tx-3', status: 'accepted' },
        { id: 'tx-4', status: 'rejected', reason: 'no' },
      ],
      AT,
    );
    expect(await j.resend(['tx-5'])).toBe(1);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000001.log')).map((e) => e.state)).toEqual([
      'synced',
      'synced',
      'synced',
    ]);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000004.log')).map((e) => e.state)).toEqual([
      'dead',
      'pending',
      'pending',
    ]);
    await j.close();
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-5', 'tx-6', 'tx-7']);
    expect(again.deadLetters().map((e) => e.tx.id)).toEqual(['tx-4']);
    expect(again.byId('tx-3')).toMatchObject({ state: 'synced', syncedAt: AT });
  });

  it('compaction deletes a migrated segment like any other', async () => {
    const dir = await sessionOneDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 3 });
    await j.recordResults([{ id: 'tx-3', status: 'accepted' }], '2025-01-01T12:00:00.000Z');
    expect(await j.compact(Date.parse(AT), 3600_000)).toBe(1);
    expect((await listDir(dir)).filter((n) => n.startsWith('seg-000000000001'))).toEqual([]);
    expect(j.byReceipt('r-1').map((e) => e.tx.id)).toEqual(['tx-6']);
    expect(j.byId('tx-1')).toBeUndefined();
    expect(j.stats(0).total).toBe(4);
  });
});

describe('synced history on disk, not in memory', () => {
  /** 40 sales in segments of 4 plus a return of r-3 (tx-41) and of r-22 (tx-42), all synced. */
  async function syncedHistory(dir: string, cachedSegments: number): Promise<FileJournal> {
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 4, cachedSegments });
    for (let i = 1; i <= 40; i++) await j.append(saleTx(i));
    await j.append(saleTx(41, { kind: 'return', receiptId: 'r-3', returnId: 'ret-3' }));
    await j.append(saleTx(42, { kind: 'return', receiptId: 'r-22', returnId: 'ret-22' }));
    const ids = Array.from({ length: 42 }, (_, i) => `tx-${i + 1}`);
    await j.recordResults(
      ids.map((id) => ({ id, status: 'accepted' as const })),
      AT,
    );
    return j;
  }

  function expectFindsHistory(j: FileJournal): void {
    expect(j.byReceipt('r-3').map((e) => [e.tx.id, e.tx.kind, e.state])).toEqual([
      ['tx-3', 'sale', 'synced'],
      ['tx-41', 'return', 'synced'],
    ]);
    expect(j.byReceipt('r-22').map((e) => e.tx.id)).toEqual(['tx-22', 'tx-42']);
    expect(j.byReturnId('ret-3')?.tx.seq).toBe(41);
    expect(j.byId('tx-17')).toMatchObject({ state: 'synced', syncedAt: AT, tx: { receiptId: 'r-17' } });
    for (let i = 1; i <= 40; i++) expect(j.byReceipt(`r-${i}`)[0]?.tx.id).toBe(`tx-${i}`);
    expect(j.byReceipt('r-404')).toEqual([]);
    expect(j.byReturnId('ret-404')).toBeUndefined();
  }

  it('keeps only the active segment and a small cache as objects; look-ups read the rest from disk', async () => {
    const dir = await tempDir();
    const j = await syncedHistory(dir, 1);
    // 42 entries: the active segment holds 2 (41, 42); nothing is pending.
    expect(j.memory()).toMatchObject({ residentEntries: 2, cachedSegments: 0, indexedKeys: 42 * 2 + 2 });
    expectFindsHistory(j); // reads ten segments through a one-segment cache: evicted again and again
    expect(j.memory().cachedSegments).toBe(1);
    expect(j.memory().residentEntries).toBeLessThanOrEqual(2 + 4);
    // An id of the history is still a duplicate, though its segment is not in memory.
    await expect(j.append(saleTx(9))).rejects.toThrow(/already holds a transaction with id tx-9/);
    // Answers about synced entries change nothing and read nothing.
    await j.recordResults([{ id: 'tx-5', status: 'rejected', reason: 'late' }], AT);
    expect(j.byId('tx-5')?.state).toBe('synced');
  });

  it('finds the same after a restart, with a cache of zero segments', async () => {
    const dir = await tempDir();
    await (await syncedHistory(dir, 4)).close();
    const again = await FileJournal.open(dir, {
      logger: new MemoryLogger(),
      segmentSize: 4,
      cachedSegments: 0,
    });
    expect(again.memory()).toMatchObject({ residentEntries: 2, cachedSegments: 0 });
    expectFindsHistory(again);
    expect(again.stats(Date.parse(AT))).toEqual({ pending: 0, oldestAgeSec: 0, deadLetter: 0, total: 42 });
  });

  it('a look-up answers from the current state after a segment changed (no stale cached copy)', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    for (let i = 1; i <= 5; i++) await j.append(saleTx(i));
    await j.recordResults([{ id: 'tx-1', status: 'accepted' }], AT);
    expect(j.byReceipt('r-1')[0]?.state).toBe('synced'); // seg 1 now cached
    await j.recordResults([{ id: 'tx-2', status: 'rejected', reason: 'x' }], AT);
    expect(j.byId('tx-2')?.state).toBe('dead');
    await j.resend();
    await j.recordResults([{ id: 'tx-2', status: 'duplicate' }], AT);
    const [tx2] = j.byReceipt('r-2');
    expect(tx2).toMatchObject({ state: 'synced', attempts: 2 });
    expect(tx2?.lastError).toBeUndefined();
  });

  it('a segment damaged after the start fails the look-up loudly instead of answering "not found"', async () => {
    const dir = await tempDir();
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger, segmentSize: 2, cachedSegments: 0 });
    for (let i = 1; i <= 3; i++) await j.append(saleTx(i));
    await j.recordResults(
      [
        { id: 'tx-1', status: 'accepted' },
        { id: 'tx-2', status: 'accepted' },
      ],
      AT,
    );
    await writeFile(join(dir, SEG1), 'garbage\nmore garbage\n');
    expect(() => j.byReceipt('r-1')).toThrow(StoreCorruptError);
    expect(logger.at('error')[0]!.obj).toMatchObject({ file: join(dir, SEG1) });
    expect(j.byReceipt('r-3').map((e) => e.tx.id)).toEqual(['tx-3']);
  });
});
