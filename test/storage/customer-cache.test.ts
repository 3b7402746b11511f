import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shardFileName, shardOf } from '../../src/storage/customer-cache/shard-of.js';
import { ShardedCustomerCache } from '../../src/storage/customer-cache/sharded-customer-cache.js';
import { StoreReadOnlyError } from '../../src/storage/errors.js';
import { customer, listDir, MemoryLogger, tempDir } from './helpers.js';

const open = (dir: string, readOnly = false) =>
  ShardedCustomerCache.open(dir, { logger: new MemoryLogger(), readOnly });

describe('shardOf', () => {
  it('is a stable function of the id (the on-disk layout depends on it) and spreads ids over 64 shards', () => {
    expect(shardOf('c-1')).toBe(shardOf('c-1'));
    // FNV-1a 32 of "a" is 0xe40c292c; mod 64 = 44. A change here strands customers in wrong files.
    expect(shardOf('a')).toBe(0xe40c292c % 64);
    const counts = new Array(64).fill(0);
    for (let i = 0; i < 6400; i++) counts[shardOf(`c-${i}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
    expect(shardFileName(7)).toBe('shard-07.json');
  });
});

describe('ShardedCustomerCache', () => {
  it('finds customers by id, card and phone hash after apply, and after a reopen', async () => {
    const dir = await tempDir();
    const cache = await open(dir);
    expect(cache.size()).toBe(0);
    expect(cache.updatedAt()).toBeNull();
    await cache.apply([
      customer(1),
      customer(2, { cards: ['x-1', 'x-2'], phoneHash: undefined }),
      customer(3),
    ]);
    for (const c of [cache, await open(dir)]) {
      expect(c.size()).toBe(3);
      expect(c.byId('c-1')?.displayName).toBe('Покупатель 1');
      expect(c.byCard('card-1')?.id).toBe('c-1');
      expect(c.byCard('x-2')?.id).toBe('c-2');
      expect(c.byPhoneHash('ph-3')?.id).toBe('c-3');
      expect(c.byCard('nope')).toBeUndefined();
      expect(c.byPhoneHash('ph-2')).toBeUndefined();
      expect(c.updatedAt()).toBe(customer(3).updatedAt);
    }
  });

  it('upserts replace the old version in every index; deletions remove; updatedAt is the latest change', async () => {
    const dir = await tempDir();
    const cache = await open(dir);
    await cache.apply([customer(1), customer(2)]);
    await cache.apply([
      customer(1, { cards: ['new-card'], phoneHash: 'ph-new', updatedAt: '2025-03-01T00:00:00.000Z' }),
      { ...customer(2), deleted: true, updatedAt: '2025-04-01T00:00:00.000Z' },
    ]);
    for (const c of [cache, await open(dir)]) {
      expect(c.byCard('card-1')).toBeUndefined();
      expect(c.byPhoneHash('ph-1')).toBeUndefined();
      expect(c.byCard('new-card')?.id).toBe('c-1');
      expect(c.byPhoneHash('ph-new')?.id).toBe('c-1');
      expect(c.byId('c-2')).toBeUndefined();
      expect(c.byCard('card-2')).toBeUndefined();
      expect(c.size()).toBe(1);
      expect(c.updatedAt()).toBe('2025-04-01T00:00:00.000Z');
    }
  });

  it('a card passed to another customer points to the new holder only', async () => {
    const cache = await open(await tempDir());
    await cache.apply([customer(1, { cards: ['shared'] })]);
    await cache.apply([customer(2, { cards: ['shared'] }), customer(1, { cards: [] })]);
    expect(cache.byCard('shared')?.id).toBe('c-2');
    await cache.apply([{ ...customer(1, { cards: [] }), deleted: true }]);
    expect(cache.byCard('shared')?.id).toBe('c-2');
  });

  it('rewrites only the shards a page touches', async () => {
    const dir = await tempDir();
    const cache = await open(dir);
    await cache.apply([customer(1)]);
    expect(await listDir(dir)).toEqual([shardFileName(shardOf('c-1'))]);
    const many = Array.from({ length: 300 }, (_, i) => customer(i + 10));
    await cache.apply(many);
    const other = many.find((c) => shardOf(c.id) !== shardOf('c-1'))!;
    const untouched = await stat(join(dir, shardFileName(shardOf(other.id))));
    const touched = await stat(join(dir, shardFileName(shardOf('c-1'))));
    await cache.apply([customer(1, { displayName: 'Renamed' })]);
    expect((await stat(join(dir, shardFileName(shardOf(other.id))))).ino).toBe(untouched.ino);
    expect((await stat(join(dir, shardFileName(shardOf('c-1'))))).ino).not.toBe(touched.ino);
    expect((await open(dir)).byId('c-1')?.displayName).toBe('Renamed');
    expect(cache.size()).toBe(301);
  });

  it('a damaged shard without a good copy starts empty, is moved aside and counted; other shards load', async () => {
    const dir = await tempDir();
    const cache = await open(dir);
    const a = customer(1);
    const b = Array.from({ length: 50 }, (_, i) => customer(i + 2)).find(
      (c) => shardOf(c.id) !== shardOf(a.id),
    )!;
    await cache.apply([a, b]);
    const file = join(dir, shardFileName(shardOf(a.id)));
    await writeFile(file, (await readFile(file)).subarray(0, 20));
    const logger = new MemoryLogger();
    const again = await ShardedCustomerCache.open(dir, { logger });
    expect(again.lostShards).toBe(1);
    expect(again.byId(a.id)).toBeUndefined();
    expect(again.byId(b.id)?.id).toBe(b.id);
    expect(logger.at('error')[0]!.obj).toMatchObject({ file });
    expect(await listDir(dir)).toContain(`${shardFileName(shardOf(a.id))}.corrupt`);
  });

  it('refuses a change without an id, and writes when read-only', async () => {
    const dir = await tempDir();
    const cache = await open(dir);
    await expect(cache.apply([customer(1, { id: '' })])).rejects.toThrow(/non-empty id/);
    const ro = await open(dir, true);
    await expect(ro.apply([customer(1)])).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect(await listDir(dir)).toEqual([]);
  });
});
