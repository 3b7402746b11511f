// Faults injected into the file system calls the adapter makes: the target must keep its last
// good version and no temp file may be left when a write fails half-way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DurableFileAdapter } from '../../src/storage/file/durable-file-adapter.js';
import { decodeEnvelope } from '../../src/storage/file/envelope.js';
import { listDir, MemoryLogger, tempDir } from './helpers.js';

const faults = vi.hoisted(() => ({ failRenameTo: null as string | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    rename: async (from: string, to: string) => {
      if (faults.failRenameTo !== null && String(to) === faults.failRenameTo) {
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
