// What a crash leaves in the open-receipt store is tidied at start: a receipt confirmed before its
// open copy was removed, and calculated receipts past their TTL (cancelled, holds released).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAgent, workedLines } from '../helpers/agent-harness.js';

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
