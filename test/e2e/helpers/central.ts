// The cloud as the central office and as an agent see it over HTTP: receipts feed (all pages),
// a customer's balance, and a batch posted straight to an agent's transactions endpoint.
import type { Tx, TxResult } from '../../../src/protocol/sync.js';
import { openStore } from '../../../src/storage/index.js';
import { httpJson } from './http-json.js';

export interface ReceiptItem {
  id: string;
  kind: string;
  receiptId: string;
  returnId?: string;
  storeId: string;
  tillId: string;
  agentId?: string;
  customerId?: string;
}

export interface Balance {
  available: number;
  pending: number;
}

export async function allReceipts(cloudUrl: string, adminToken: string): Promise<ReceiptItem[]> {
  const out: ReceiptItem[] = [];
  let cursor = '';
  for (let page = 0; page < 10_000; page++) {
    const res = await httpJson<{ receipts: ReceiptItem[]; cursor: string; more: boolean }>(
      cloudUrl,
      'GET',
      `/v1/receipts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      { token: adminToken },
    );
    if (res.status !== 200)
      throw new Error(`GET /v1/receipts answered ${res.status}: ${JSON.stringify(res.body)}`);
    out.push(...res.body.receipts);
    if (!res.body.more) return out;
    cursor = res.body.cursor;
  }
  throw new Error('the receipts feed never ended');
}

export async function balanceOf(cloudUrl: string, adminToken: string, customerId: string): Promise<Balance> {
  const res = await httpJson<{ balance: Balance }>(cloudUrl, 'GET', `/v1/customers/${customerId}`, {
    token: adminToken,
  });
  if (res.status !== 200) throw new Error(`GET /v1/customers/${customerId} answered ${res.status}`);
  return res.body.balance;
}

export async function postTransactions(
  cloudUrl: string,
  agent: { agentId: string; key: string },
  transactions: Tx[],
): Promise<TxResult[]> {
  const res = await httpJson<{ results: TxResult[] }>(
    cloudUrl,
    'POST',
    `/v1/agents/${agent.agentId}/transactions`,
    { token: agent.key, body: { transactions } },
  );
  if (res.status !== 200) throw new Error(`transactions answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.results;
}

/**
 * The transactions an agent recorded for these receipts, read from its data dir without the
 * process lock (read-only) — the agent may keep running, but should be idle.
 */
export async function agentTransactions(dataDir: string, receiptIds: Iterable<string>): Promise<Tx[]> {
  const store = await openStore(dataDir, {
    readOnly: true,
    logger: { info() {}, warn() {}, error() {} },
  });
  try {
    const txs: Tx[] = [];
    for (const id of receiptIds) txs.push(...store.journal.byReceipt(id).map((e) => e.tx));
    return txs.sort((a, b) => a.seq - b.seq);
  } finally {
    await store.close();
  }
}
