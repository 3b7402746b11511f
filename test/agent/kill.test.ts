// Power-cut proof: an agent process confirming receipts from several workers is killed with SIGKILL
// at random moments, 20 times. After every restart each receipt whose confirm got 200 is there,
// confirmed, exactly once in the outbox — and nothing half-written stops the start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAgentConfigFile } from '../helpers/agent-config-file.js';
import { spawnAgent } from '../helpers/agent-process.js';

const ROUNDS = Number(process.env.KILL_ROUNDS ?? 20);
const TOKEN = 'kill-test-token';
const lines = [
  { lineId: '1', sku: 'MILK', name: 'Молоко', price: 8990, qty: 3 },
  { lineId: '2', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 0.455 },
];

let dir = '';
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function call(url: string, method: string, route: string, body?: unknown) {
  const res = await fetch(url + route, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Calculates and confirms receipts until the agent dies; returns the ids whose confirm got 200. */
async function worker(url: string, prefix: string, stop: { dead: boolean }): Promise<string[]> {
  const acked: string[] = [];
  for (let i = 0; !stop.dead; i++) {
    const receiptId = `${prefix}-${i}`;
    try {
      const calc = await call(url, 'POST', '/v1/receipts/calculate', { receiptId, lines });
      if (calc.status !== 200) throw new Error(`calculate ${calc.status}`);
      const conf = await call(url, 'POST', `/v1/receipts/${receiptId}/confirm`, {});
      if (conf.status === 200) acked.push(receiptId);
    } catch {
      return acked; // the process was killed mid-request: this receipt was not acknowledged
    }
  }
  return acked;
}

async function verify(url: string, acked: Set<string>) {
  const q = await call(url, 'GET', '/v1/queue?state=pending&limit=5000');
  expect(q.status).toBe(200);
  const counts = new Map<string, number>();
  for (const e of q.body.entries as { receiptId: string; kind: string }[]) {
    if (e.kind === 'sale') counts.set(e.receiptId, (counts.get(e.receiptId) ?? 0) + 1);
  }
  for (const [id, n] of counts) expect(n, `receipt ${id} in the outbox ${n} times`).toBe(1);
  for (const id of acked) {
    expect(counts.get(id), `acknowledged receipt ${id} missing from the outbox`).toBe(1);
  }
  // Spot-check a few through the read API.
  for (const id of [...acked].slice(-5)) {
    const r = await call(url, 'GET', `/v1/receipts/${id}`);
    expect(r.body.status).toBe('confirmed');
  }
  return counts.size;
}

describe('SIGKILL during confirms', () => {
  it(`loses and doubles nothing over ${ROUNDS} kills`, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-kill-'));
    const config = await writeAgentConfigFile(path.join(dir, 'agent.json'), {
      dataDir: path.join(dir, 'data'),
      tokens: [{ token: TOKEN, tillId: 'till-1' }],
    });

    const acked = new Set<string>();
    let inOutbox = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const agent = await spawnAgent(['start', '--config', config]);
      inOutbox = await verify(agent.url, acked);
      const stop = { dead: false };
      const workers = [0, 1, 2].map((w) => worker(agent.url, `r${round}w${w}`, stop));
      await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 260)));
      agent.child.kill('SIGKILL');
      await agent.exited;
      stop.dead = true;
      for (const ids of await Promise.all(workers)) for (const id of ids) acked.add(id);
    }
    const last = await spawnAgent(['start', '--config', config]);
    inOutbox = await verify(last.url, acked);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
    expect(acked.size).toBeGreaterThan(ROUNDS); // the test really confirmed receipts under fire
    expect(inOutbox).toBeGreaterThanOrEqual(acked.size);
  }, 300_000);
});
