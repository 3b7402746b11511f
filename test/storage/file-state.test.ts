import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreClosedError, StoreReadOnlyError } from '../../src/storage/errors.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/storage/file/envelope.js';
import { FileState } from '../../src/storage/file-state.js';
import { openSyncState } from '../../src/storage/sync-state.js';
import { listDir, MemoryLogger, tempDir } from './helpers.js';

interface Counter {
  n: number;
  tags: string[];
}

const openCounter = (path: string, logger = new MemoryLogger(), readOnly = false) =>
  FileState.open<Counter>(path, { logger, readOnly, defaults: () => ({ n: 0, tags: [] }) });

describe('FileState', () => {
  it('starts from the defaults, updates durably, and a reopen reads the last update', async () => {
    const path = join(await tempDir(), 'counter.json');
    const state = await openCounter(path);
    expect(state.loadedFrom).toBe('none');
    expect(state.read()).toEqual({ n: 0, tags: [] });
    await state.update((d) => {
      d.n = 1;
    });
    await Promise.all([
      state.update((d) => {
        d.n++;
        d.tags.push('a');
      }),
      state.update((d) => {
        d.n++;
        d.tags.push('b');
      }),
    ]);
    expect(state.read()).toEqual({ n: 3, tags: ['a', 'b'] });
    const again = await openCounter(path);
    expect(again.loadedFrom).toBe('file');
    expect(again.read()).toEqual({ n: 3, tags: ['a', 'b'] });
  });

  it('an update that throws changes nothing, in memory or on disk', async () => {
    const path = join(await tempDir(), 'counter.json');
    const state = await openCounter(path);
    await state.update((d) => {
      d.n = 5;
    });
    await expect(
      state.update((d) => {
        d.n = 6;
        throw new Error('half-done change');
      }),
    ).rejects.toThrow('half-done change');
    expect(state.read().n).toBe(5);
    expect((await openCounter(path)).read().n).toBe(5);
  });

  it('recovers from the backup copy, or falls back to defaults with an error logged', async () => {
    const dir = await tempDir();
    const path = join(dir, 'counter.json');
    const state = await openCounter(path);
    await state.update((d) => {
      d.n = 1;
    });
    await state.update((d) => {
      d.n = 2;
    });
    await writeFile(path, 'garbage');
    const recovered = await openCounter(path);
    expect(recovered.loadedFrom).toBe('backup');
    expect(recovered.read().n).toBe(1);

    await writeFile(path, 'garbage');
    await writeFile(`${path}.bak`, 'garbage too');
    const logger = new MemoryLogger();
    const lost = await openCounter(path, logger);
    expect(lost.loadedFrom).toBe('lost');
    expect(lost.read()).toEqual({ n: 0, tags: [] });
    expect(logger.at('error')[0]!.obj).toMatchObject({ file: path });
    expect(await listDir(dir)).toEqual(['counter.json.bak.corrupt', 'counter.json.corrupt']);
  });

  it('read-only refuses updates; a closed state refuses them too', async () => {
    const path = join(await tempDir(), 'counter.json');
    await expect(
      (await openCounter(path, new MemoryLogger(), true)).update(() => undefined),
    ).rejects.toBeInstanceOf(StoreReadOnlyError);
    const state = await openCounter(path);
    await state.close();
    await expect(state.update(() => undefined)).rejects.toBeInstanceOf(StoreClosedError);
  });
});

describe('sync state', () => {
  it('fills the fields an older file lacks, and treats a non-object body as damaged', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, encodeEnvelope(JSON.stringify({ customersCursor: 'c-9' })));
    const state = await openSyncState(dir, { logger: new MemoryLogger() });
    expect(state.read()).toEqual({
      customersCursor: 'c-9',
      offlineRedeemed: {},
      usedQrTokens: {},
      qrKeys: [],
    });
    await state.update((s) => {
      s.offlineRedeemed['c-1'] = 300;
    });
    const decoded = decodeEnvelope(await readFile(path));
    expect(decoded.ok && decoded.body).toMatchObject({ offlineRedeemed: { 'c-1': 300 } });

    await writeFile(path, encodeEnvelope('[1,2]'));
    await writeFile(`${path}.bak`, encodeEnvelope('"text"'));
    const logger = new MemoryLogger();
    const reset = await openSyncState(dir, { logger });
    expect(reset.read()).toEqual({ offlineRedeemed: {}, usedQrTokens: {}, qrKeys: [] });
    expect(logger.at('error')).toHaveLength(1);
  });
});
