// Faults injected into the file system calls the store makes: the target must keep its last good
// version and no temp file may be left when a write fails half-way; a journal append that fails
// leaves nothing behind that a later append or a restart would trip over.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DurableFileAdapter } from '../../src/storage/file/durable-file-adapter.js';
import { decodeEnvelope } from '../../src/storage/file/envelope.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';
import { segmentEntriesOnDisk, sessionOneJournal } from './journal-files.js';

type PathRule = string | RegExp | null;

const faults = vi.hoisted(() => ({
  failRenameTo: null as PathRule,
  /** fdatasync of a file opened at a matching path fails (after its bytes were written). */
  failDatasyncOf: null as PathRule,
  /** …and so does cutting it back. */
  failTruncateOf: null as PathRule,
}));

function matches(rule: PathRule, path: unknown): boolean {
  return rule !== null && (typeof rule === 'string' ? String(path) === rule : rule.test(String(path)));
}

function injected(what: string): Error {
  return Object.assign(new Error(`EIO: injected ${what} failure`), { code: 'EIO' });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (matches(faults.failRenameTo, to)) throw injected('rename');
      return real.rename(from, to);
    },
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args);
      const path = args[0];
      const { datasync, truncate } = fh;
      fh.datasync = () =>
        matches(faults.failDatasyncOf, path) ? Promise.reject(injected('fdatasync')) : datasync.call(fh);
      fh.truncate = (len?: number) =>
        matches(faults.failTruncateOf, path) ? Promise.reject(injected('truncate')) : truncate.call(fh, len);
      return fh;
    },
  };
});

afterEach(() => {
  faults.failRenameTo = null;
  faults.failDatasyncOf = null;
  faults.failTruncateOf = null;
});

describe('DurableFileAdapter under faults', () => {
  it('a failed rename leaves the previous version in place and removes its temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const file = new DurableFileAdapter<{ n: number }>(path, { logger: new MemoryLogger() });
    await file.write({ n: 1 });
    faults.failRenameTo = path;
    await expect(file.write({ n: 2 })).rejects.toThrow(/injected rename failure/);
    const decoded = decodeEnvelope(await readFile(path));
    expect(decoded).toEqual({ ok: true, body: { n: 1 } });
    expect((await listDir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // …and the file is writable again once the fault is gone.
    faults.failRenameTo = null;
    await file.write({ n: 3 });
    expect(await file.read()).toEqual({ n: 3 });
  });
});

describe('FileJournal under faults', () => {
  it('a failed append changes nothing: no seq used, not indexed, the file cut back', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger() });
    await j.append(saleTx(1));
    const seg = join(dir, 'seg-000000000001.log');
    const size = (await stat(seg)).size;
    faults.failDatasyncOf = seg;
    await expect(j.append(saleTx(2))).rejects.toThrow(/injected fdatasync/);
    expect(j.lastSeq()).toBe(1);
    expect(j.byId('tx-2')).toBeUndefined();
    expect(j.byReceipt('r-2')).toEqual([]);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
    expect((await stat(seg)).size).toBe(size);
    faults.failDatasyncOf = null;
    // The same transaction can be confirmed again, and gets the seq the failed attempt did not use.
    expect((await j.append(saleTx(2))).seq).toBe(2);
    await j.close();
    const again = await FileJournal.open(dir, { logger: new MemoryLogger() });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2']);
  });

  it('a failed first write of a new segment leaves no file claiming its seqs', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 1 });
    await j.append(saleTx(1));
    faults.failDatasyncOf = /seg-000000000002\.log$/;
    await expect(j.append(saleTx(2))).rejects.toThrow(/injected fdatasync/);
    expect(await listDir(dir)).toEqual(['seg-000000000001.log']);
    faults.failDatasyncOf = null;
    expect((await j.append(saleTx(3))).seq).toBe(2);
    expect(j.byId('tx-2')).toBeUndefined();
  });

  it('a failed append that cannot be cut back is rewritten away before the next write, never to come back', async () => {
    const dir = await tempDir();
    const logger = new MemoryLogger();
    const j = await FileJournal.open(dir, { logger });
    await j.append(saleTx(1));
    const seg = join(dir, 'seg-000000000001.log');
    faults.failDatasyncOf = seg;
    faults.failTruncateOf = seg;
    await expect(j.append(saleTx(2))).rejects.toThrow(/injected fdatasync/);
    faults.failDatasyncOf = null;
    faults.failTruncateOf = null;
    // tx-2's record (whole, only its fdatasync failed) is still in the file: it was refused, so
    // it must not come back at the next start; its seq goes to the next transaction.
    expect(await segmentEntriesOnDisk(dir, 'seg-000000000001.log')).toHaveLength(2);
    expect((await j.append(saleTx(3))).seq).toBe(2);
    expect(await listDir(dir)).toEqual(['seg-000000000001.log']);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000001.log')).map((e) => e.tx.id)).toEqual([
      'tx-1',
      'tx-3',
    ]);
    await j.recordResults([{ id: 'tx-1', status: 'accepted' }], '2025-01-02T00:00:00.000Z');
    await j.close();
    const again = await FileJournal.open(dir, { logger });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-3']);
    expect(again.byId('tx-1')?.state).toBe('synced');
    expect(again.byId('tx-2')).toBeUndefined();
    expect(logger.at('warn')).toEqual([]);
  });

  it('recordResults commits the segments that were written and keeps the failed one pending', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    for (let i = 1; i <= 4; i++) await j.append(saleTx(i));
    faults.failDatasyncOf = /seg-000000000003\.log$/;
    const results = ['tx-1', 'tx-2', 'tx-3', 'tx-4'].map((id) => ({ id, status: 'accepted' as const }));
    await expect(j.recordResults(results, '2025-01-02T00:00:00.000Z')).rejects.toThrow(/injected/);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4']);
    faults.failDatasyncOf = null;
    await j.close();
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4']);
    expect(again.byId('tx-1')?.state).toBe('synced');
  });

  it('a migration whose new segment cannot be written keeps the session-1 files; the next open migrates', async () => {
    const dir = await tempDir();
    await sessionOneJournal(dir, 4, 2);
    const before = await listDir(dir);
    faults.failRenameTo = join(dir, 'seg-000000000003.log');
    await expect(FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 })).rejects.toThrow(
      /injected rename/,
    );
    // seg 1 is migrated (its log first, then the old files removed); seg 3 kept its old files.
    expect(await listDir(dir)).toEqual([
      'seg-000000000001.log',
      'seg-000000000003.json',
      'seg-000000000003.json.bak',
    ]);
    expect(before).toContain('seg-000000000003.json.bak');
    faults.failRenameTo = null;
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4']);
    expect(await listDir(dir)).toEqual(['seg-000000000001.log', 'seg-000000000003.log']);
    expect((await segmentEntriesOnDisk(dir, 'seg-000000000003.log')).map((e) => e.tx.id)).toEqual([
      'tx-3',
      'tx-4',
    ]);
  });
});
