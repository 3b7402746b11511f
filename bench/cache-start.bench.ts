// Loading the customer cache (64 shard files, checked and indexed) against its anchor: reading the
// same files and a bare JSON.parse of each. Figures in ms.
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ShardedCustomerCache } from '../src/storage/customer-cache/sharded-customer-cache.js';
import { CACHE_DIR } from '../src/storage/open-store.js';
import { fillCustomerCache, silentStoreLogger } from './lib/fixtures.js';
import { msSince, type Summary, summarize } from './lib/stats.js';

export interface CacheStartBenchResult {
  customers: number;
  fileMB: number;
  open: Summary;
  rawParse: Summary;
}

export async function runCacheStartBench(options: {
  base: string;
  customers: number;
  repeats: number;
}): Promise<CacheStartBenchResult> {
  await mkdir(options.base, { recursive: true });
  const dir = await mkdtemp(join(options.base, 'cache-'));
  try {
    await fillCustomerCache(dir, options.customers);
    const cacheDir = join(dir, CACHE_DIR);
    const files = (await readdir(cacheDir)).filter((f) => f.endsWith('.json')).map((f) => join(cacheDir, f));
    const open: number[] = [];
    const raw: number[] = [];
    let bytes = 0;
    for (let i = 0; i < options.repeats; i++) {
      const t0 = process.hrtime.bigint();
      bytes = 0;
      let parsed = 0;
      for (const f of files) {
        const text = await readFile(f, 'utf8');
        bytes += text.length;
        const doc = JSON.parse(text) as { body: { customers: unknown[] } };
        parsed += doc.body.customers.length;
      }
      raw.push(msSince(t0));
      if (parsed !== options.customers)
        throw new Error(`raw parse found ${parsed} customers, expected ${options.customers}`);

      const t1 = process.hrtime.bigint();
      const cache = await ShardedCustomerCache.open(cacheDir, { logger: silentStoreLogger, readOnly: true });
      open.push(msSince(t1));
      if (cache.size() !== options.customers) throw new Error(`cache opened ${cache.size()} customers`);
      await cache.close();
    }
    return {
      customers: options.customers,
      fileMB: Math.round((bytes / 1024 / 1024) * 10) / 10,
      open: summarize(open),
      rawParse: summarize(raw),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
