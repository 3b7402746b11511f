// Faults injected into the file system calls the adapter makes: the target must keep its last
// good version and no temp file may be left when a write fails half-way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DurableFileAdapter } from '../../src/storage/file/durable-file-adapter.js';
import { decodeEnvelope } from '../../src/storage/file/envelope.js';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { listDir, MemoryLogger, saleTx, tempDir } from './helpers.js';

const faults = vi.hoisted(() => ({ failRenameTo: null as string | null | RegExp }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      const rule = faults.failRenameTo;
      if (rule !== null && (typeof rule === 'string' ? String(to) === rule : rule.test(String(to)))) {
        throw Object.assign(new Error('EIO: injected rename failure'), { code: 'EIO' });
      }
      return real.rename(from, to);
    },
  };
});

afterEach(() => {
  faults.failRenameTo = null;
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
  it('a failed append changes nothing: no seq used, not indexed, nothing on disk', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger() });
    await j.append(saleTx(1));
    faults.failRenameTo = join(dir, 'seg-000000000001.json');
    await expect(j.append(saleTx(2))).rejects.toThrow(/injected/);
    expect(j.lastSeq()).toBe(1);
    expect(j.byId('tx-2')).toBeUndefined();
    expect(j.byReceipt('r-2')).toEqual([]);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
    faults.failRenameTo = null;
    // The same transaction can be confirmed again, and gets the seq the failed attempt did not use.
    expect((await j.append(saleTx(2))).seq).toBe(2);
    await j.close();
    expect((await FileJournal.open(dir, { logger: new MemoryLogger() })).pending(10)).toHaveLength(2);
  });

  it('recordResults commits the segments that were written and keeps the failed one pending', async () => {
    const dir = await tempDir();
    const j = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    for (let i = 1; i <= 4; i++) await j.append(saleTx(i));
    faults.failRenameTo = /seg-000000000003\.json$/;
    const results = ['tx-1', 'tx-2', 'tx-3', 'tx-4'].map((id) => ({ id, status: 'accepted' as const }));
    await expect(j.recordResults(results, '2025-01-02T00:00:00.000Z')).rejects.toThrow(/injected/);
    expect(j.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4']);
    faults.failRenameTo = null;
    await j.close();
    const again = await FileJournal.open(dir, { logger: new MemoryLogger(), segmentSize: 2 });
    expect(again.pending(10).map((e) => e.tx.id)).toEqual(['tx-3', 'tx-4']);
    expect(again.byId('tx-1')?.state).toBe('synced');
  });
});
