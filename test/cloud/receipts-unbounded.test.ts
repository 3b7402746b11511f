// The receipts feed without `from`/`to` is the whole feed (the central office's first look, and
// the end-to-end tests' check) — it used to answer 500 for an upper bound PostgreSQL cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_1, startTestCloud, type TestCloud } from './harness.js';
import { line, makeSale } from './tx-builder.js';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
}, 60_000);
afterAll(() => cloud.close());

describe('GET /v1/receipts without a time range', () => {
  it('lists every receipt, with or without either bound', async () => {
    const empty = await cloud.request<{ receipts: unknown[]; more: boolean }>('GET', '/v1/receipts');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ receipts: [], more: false });

    const sale = makeSale({
      program: cloud.program,
      seq: 1,
      at: '2026-11-16T10:00:00+03:00',
      customer: {},
      snapshot: null,
      lines: [line('MILK', 8990)],
    });
    const posted = await cloud.request<{ results: { status: string }[] }>(
      'POST',
      `/v1/agents/${AGENT_1.agentId}/transactions`,
      { key: AGENT_1.key, body: { transactions: [sale] } },
    );
    expect(posted.body.results[0]?.status).toBe('accepted');

    for (const query of ['', '?storeId=store-1', '?from=2026-11-01', '?to=2026-11-30']) {
      const res = await cloud.request<{ receipts: { id: string }[] }>('GET', `/v1/receipts${query}`);
      expect(res.status, query).toBe(200);
      expect(
        res.body.receipts.map((r) => r.id),
        query,
      ).toEqual([sale.id]);
    }
  });
});
