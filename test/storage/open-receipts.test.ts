import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreReadOnlyError } from '../../src/storage/errors.js';
import { FileOpenReceipts } from '../../src/storage/open-receipts/file-open-receipts.js';
import { receiptFileName } from '../../src/storage/open-receipts/receipt-file-name.js';
import { listDir, MemoryLogger, openReceipt, tempDir } from './helpers.js';

const open = (dir: string, readOnly = false) =>
  FileOpenReceipts.open(dir, { logger: new MemoryLogger(), readOnly });

describe('FileOpenReceipts', () => {
  it('persists receipts across a reopen, one file each, and removes the file on remove', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.put(openReceipt('A-1'));
    await store.put(openReceipt('A-2', { holdId: 'hold-2' }));
    await store.put(openReceipt('A-1', { status: 'cancelled' }));
    expect(store.get('A-1')?.status).toBe('cancelled');
    expect((await listDir(dir)).filter((n) => n.endsWith('.json'))).toHaveLength(2);

    const again = await open(dir);
    expect(
      again
        .all()
        .map((r) => r.receiptId)
        .sort(),
    ).toEqual(['A-1', 'A-2']);
    expect(again.get('A-1')?.status).toBe('cancelled');
    expect(again.get('A-2')?.holdId).toBe('hold-2');

    await again.remove('A-1');
    await again.remove('A-2');
    await again.remove('never-existed');
    expect(again.all()).toEqual([]);
    expect(await listDir(dir)).toEqual([]);
    expect((await open(dir)).all()).toEqual([]);
  });

  it('accepts any receipt id as a key: path separators, dots, unicode, 64 four-byte characters', async () => {
    const dir = await tempDir();
    const ids = ['../../etc/passwd', 'a/b\\c', '.', '..', 'Чек №5 🧾', '🧾'.repeat(64), 'A-1', 'a-1'];
    const store = await open(dir);
    for (const id of ids) await store.put(openReceipt(id));
    const names = await listDir(dir);
    expect(names.every((n) => /^[rh]-[A-Za-z0-9_-]+\.json(\.bak)?$/.test(n) && n.length < 200)).toBe(true);
    expect(new Set(ids.map(receiptFileName)).size).toBe(ids.length);
    const again = await open(dir);
    expect(
      again
        .all()
        .map((r) => r.receiptId)
        .sort(),
    ).toEqual([...ids].sort());
  });

  it('a put followed at once by a remove ends removed, on disk too', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.put(openReceipt('X'));
    await Promise.all([store.put(openReceipt('X', { holdId: 'h' })), store.remove('X')]);
    expect(store.get('X')).toBeUndefined();
    expect((await open(dir)).get('X')).toBeUndefined();
  });

  it('a damaged receipt file without a good copy is moved aside and logged; the others load', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.put(openReceipt('good'));
    await store.put(openReceipt('bad'));
    await writeFile(join(dir, receiptFileName('bad')), '{"receiptId":"bad"');
    const logger = new MemoryLogger();
    const again = await FileOpenReceipts.open(dir, { logger });
    expect(again.all().map((r) => r.receiptId)).toEqual(['good']);
    expect(logger.at('error')[0]!.obj).toMatchObject({ file: join(dir, receiptFileName('bad')) });
    expect(await listDir(dir)).toContain(`${receiptFileName('bad')}.corrupt`);
  });

  it('refuses a receipt without an id, and writes when read-only', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await expect(store.put(openReceipt(''))).rejects.toThrow(/receiptId/);
    const ro = await open(dir, true);
    await expect(ro.put(openReceipt('A'))).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(ro.remove('A')).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect(await listDir(dir)).toEqual([]);
  });
});
