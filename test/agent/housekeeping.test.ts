// What a crash leaves in the open-receipt store is tidied at start: a receipt confirmed before its
// open copy was removed, and calculated receipts past their TTL (cancelled, holds released). The
// reaper's cancel waits its turn on the receipt and re-reads it, like a till's cancel.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reapReceipts } from '../../src/app/housekeeping.js';
import { startTestAgent, workedLines } from '../helpers/agent-harness.js';
import { skewed } from '../helpers/race.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('housekeeping at start', () => {
  it('removes the open copy of a confirmed receipt and cancels expired calculated ones', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-house-'));
    const first = await startTestAgent({ receipts: { ttlSec: 30 } }, { dir });
    await first.call('POST', '/v1/receipts/calculate', { receiptId: 'done', lines: workedLines });
    const open = first.agent.store.openReceipts.get('done')!;
    expect((await first.call('POST', '/v1/receipts/done/confirm', {})).status).toBe(200);
    // A crash right after the durable confirm: the open copy is still on disk.
    await first.agent.store.openReceipts.put(open);
    await first.call('POST', '/v1/receipts/calculate', { receiptId: 'stale', lines: workedLines });
    const stale = first.agent.store.openReceipts.get('stale')!;
    await first.agent.store.openReceipts.put({ ...stale, expiresAt: '2020-01-01T00:00:00.000Z' });
    await first.close();

    const second = await startTestAgent({ receipts: { ttlSec: 30 } }, { dir });
    try {
      expect(second.agent.store.openReceipts.get('done')).toBeUndefined();
      expect((await second.call<{ status: string }>('GET', '/v1/receipts/done')).body.status).toBe(
        'confirmed',
      );
      expect(second.agent.store.openReceipts.get('stale')?.status).toBe('cancelled');
      const late = await second.call<{ error: { code: string } }>('POST', '/v1/receipts/stale/confirm', {});
      expect(late.status).toBe(409);
      expect(second.agent.store.journal.byReceipt('done')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

type Reply = { status: number; body: { error?: { code: string } } };

describe('the TTL reaper takes its turn like a till', () => {
  let clock = Date.parse('2026-11-22T10:00:00+03:00');
  const TTL_SEC = 30;

  it('a reaper that read a receipt before it was calculated again leaves the new calculation alone', async () => {
    const t = await startTestAgent({ receipts: { ttlSec: TTL_SEC } }, { now: () => new Date(clock) });
    try {
      await t.call('POST', '/v1/receipts/calculate', { receiptId: 'again', lines: workedLines });
      const seen = t.agent.store.openReceipts.get('again')!;
      clock += (TTL_SEC + 1) * 1000;
      // The till calculates it again (a new lifetime) before the reaper gets to the copy it read.
      const again = await t.call<{ totals: { amount: number } }>('POST', '/v1/receipts/calculate', {
        receiptId: 'again',
        lines: workedLines.slice(0, 2),
      });
      await t.agent.till.cancelOpen(seen);
      const now = await t.call<{ status: string; totals: unknown }>('GET', '/v1/receipts/again');
      expect(now.body.status).toBe('calculated');
      expect(now.body.totals).toEqual(again.body.totals);
      expect((await t.call('POST', '/v1/receipts/again/confirm', {})).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('reaper + confirm of an expired receipt, fired together: confirmed or cancelled, never both', async () => {
    const t = await startTestAgent({ receipts: { ttlSec: TTL_SEC } }, { now: () => new Date(clock) });
    const reap = () =>
      reapReceipts(
        { openReceipts: t.agent.store.openReceipts, journal: t.agent.store.journal, till: t.agent.till },
        clock,
      );
    try {
      const outcomes = { confirmed: 0, cancelled: 0 };
      for (let i = 0; i < 50; i++) {
        const receiptId = `reap-${i}`;
        await t.call('POST', '/v1/receipts/calculate', { receiptId, lines: workedLines });
        clock += (TTL_SEC + 1) * 1000;
        const [confirm] = await skewed<Reply>(
          i,
          () => t.call<Reply['body']>('POST', `/v1/receipts/${receiptId}/confirm`, {}),
          async () => {
            await reap();
            return { status: 0, body: {} };
          },
        );
        const sales = t.agent.store.journal.byReceipt(receiptId).filter((e) => e.tx.kind === 'sale');
        if (confirm!.status === 200) {
          outcomes.confirmed++;
          expect(sales, `round ${i}`).toHaveLength(1);
          // No tombstone over a confirmed sale (it would say "cancelled" to whoever reads the store).
          expect(t.agent.store.openReceipts.get(receiptId)?.status, `round ${i}`).not.toBe('cancelled');
        } else {
          outcomes.cancelled++;
          expect(confirm!.status, `round ${i}`).toBe(409);
          expect(confirm!.body.error?.code).toBe('RECEIPT_CANCELLED');
          expect(sales).toHaveLength(0);
          expect(t.agent.store.openReceipts.get(receiptId)?.status).toBe('cancelled');
        }
      }
      expect(outcomes.confirmed + outcomes.cancelled).toBe(50);
      expect(t.agent.till.receiptsInProgress).toBe(0);
    } finally {
      await t.close();
    }
  }, 60_000);
});
