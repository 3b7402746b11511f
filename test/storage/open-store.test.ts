import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardFileName, shardOf } from '../../src/storage/customer-cache/shard-of.js';
import { StoreLockedError, StoreReadOnlyError } from '../../src/storage/errors.js';
import { openStore } from '../../src/storage/open-store.js';
import { customer, listDir, MemoryLogger, openReceipt, saleTx, tempDir } from './helpers.js';

const quiet = () => ({ logger: new MemoryLogger() });

/** A pid that certainly belonged to a process and is certainly gone: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

describe('openStore', () => {
  it('creates the layout, holds the lock with its pid, and close releases it', async () => {
    const dir = join(await tempDir(), 'data');
    const store = await openStore(dir, quiet());
    expect(await listDir(dir)).toEqual(['agent.lock', 'cache', 'journal', 'open']);
    const owner = JSON.parse(await readFile(join(dir, 'agent.lock'), 'utf8'));
    expect(owner.pid).toBe(process.pid);
    expect(owner.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    await store.journal.append(saleTx(1));
    await store.close();
    await store.close();
    expect(await listDir(dir)).toEqual(['cache', 'journal', 'open']);
    const again = await openStore(dir, quiet());
    expect(again.journal.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
    await again.close();
  });

  it('refuses a second open while the first holds the lock, naming the holder pid', async () => {
    const dir = await tempDir();
    const first = await openStore(dir, quiet());
    const err = await openStore(dir, quiet()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).pid).toBe(process.pid);
    expect((err as StoreLockedError).message).toContain(String(process.pid));
    await first.close();
    await (await openStore(dir, quiet())).close();
  });

  it('refuses a lock held by another live process', async () => {
    const dir = await tempDir();
    // PID 1 is always alive (init, or the container's first process).
    await writeFile(join(dir, 'agent.lock'), '1\n');
    const err = await openStore(dir, quiet()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).pid).toBe(1);
    expect(await readFile(join(dir, 'agent.lock'), 'utf8')).toBe('1\n');
  });

  it('takes over a stale lock left by a dead process, and an unreadable one', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'agent.lock'), `${deadPid()}\n`);
    const store = await openStore(dir, quiet());
    expect(JSON.parse(await readFile(join(dir, 'agent.lock'), 'utf8')).pid).toBe(process.pid);
    await store.close();
    await writeFile(join(dir, 'agent.lock'), '');
    await (await openStore(dir, quiet())).close();
  });

  it('read-only: no lock taken, works beside a running agent, sees its data, never writes', async () => {
    const dir = await tempDir();
    const agent = await openStore(dir, quiet());
    await agent.journal.append(saleTx(1));
    await agent.openReceipts.put(openReceipt('R'));
    await agent.cache.apply([customer(1)]);
    await agent.syncState.update((s) => {
      s.customersCursor = 'cur-1';
    });
    const stray = join(dir, 'journal', '.seg-000000000001.json.999.abcd.tmp');
    await writeFile(stray, 'half');

    const cli = await openStore(dir, { ...quiet(), readOnly: true });
    expect(cli.journal.pending(10).map((e) => e.tx.id)).toEqual(['tx-1']);
    expect(cli.openReceipts.get('R')?.receiptId).toBe('R');
    expect(cli.cache.byCard('card-1')?.id).toBe('c-1');
    expect(cli.syncState.read().customersCursor).toBe('cur-1');
    await expect(cli.journal.append(saleTx(2))).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(cli.openReceipts.remove('R')).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(cli.cache.apply([customer(2)])).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(cli.syncState.update(() => undefined)).rejects.toBeInstanceOf(StoreReadOnlyError);
    await cli.close();
    // The agent's lock and the temp file are untouched.
    expect(JSON.parse(await readFile(join(dir, 'agent.lock'), 'utf8')).pid).toBe(process.pid);
    expect(await stat(stray)).toBeTruthy();
    await agent.close();
  });

  it('read-only on a directory that does not exist is an empty store and creates nothing', async () => {
    const dir = join(await tempDir(), 'absent');
    const cli = await openStore(dir, { ...quiet(), readOnly: true });
    expect(cli.journal.stats(0).total).toBe(0);
    expect(cli.cache.size()).toBe(0);
    expect(cli.openReceipts.all()).toEqual([]);
    await cli.close();
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });

  it('recovers from a simulated crash: stray temp files removed, torn last record dropped', async () => {
    const dir = await tempDir();
    const before = await openStore(dir, { ...quiet(), segmentSize: 4 });
    for (let i = 1; i <= 6; i++) await before.journal.append(saleTx(i));
    await before.openReceipts.put(openReceipt('R-open', { holdId: 'h-1' }));
    await before.close();
    // The crash: the active segment's last append cut mid-record, a temp file in every folder,
    // and the lock of the dead process still there.
    const seg = join(dir, 'journal', 'seg-000000000005.log');
    const bytes = await readFile(seg);
    await writeFile(
      join(dir, 'journal', `.seg-000000000005.json.${deadPid()}.0badc0de.tmp`),
      bytes.subarray(0, 40),
    );
    await writeFile(seg, bytes.subarray(0, bytes.length - 30));
    await writeFile(join(dir, 'open', '.r-x.json.123.ab.tmp'), '{');
    await writeFile(join(dir, 'cache', '.shard-01.json.123.ab.tmp'), '{');
    await writeFile(join(dir, '.state.json.123.ab.tmp'), '{');
    await writeFile(join(dir, 'agent.lock'), `${deadPid()}\n`);

    const logger = new MemoryLogger();
    const after = await openStore(dir, { logger, segmentSize: 4 });
    for (const d of ['journal', 'open', 'cache', '.']) {
      expect((await listDir(join(dir, d))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    expect(logger.at('warn').some((r) => /temp files/.test(r.msg))).toBe(true);
    expect(logger.at('warn').some((r) => (r.obj as { file?: string }).file === seg)).toBe(true);
    // Seg 5 loses its torn last record (tx-6, never acknowledged) and keeps tx-5.
    expect(after.journal.pending(10).map((e) => e.tx.id)).toEqual(['tx-1', 'tx-2', 'tx-3', 'tx-4', 'tx-5']);
    expect(after.openReceipts.get('R-open')?.holdId).toBe('h-1');
    const next = await after.journal.append(saleTx(7));
    expect(next.seq).toBe(6);
    await after.close();
    const third = await openStore(dir, { ...quiet(), segmentSize: 4 });
    expect(third.journal.lastSeq()).toBe(6);
    await third.close();
  });

  it('forgets the customers cursor when cache shards were lost, so the next sync fetches everything', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, quiet());
    await store.cache.apply([customer(1)]);
    await store.syncState.update((s) => {
      s.customersCursor = 'cur-9';
      s.programEtag = 'etag-1';
    });
    await store.close();
    const shard = join(dir, 'cache', shardFileName(shardOf('c-1')));
    await writeFile(shard, 'garbage');
    const again = await openStore(dir, quiet());
    expect(again.cache.lostShards).toBe(1);
    expect(again.syncState.read().customersCursor).toBeUndefined();
    expect(again.syncState.read().programEtag).toBe('etag-1');
    await again.close();
    const third = await openStore(dir, quiet());
    expect(third.syncState.read().customersCursor).toBeUndefined();
    await third.close();
  });

  it('releases the lock when loading fails, so a fixed directory can be opened again', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, quiet());
    await store.journal.append(saleTx(1));
    await store.close();
    await writeFile(join(dir, 'journal', 'seg-000000000001.log'), 'garbage\ngarbage\n');
    await expect(openStore(dir, quiet())).rejects.toThrow(/seg-000000000001\.log/);
    expect(await listDir(dir)).not.toContain('agent.lock');
  });
});
