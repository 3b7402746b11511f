// A QR token serves one sale across stores: the customer's app QR used at store 1 is refused at
// store 2 while both reach the cloud (the cloud gives each token to the first agent that asks), with
// the cashier's message in Russian; store 1 keeps serving its own sale with it. Real agents and the
// reference cloud, in process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/cloud/store/customers.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from '../cloud/harness.js';
import { startTestAgent, type TestAgent } from '../helpers/agent-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

let cloud: TestCloud;
let programDir: string;
let one: TestAgent;
let two: TestAgent;

async function agentOf(a: typeof AGENT_1, programFile: string): Promise<TestAgent> {
  const t = await startTestAgent(
    {
      storeId: a.storeId,
      program: programFile,
      cloud: { url: cloud.url, agentId: a.agentId, key: a.key, deadlineMs: 5000 },
    },
    { now: () => cloud.now() },
  );
  // The QR keys come with the cloud's program.
  expect((await t.call('POST', '/v1/sync')).status).toBe(202);
  for (let i = 0; i < 100 && t.agent.store.syncState.read().qrKeys.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(t.agent.store.syncState.read().qrKeys.length).toBeGreaterThan(0);
  return t;
}

beforeAll(async () => {
  cloud = await startTestCloud();
  await createCustomer(cloud.db, { id: 'qr-boris', name: 'Борис Петров' }, cloud.now());
  programDir = await mkdtemp(path.join(tmpdir(), 'la-qr-stores-'));
  const programFile = path.join(programDir, 'program.json');
  await writeFile(programFile, JSON.stringify(cloud.program));
  one = await agentOf(AGENT_1, programFile);
  two = await agentOf(AGENT_2, programFile);
}, 60_000);
afterAll(async () => {
  await one?.close();
  await two?.close();
  await cloud?.close();
  if (programDir) await rm(programDir, { recursive: true, force: true });
});

describe('a QR token at two stores', () => {
  it('identifies at the first store and is refused at the second, in Russian', async () => {
    const issued = await cloud.request<{ token: string }>('POST', '/v1/customers/qr-boris/qr', {
      body: { ttlSec: 300 },
    });
    const qr = issued.body.token;
    const first = await one.call<Body>('POST', '/v1/identify', { qr });
    expect(first.status).toBe(200);
    expect(first.body.customer.id).toBe('qr-boris');
    expect(first.body.source).toBe('cloud');

    const second = await two.call<Body>('POST', '/v1/identify', { qr });
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe('QR_INVALID');
    expect(second.body.error.message).toBe('QR-код не принят: он уже использован на другой кассе');

    // The first store's sale goes on with the same token.
    const calc = await one.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: 'qr-stores-1',
      customer: { qr },
      lines: [{ lineId: '1', sku: 'BREAD', name: 'Хлеб', price: 5000, qty: 1 }],
    });
    expect(calc.status).toBe(200);
    expect(calc.body.customer.id).toBe('qr-boris');
  });
});
