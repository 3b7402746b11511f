// HttpCloudGateway.fetchReceipt against the reference cloud itself (in-process, in-memory PGlite):
// the agent's reading of GET /v1/agents/{agentId}/receipts/{receiptId} matches what the route sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx, TxResult } from '../../src/protocol/sync.js';
import { HttpCloudGateway } from '../../src/sync/cloud-gateway.js';
import { CloudCallError } from '../../src/sync/errors.js';
import { CloudHttp } from '../../src/sync/http-client.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from '../cloud/harness.js';
import { line, makeReturn, makeSale, UNKNOWN, uid } from '../cloud/tx-builder.js';

let cloud: TestCloud;
let gateway: HttpCloudGateway;
let seq = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  gateway = new HttpCloudGateway(new CloudHttp({ baseUrl: cloud.url, key: AGENT_2.key }), {
    deadlineMs: 2000,
    agentId: AGENT_2.agentId,
  });
});
afterAll(async () => {
  await cloud?.close();
});

async function send(agent: typeof AGENT_1, txs: Tx[]): Promise<TxResult[]> {
  const res = await cloud.request<{ results: TxResult[] }>(
    'POST',
    `/v1/agents/${agent.agentId}/transactions`,
    {
      key: agent.key,
      body: { transactions: txs },
    },
  );
  return res.body.results;
}

function sale(agent: typeof AGENT_1, receiptId: string, card: string): Tx {
  return {
    ...makeSale({
      program: cloud.program,
      seq: ++seq,
      at: '2026-11-16T12:00:00+03:00',
      customer: { card },
      snapshot: UNKNOWN,
      redeemAllowed: false,
      storeId: agent.storeId,
      lines: [line('MILK', 8990, 2)],
    }),
    receiptId,
  };
}

describe('HttpCloudGateway.fetchReceipt (reference cloud)', () => {
  it('reads a sale of another store with its customer and the returns applied to it', async () => {
    const receiptId = uid('g1');
    const sold = sale(AGENT_1, receiptId, '2000000300011');
    const [booked] = await send(AGENT_1, [sold]);
    const ret = makeReturn(sold, ++seq, [{ lineId: sold.lines[0]!.lineId, qty: 1 }]);
    expect((await send(AGENT_1, [ret]))[0]!.status).toBe('accepted');

    const found = await gateway.fetchReceipt({ receiptId });
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    expect(found.receipt).toMatchObject({ receiptId, storeId: 'store-1', customerId: booked!.customer!.id });
    expect(found.receipt.sale).toEqual(sold);
    expect(found.receipt.returns.map((r) => [r.id, r.refund])).toEqual([[ret.id, ret.refund]]);
    expect(found.receipt.returned[sold.lines[0]!.lineId]?.qty).toBe(1);
  });

  it('tells "missing" and "ambiguous" apart, and passes the store id', async () => {
    await expect(gateway.fetchReceipt({ receiptId: uid('none') })).resolves.toEqual({ kind: 'missing' });
    const receiptId = uid('g2');
    await send(AGENT_1, [sale(AGENT_1, receiptId, '2000000300028')]);
    await send(AGENT_2, [sale(AGENT_2, receiptId, '2000000300035')]);
    await expect(gateway.fetchReceipt({ receiptId })).resolves.toEqual({
      kind: 'ambiguous',
      storeIds: ['store-1', 'store-2'],
    });
    const named = await gateway.fetchReceipt({ receiptId, storeId: 'store-2' });
    expect(named.kind === 'found' && named.receipt.storeId).toBe('store-2');
    await expect(gateway.fetchReceipt({ receiptId, storeId: 'store-9' })).resolves.toEqual({
      kind: 'missing',
    });
  });

  it('rejects (CloudCallError) when the key is refused, and needs the agent id', async () => {
    const stranger = new HttpCloudGateway(new CloudHttp({ baseUrl: cloud.url, key: 'wrong-key' }), {
      deadlineMs: 2000,
      agentId: AGENT_2.agentId,
    });
    await expect(stranger.fetchReceipt({ receiptId: 'r' })).rejects.toBeInstanceOf(CloudCallError);
    const anonymous = new HttpCloudGateway(new CloudHttp({ baseUrl: cloud.url, key: AGENT_2.key }));
    await expect(anonymous.fetchReceipt({ receiptId: 'r' })).rejects.toThrow(/agent id/);
  });
});
