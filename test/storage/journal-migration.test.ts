// The one-time migration of session-1 segments (`seg-N.json` + `.bak`) to append-only `seg-N.log`
// at a writable open: every entry and state kept, the old files gone, done once; a crash between
// writing the new file and removing the old is finished at the next open; a log that is not a
// copy is refused with nothing changed; a read-only open reads the old files and changes nothing.
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/agent/ports.js';
import { StoreCorruptError } from '../../src/storage/errors.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';
import { segmentEntriesOnDisk, sessionOneJournal } from './journal-files.js';

const AT = '2025-01-02T12:00:00.000Z';
const SYNCED_AT = '2025-01-01T12:00:00.000Z';
const MIGRATED = 'journal segment migrated from the session-1 format to an append-only segment';

/** Session 1's tx-1..7, 3 to a segment: tx-1, 2 synced, tx-5 dead, tx-6 a return of r-1, the rest pending. */
function sessionOneEntry(n: number): JournalEntry {
  const tx = { ...saleTx(n, n === 6 ? { kind: 'return', receiptId: 'r-1', returnId: 'ret-6' } : {}), seq: n };
  if (n <= 2) return { tx, state: 'synced', syncedAt: SYNCED_AT, attempts: 1 };
  if (n === 5) return { tx, state: 'dead', lastError: 'bad', attempts: 2 };
  return { tx, state: 'pending', attempts: 0 };
}

async function sessionOneDir(): Promise<string> {
  const dir = await tempDir();
  await sessionOneJournal(dir, 7, 3, sessionOneEntry);
  return dir;
}

const open = (dir: string, logger = new MemoryLogger(), readOnly = false) =>
  FileJournal.open(dir, { logger, segmentSize: 3, readOnly });

function migrations(logger: MemoryLogger): string[] {
  return logger
    .at('info')
    .filter((r) => r.msg === MIGRATED)
    .map((r) => (r.obj as { file: string }).file.split('/').at(-1)!);
}

/** Every entry exactly as session 1 wrote it, found through the journal's own look-ups. */
function expectSessionOneData(j: FileJournal): void {
  expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4', 'tx-6', 'tx-7']);
  expect(j.deadLetters()).toEqual([sessionOneEntry(5)]);
  for (let n = 1; n <= 7; n++) expect(j.byId(`tx-${n}`)).toEqual(sessionOneEntry(n));
  expect(j.byReceipt('r-1').map((e) => e.tx.id)).toEqual(['tx-1', 'tx-6']);
  expect(j.byReturnId('ret-6')?.tx.id).toBe('tx-6');
  expect(j.stats(Date.parse(AT))).toMatchObject({ pending: 4, deadLetter: 1, total: 7 });
}

