// A QR token serves one sale (MECHANICS "accepts each token id once"; issue #12). The sale is the
// till that first accepted the token and the receipt of its first calculate: identify (while that
// receipt is open) and every calculate of that receipt at that till may show it again; another
// till, another receipt, or any use after the receipt was confirmed or cancelled is 400 QR_INVALID.
// Checked over HTTP with no cloud (offline) and with a cloud that knows the customer (online),
// across a restart, and with requests racing.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportQrPublicKey, signQrToken } from '../../src/domain/index.js';
import { customer, startTestAgent, type TestAgent, TOKEN, TOKEN_2 } from '../helpers/agent-harness.js';
import { AGENT_ID, FakeCloud, KEY } from '../sync/fakes/fake-cloud.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
type Body = Record<string, any>;

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const QR_KEYS = [{ kid: 'k1', publicKey: exportQrPublicKey(publicKey) }];
const ANNA = customer('c-qr', { balance: { available: 500, pending: 0 } });
const LINES = [{ lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 2, category: 'dairy' }];

/** A fresh token of Anna's, valid for ten minutes. */
function token(): string {
  return signQrToken(
    { kid: 'k1', customerId: ANNA.id, tokenId: randomUUID(), expiresAt: Math.floor(Date.now() / 1000) + 600 },
    privateKey,
  );
}

async function prepare(t: TestAgent): Promise<void> {
  await t.agent.store.syncState.update((s) => {
    s.qrKeys = QR_KEYS;
  });
  await t.agent.store.cache.apply([ANNA]);
}

function till(t: TestAgent, auth: string) {
  return {
    identify: (qr: string) => t.call<Body>('POST', '/v1/identify', { qr }, auth),
    calculate: (receiptId: string, qr: string) =>
      t.call<Body>('POST', '/v1/receipts/calculate', { receiptId, customer: { qr }, lines: LINES }, auth),
    confirm: (receiptId: string) => t.call<Body>('POST', `/v1/receipts/${receiptId}/confirm`, {}, auth),
    cancel: (receiptId: string) => t.call<Body>('POST', `/v1/receipts/${receiptId}/cancel`, {}, auth),
    get: (receiptId: string) => t.call<Body>('GET', `/v1/receipts/${receiptId}`, undefined, auth),
  };
}

function expectRefused(res: { status: number; body: Body }): void {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('QR_INVALID');
  expect(res.body.error.message).toMatch(/^QR-код не принят/);
}

let n = 0;
const rid = () => `r-qr-${++n}`;

describe.each([
  { mode: 'offline (no cloud)', online: false },
  { mode: 'online (the cloud knows the customer)', online: true },
])('a QR token serves one sale, $mode', ({ online }) => {
  let cloud: FakeCloud | undefined;
  let t: TestAgent;
  let one: ReturnType<typeof till>;
  let two: ReturnType<typeof till>;

  beforeAll(async () => {
    if (online) {
      cloud = await FakeCloud.start();
      cloud.script('identify', () => ({ customer: ANNA }));
      cloud.script('program', (_req, reply) => reply.status(304).send());
    }
    t = await startTestAgent(
      cloud ? { cloud: { url: cloud.url, agentId: AGENT_ID, key: KEY, deadlineMs: 500 } } : {},
    );
    await prepare(t);
    one = till(t, TOKEN);
    two = till(t, TOKEN_2);
  });
  afterAll(async () => {
    await t?.close();
    await cloud?.close();
  });

  it('is accepted for the identify and every calculate and the confirm of one receipt at one till', async () => {
    const qr = token();
    const r = rid();
    const id = await one.identify(qr);
    expect(id.status).toBe(200);
    expect(id.body.customer.id).toBe('c-qr');
    expect(id.body.source).toBe(online ? 'cloud' : 'cache');
    const first = await one.calculate(r, qr);
    expect(first.status).toBe(200);
    expect(first.body.customer.id).toBe('c-qr');
    expect(first.body.offline).toBe(!online);
    expect((await one.calculate(r, qr)).status).toBe(200); // recalculated (lines changed, say)
    expect((await one.identify(qr)).status).toBe(200); // shown again while the receipt is open
    const confirmed = await one.confirm(r);
    expect(confirmed.status).toBe(200);
    expect(t.agent.store.journal.byReceipt(r)[0]!.tx.customer.id).toBe('c-qr');

    // The sale is over: the token serves nothing else, not even at its own till.
    expectRefused(await one.identify(qr));
    expectRefused(await one.calculate(rid(), qr));
  });

  it('is refused at another till, and at its own till for another receipt', async () => {
    const qr = token();
    const r = rid();
    expect((await one.identify(qr)).status).toBe(200);
    expectRefused(await two.identify(qr));
    const elsewhere = rid();
    expectRefused(await two.calculate(elsewhere, qr));
    expect((await two.get(elsewhere)).status).toBe(404); // refused: nothing was opened

    expect((await one.calculate(r, qr)).status).toBe(200);
    const other = rid();
    expectRefused(await one.calculate(other, qr));
    expect((await one.get(other)).status).toBe(404);
    expectRefused(await two.identify(qr));
  });

  it('still serves its sale when a calculate of that receipt was refused for its lines', async () => {
    const qr = token();
    const r = rid();
    const bad = await t.call<Body>('POST', '/v1/receipts/calculate', {
      receiptId: r,
      customer: { qr },
      lines: [{ ...LINES[0], lineId: 'x', qty: 0.0001 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('RECEIPT_INVALID');
    // The token was claimed for receipt r before its lines were judged: r's sale goes on.
    expectRefused(await one.calculate(rid(), qr));
    expect((await one.identify(qr)).status).toBe(200);
    expect((await one.calculate(r, qr)).status).toBe(200);
  });

  it('is refused once its receipt is cancelled', async () => {
    const qr = token();
    const r = rid();
    expect((await one.calculate(r, qr)).status).toBe(200);
    expect((await one.cancel(r)).status).toBe(200);
    expectRefused(await one.identify(qr));
    expectRefused(await one.calculate(rid(), qr));
  });

  it('is claimed by exactly one of several requests racing with it (many rounds)', async () => {
    for (let round = 0; round < 15; round++) {
      const qr = token();
      // Different receipts at one till, and the same token at two tills, all at once.
      const answers = await Promise.all([
        one.calculate(rid(), qr),
        one.calculate(rid(), qr),
        two.calculate(rid(), qr),
        two.identify(qr),
      ]);
      const accepted = answers.filter((a) => a.status === 200);
      expect(accepted).toHaveLength(1);
      for (const a of answers) if (a.status !== 200) expectRefused(a);
    }
  });
});

describe('a QR token after a restart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-qr-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('still serves its sale, and nothing else', async () => {
    const qr = token();
    const spent = token();
    let t = await startTestAgent({}, { dir });
    await prepare(t);
    expect((await till(t, TOKEN).calculate('r-restart', qr)).status).toBe(200);
    expect((await till(t, TOKEN).identify(spent)).status).toBe(200);
    await t.close();

    t = await startTestAgent({}, { dir });
    try {
      expect((await till(t, TOKEN).calculate('r-restart', qr)).status).toBe(200);
      expect((await till(t, TOKEN).confirm('r-restart')).status).toBe(200);
      expectRefused(await till(t, TOKEN).identify(qr));
      expectRefused(await till(t, TOKEN_2).identify(spent));
      expectRefused(await till(t, TOKEN).calculate('r-restart-2', qr));
    } finally {
      await t.close();
    }
  });
});
