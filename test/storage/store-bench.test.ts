// Keeps the benchmark runnable: a miniature run must produce every figure the report is built from.
import { describe, expect, it } from 'vitest';
import { runStoreBench } from '../../bench/store.bench.js';
import { listDir, tempDir } from './helpers.js';

describe('runStoreBench (miniature run)', () => {
  it('reports raw fsync, append per backlog, cache startup and lookups, and cleans up', async () => {
    const dir = await tempDir();
    const results = (await runStoreBench({ dir, samples: 5, backlogs: [0, 300], customers: 3000 })) as Record<
      string,
      unknown
    >[];
    const names = results.map((r) => r['name']);
    expect(names).toEqual([
      'customer cache startup with 3000 customers',
      'identify by card with 3000 cached',
      'identify by phoneHash with 3000 cached',
      'identify by id with 3000 cached',
      'cache.apply of a 500-customer page at 3000',
      'raw write+fsync+rename+fsync(dir)',
      'raw write+fsync',
      'journal.append with 0 queued',
      'journal.append with 300 queued',
    ]);
    const backlog = results.find((r) => r['name'] === 'journal.append with 300 queued')!;
    expect(backlog).toMatchObject({ queued: 300, pendingAfter: 325, samples: 5 });
    for (const key of ['p50Us', 'p99Us', 'minUs', 'rawP50Us', 'ratioP50']) {
      expect(backlog[key]).toBeGreaterThan(0);
    }
    expect(results[0]).toMatchObject({ customers: 3000 });
    expect(await listDir(dir)).toEqual([]);
  });
});