describe('journal: session-1 segments migrated once at open', () => {
  it('rewrites each as an append-only segment with the same entries, removes the old files, once', async () => {
    const dir = await sessionOneDir();
    expect(await listDir(dir)).toContain('seg-000000000001.json.bak');
    const logger = new MemoryLogger();
    const j = await open(dir, logger);
    expect(migrations(logger)).toEqual([
      'seg-000000000001.json',
      'seg-000000000004.json',
      'seg-000000000007.json',
    ]);
    expect(await listDir(dir)).toEqual([
      'seg-000000000001.log',
      'seg-000000000004.log',
      'seg-000000000007.log',
    ]);
    for (const first of [1, 4, 7]) {
      const name = `seg-00000000000${first}.log`;
      const expected = [first, first + 1, first + 2].filter((n) => n <= 7).map(sessionOneEntry);
      expect(await segmentEntriesOnDisk(dir, name)).toEqual(expected);
    }
    expectSessionOneData(j);
    await j.close();

    const again = new MemoryLogger();
    const reopened = await open(dir, again);
    expect(migrations(again)).toEqual([]);
    expect(again.records).toEqual([]);
    expectSessionOneData(reopened);
    await reopened.close();
  });

  it('a crash between writing the new file and removing the old: the next open finishes the job', async () => {
    // What the disk holds if the migration died at every point at once: seg 1 done, seg 4's log
    // written (renamed into place) but its json and .bak still there, seg 7 not started.
    const dir = await sessionOneDir();
    const done = await sessionOneDir();
    await (await open(done)).close();
    for (const name of ['seg-000000000001.log', 'seg-000000000004.log']) {
      await copyFile(join(done, name), join(dir, name));
    }
    await rm(join(dir, 'seg-000000000001.json'));
    await rm(join(dir, 'seg-000000000001.json.bak'));
    expect(await listDir(dir)).toEqual([
      'seg-000000000001.log',
      'seg-000000000004.json',
      'seg-000000000004.json.bak',
      'seg-000000000004.log',
      'seg-000000000007.json',
    ]);
    const logFileBefore = await readFile(join(dir, 'seg-000000000004.log'));

    const logger = new MemoryLogger();
    const j = await open(dir, logger);
    expect(migrations(logger)).toEqual(['seg-000000000004.json', 'seg-000000000007.json']);
    expect(await listDir(dir)).toEqual([
      'seg-000000000001.log',
      'seg-000000000004.log',
      'seg-000000000007.log',
    ]);
    expect(await readFile(join(dir, 'seg-000000000004.log'))).toEqual(logFileBefore);
    expectSessionOneData(j);
    // The journal goes on: the next entry follows tx-7 in the last segment.
    expect((await j.append(saleTx(8))).seq).toBe(8);
    await j.close();
    const reopened = await open(dir);
    expect(reopened.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4', 'tx-6', 'tx-7', 'tx-8']);
    for (let n = 1; n <= 7; n++) expect(reopened.byId(`tx-${n}`)).toEqual(sessionOneEntry(n));
  });

  it('a crash while the new file was still a temp file: it is ignored and the migration runs again', async () => {
    const dir = await sessionOneDir();
    await writeFile(join(dir, '.seg-000000000004.log.4242.0badc0de.tmp'), 'half a record');
    const j = await open(dir);
    expectSessionOneData(j);
    expect((await listDir(dir)).filter((n) => n.endsWith('.json') || n.endsWith('.bak'))).toEqual([]);
  });

  it('a log beside a session-1 segment holding other entries is not its copy: refused, nothing changed', async () => {
    const dir = await sessionOneDir();
    const other = await tempDir();
    const j = await open(other);
    for (let n = 1; n <= 3; n++) await j.append(saleTx(100 + n));
    await j.close();
    await copyFile(join(other, 'seg-000000000001.log'), join(dir, 'seg-000000000001.log'));
    const before = await listDir(dir);
    const bytes = await Promise.all(before.map((n) => readFile(join(dir, n))));

    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect((err as StoreCorruptError).file).toBe(join(dir, 'seg-000000000001.log'));
    expect((err as StoreCorruptError).reason).toMatch(/overlap .*seg-000000000001\.json/);
    // Only the segments before the conflict could have been touched; here it is the first: none was.
    expect(await listDir(dir)).toEqual(before);
    expect(await Promise.all(before.map((n) => readFile(join(dir, n))))).toEqual(bytes);
  });

  it('a read-only open reads session-1 segments and changes nothing on disk', async () => {
    const dir = await sessionOneDir();
    const before = await listDir(dir);
    const logger = new MemoryLogger();
    const j = await open(dir, logger, true);
    expectSessionOneData(j);
    expect(migrations(logger)).toEqual([]);
    expect(await listDir(dir)).toEqual(before);
    await expect(j.append(saleTx(8))).rejects.toThrow(/read-only/);
  });

  it('a read-only open during an interrupted migration reads the log, not both', async () => {
    const dir = await sessionOneDir();
    const done = await sessionOneDir();
    await (await open(done)).close();
    await copyFile(join(done, 'seg-000000000004.log'), join(dir, 'seg-000000000004.log'));
    const j = await open(dir, new MemoryLogger(), true);
    expectSessionOneData(j);
    expect(await listDir(dir)).toContain('seg-000000000004.json');
  });
});
