import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { describe, expect, it } from 'vitest';
import { StoreReadOnlyError } from '../../src/storage/errors.js';
import { DamagedFileError } from '../../src/storage/file/damaged-file-error.js';
import { DurableFileAdapter } from '../../src/storage/file/durable-file-adapter.js';
import { decodeEnvelope } from '../../src/storage/file/envelope.js';
import { listDir, MemoryLogger, tempDir } from './helpers.js';

interface Doc {
  n: number;
  note?: string;
}

const isDoc = (b: unknown): b is Doc =>
  typeof b === 'object' && b !== null && typeof (b as Doc).n === 'number';

async function decodedFile(path: string): Promise<unknown> {
  const d = decodeEnvelope(await readFile(path));
  if (!d.ok) throw new Error(d.reason);
  return d.body;
}

describe('DurableFileAdapter', () => {
  it('works as the adapter of a Low instance: written data is read back by a new instance', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const db = new Low<Doc>(new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() }), { n: 0 });
    await db.update((d) => {
      d.n = 42;
    });
    const again = new Low<Doc>(new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() }), { n: 0 });
    await again.read();
    expect(again.data).toEqual({ n: 42 });
  });

  it('replaces the file by rename (new inode), keeps the previous version as .bak, leaves no temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const file = new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() });
    await file.write({ n: 1 });
    expect(await listDir(dir)).toEqual(['doc.json']);
    const first = await stat(path);
    await file.write({ n: 2 });
    const second = await stat(path);
    expect(second.ino).not.toBe(first.ino);
    // The backup is the very file that was replaced (a hard link, not a copy).
    expect((await stat(`${path}.bak`)).ino).toBe(first.ino);
    expect(await decodedFile(path)).toEqual({ n: 2 });
    expect(await decodedFile(`${path}.bak`)).toEqual({ n: 1 });
    await file.write({ n: 3 });
    expect(await decodedFile(`${path}.bak`)).toEqual({ n: 2 });
    expect(await listDir(dir)).toEqual(['doc.json', 'doc.json.bak']);
  });

  it('serialises concurrent writes: all resolve, the last one wins, no temp file is left', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const file = new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() });
    const other = new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() });
    const writes = Array.from({ length: 20 }, (_, i) => (i % 2 ? other : file).write({ n: i }));
    await Promise.all(writes);
    expect(await decodedFile(path)).toEqual({ n: 19 });
    expect(await listDir(dir)).toEqual(['doc.json', 'doc.json.bak']);
  });

  it('snapshots the data at write time: a later change of the object does not leak into the file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const file = new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() });
    const data: Doc = { n: 1 };
    const pending = file.write(data);
    data.n = 999;
    await pending;
    expect(await decodedFile(path)).toEqual({ n: 1 });
  });

  it('reads null when neither the file nor a backup exists', async () => {
    const dir = await tempDir();
    const file = new DurableFileAdapter<Doc>(join(dir, 'none.json'), { logger: new MemoryLogger() });
    expect(await file.read()).toBeNull();
    expect(file.source).toBe('none');
  });

  it('recovers a truncated file from its backup, logs it and moves the damaged file aside', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const logger = new MemoryLogger();
    const file = new DurableFileAdapter<Doc>(path, { logger, validate: isDoc });
    await file.write({ n: 1 });
    await file.write({ n: 2 });
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 5));

    const reader = new DurableFileAdapter<Doc>(path, { logger, validate: isDoc });
    expect(await reader.read()).toEqual({ n: 1 });
    expect(reader.source).toBe('backup');
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]!.obj).toMatchObject({
      file: path,
      problem: expect.stringMatching(/truncated/),
    });
    expect(await listDir(dir)).toEqual(['doc.json.bak', 'doc.json.corrupt']);

    // The next write must not turn the damaged file into the backup: the good copy stays until replaced.
    await reader.write({ n: 3 });
    expect(await decodedFile(`${path}.bak`)).toEqual({ n: 1 });
    expect(await reader.read()).toEqual({ n: 3 });
    expect(await decodedFile(`${path}.bak`)).toEqual({ n: 1 });
    await reader.write({ n: 4 });
    expect(await decodedFile(`${path}.bak`)).toEqual({ n: 3 });
  });

  it('treats a body of the wrong shape like damage', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const logger = new MemoryLogger();
    await new DurableFileAdapter<unknown>(path, { logger }).write({ n: 'not a number' });
    const file = new DurableFileAdapter<Doc>(path, { logger, validate: isDoc });
    await expect(file.read()).rejects.toThrow(/unexpected content shape/);
  });

  it('throws DamagedFileError naming the file when no good version exists', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    await writeFile(path, '{"n": 1, garbage');
    const file = new DurableFileAdapter<Doc>(path, { logger: new MemoryLogger() });
    const err = await file.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedFileError);
    expect((err as DamagedFileError).file).toBe(path);
    expect((err as DamagedFileError).reason).toMatch(/not a store file.*no backup copy/);
    // Nothing is moved by a read that cannot recover; the owner decides.
    expect(await listDir(dir)).toEqual(['doc.json']);
    await file.quarantine();
    expect(await listDir(dir)).toEqual(['doc.json.corrupt']);
  });

  it('recovers from a lone backup when the file itself is missing', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const logger = new MemoryLogger();
    const file = new DurableFileAdapter<Doc>(path, { logger });
    await file.write({ n: 1 });
    await file.write({ n: 2 });
    await rm(path);
    expect(await file.read()).toEqual({ n: 1 });
    expect(file.source).toBe('backup');
    expect(logger.at('warn')[0]!.obj).toMatchObject({ problem: 'file missing' });
  });

  it('removes the file and its backup', async () => {
    const dir = await tempDir();
    const file = new DurableFileAdapter<Doc>(join(dir, 'doc.json'), { logger: new MemoryLogger() });
    await file.write({ n: 1 });
    await file.write({ n: 2 });
    await file.remove();
    expect(await listDir(dir)).toEqual([]);
    await file.remove();
  });

  it('read-only: refuses writes and removals, and a damaged file is left where it is', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const logger = new MemoryLogger();
    await new DurableFileAdapter<Doc>(path, { logger }).write({ n: 1 });
    await new DurableFileAdapter<Doc>(path, { logger }).write({ n: 2 });
    await writeFile(path, 'garbage');
    const file = new DurableFileAdapter<Doc>(path, { logger, readOnly: true });
    expect(await file.read()).toEqual({ n: 1 });
    await expect(file.write({ n: 3 })).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(file.remove()).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect(await listDir(dir)).toEqual(['doc.json', 'doc.json.bak']);
    expect(await readFile(path, 'utf8')).toBe('garbage');
  });
});
