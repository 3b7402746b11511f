// Soak: steady traffic from three tills (identify, calculate, confirm, cancel, return) for a while
// against an agent syncing to the reference cloud (child process), sampling the agent's heap after
// a full GC, its RSS and event-loop delay once a second. No growth trend: the last third's median
// heap stays within 1.2× of the first third's, and the event loop stays responsive.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent, TOKEN, TOKEN_2 } from '../helpers/agent-harness.js';
import {
  CLOUD_AGENT_ID,
  CLOUD_KEY,
  type CloudProcess,
  spawnCloud,
  writeCloudConfig,
} from './support/cloud-process.js';
import { printFigures, size } from './support/env.js';
import { saleLines, TillClient } from './support/till-client.js';

const DURATION_MS = size(30_000, 300_000);
/** Sales per second across the tills: a busy store, not a load test. */
const RATE = 20;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir = '';
let cloud: CloudProcess | null = null;
let agent: TestAgent | null = null;
afterAll(async () => {
  await agent?.close();
  await cloud?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Sample {
  heapMB: number;
  rssMB: number;
  loopP99Ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('soak', () => {
  it(`serves steady traffic for ${DURATION_MS / 1000} s without growing`, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-chaos-soak-'));
    cloud = await spawnCloud(await writeCloudConfig(dir, { seedDemo: true }));
    agent = await startTestAgent({
      logLevel: 'warn',
      cloud: {
        url: cloud.url,
        agentId: CLOUD_AGENT_ID,
        key: CLOUD_KEY,
        drainCron: '* * * * * *',
        pullCron: '*/5 * * * * *',
      },
    });
    const demo = JSON.parse(await readFile('config/demo-customers.json', 'utf8')) as {
      customers: { card: string }[];
    };
    const cards = demo.customers.map((c) => c.card);
    const tills = [TOKEN, TOKEN_2].map((t) => new TillClient(agent!.url, t));

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const samples: Sample[] = [];
    const ops = { sales: 0, cancels: 0, returns: 0, identifies: 0, errors: 0 };
    const errors: string[] = [];
    const end = Date.now() + DURATION_MS;

    const sampler = setInterval(() => {
      gc();
      const m = process.memoryUsage();
      samples.push({
        heapMB: m.heapUsed / 2 ** 20,
        rssMB: m.rss / 2 ** 20,
        loopP99Ms: loop.percentile(99) / 1e6,
      });
      loop.reset();
    }, 1000);

    const check = (what: string, status: number, body: unknown) => {
      if (status === 200) return true;
      ops.errors += 1;
      if (errors.length < 10) errors.push(`${what} ${status} ${JSON.stringify(body).slice(0, 200)}`);
      return false;
    };
    let n = 0;
    await Promise.all(
      tills.map(async (till, t) => {
        while (Date.now() < end) {
          const tick = Date.now();
          const i = n++;
          const receiptId = `soak-${t}-${i}`;
          const card = i % 3 === 0 ? null : cards[i % cards.length]!;
          if (card) {
            const id = await till.call('POST', '/v1/identify', { card });
            if (check('identify', id.status, id.body)) ops.identifies += 1;
          }
          const calc = await till.call('POST', '/v1/receipts/calculate', {
            receiptId,
            lines: saleLines,
            ...(card && { customer: { card } }),
          });
          if (!check('calculate', calc.status, calc.body)) continue;
          if (i % 10 === 9) {
            const c = await till.call('POST', `/v1/receipts/${receiptId}/cancel`);
            if (check('cancel', c.status, c.body)) ops.cancels += 1;
          } else {
            const c = await till.call('POST', `/v1/receipts/${receiptId}/confirm`, {});
            if (check('confirm', c.status, c.body)) ops.sales += 1;
            if (i % 20 === 0 && c.status === 200) {
              const r = await till.call('POST', '/v1/returns', {
                returnId: `ret-${receiptId}`,
                receiptId,
                lines: [{ lineId: '3', qty: 1 }],
              });
              if (check('return', r.status, r.body)) ops.returns += 1;
            }
          }
          // Pace each till to its share of the rate.
          const wait = (1000 * tills.length) / RATE - (Date.now() - tick);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }),
    );
    clearInterval(sampler);
    loop.disable();

    // Trend: the first few samples are the warm-up (JIT, first sync), the rest is split in thirds.
    const steady = samples.slice(Math.min(5, Math.floor(samples.length / 6)));
    const third = Math.floor(steady.length / 3);
    const first = steady.slice(0, third);
    const lastThird = steady.slice(steady.length - third);
    const heapFirst = median(first.map((s) => s.heapMB));
    const heapLast = median(lastThird.map((s) => s.heapMB));
    const rssFirst = median(first.map((s) => s.rssMB));
    const rssLast = median(lastThird.map((s) => s.rssMB));
    const loopP99 = median(steady.map((s) => s.loopP99Ms));
    const loopWorst = Math.max(...steady.map((s) => s.loopP99Ms));
    const status = await tills[0]!.call<{ queue: { pending: number } }>('GET', '/v1/status');

    printFigures('soak', {
      operations: ops.sales + ops.cancels + ops.returns + ops.identifies,
      faults: 0,
      lost: 0,
      duplicated: 0,
      sales: ops.sales,
      cancels: ops.cancels,
      returns: ops.returns,
      errors: ops.errors,
      samples: samples.length,
      heapFirstMB: Math.round(heapFirst * 10) / 10,
      heapLastMB: Math.round(heapLast * 10) / 10,
      rssFirstMB: Math.round(rssFirst),
      rssLastMB: Math.round(rssLast),
      loopDelayP99MedianMs: Math.round(loopP99 * 10) / 10,
      loopDelayP99WorstMs: Math.round(loopWorst * 10) / 10,
      queuedAtEnd: status.body.queue.pending,
    });
    expect(errors).toEqual([]);
    expect(ops.sales).toBeGreaterThan((DURATION_MS / 1000) * RATE * 0.5);
    expect(heapLast, 'heap growth (median of the last third vs the first)').toBeLessThanOrEqual(
      heapFirst * 1.2,
    );
    expect(rssLast, 'RSS growth').toBeLessThanOrEqual(rssFirst * 1.5);
    expect(loopP99, 'event-loop delay p99 (median of the samples)').toBeLessThan(50);
    // The outbox keeps up with the traffic.
    expect(status.body.queue.pending).toBeLessThan(RATE * 10);
  }, 900_000);
});
