// The journal's heap does not grow with the synced history: 50 000 synced sales cost an index of
// a few dozen bytes each, not the ~1.4 KB each that keeping the entries as objects did (68 MB).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FileJournal } from '../../src/storage/journal/file-journal.js';
import { MemoryLogger, saleTx, tempDir } from './helpers.js';

const SALES = 50_000;
const BATCH = 500;
/** Generous: the index needs ~2.5 MB; the entries themselves would take tens of MB. */
const BOUND_MB = 12;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The JS heap plus ArrayBuffers (the index's typed arrays live outside the heap). */
function heapMb(): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1e6;
}

describe('journal memory', () => {
  it(`holds ${SALES} synced sales in under ${BOUND_MB} MB of heap, while running and after a restart`, async () => {
    const dir = await tempDir();
    const logger = new MemoryLogger();
    const base = heapMb();
    const j = await FileJournal.open(dir, { logger });
    for (let first = 1; first <= SALES; first += BATCH) {
      const txs = await j.appendMany(
        Array.from({ length: BATCH }, (_, i) => {
          const n = first + i;
          return saleTx(n, {
            id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            receiptId: `till-1-${n}`,
          });
        }),
      );
      await j.recordResults(
        txs.map((tx) => ({ id: tx.id, status: 'accepted' as const })),
        '2025-01-02T00:00:00.000Z',
      );
    }
    const running = heapMb() - base;
    expect(j.stats(0)).toMatchObject({ total: SALES, pending: 0 });
    await j.close();

    const beforeReopen = heapMb();
    const again = await FileJournal.open(dir, { logger });
    const reopened = heapMb() - beforeReopen;
    console.log(
      `journal heap with ${SALES} synced: ${running.toFixed(1)} MB running, ${reopened.toFixed(1)} MB after reopen; ` +
        `index ${(again.memory().indexBytes / 1e6).toFixed(1)} MB`,
    );
    expect(running).toBeLessThan(BOUND_MB);
    expect(reopened).toBeLessThan(BOUND_MB);
    expect(again.memory().residentEntries).toBeLessThanOrEqual(BATCH);
    // …and the history is still there.
    expect(again.byReceipt('till-1-12345').map((e) => e.state)).toEqual(['synced']);
    expect(again.byId('00000000-0000-4000-8000-000000000777')?.tx.receiptId).toBe('till-1-777');
  }, 60_000);
});
