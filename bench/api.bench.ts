// The till API over HTTP against its anchor: a bare fastify `GET /` answered by the same client on
// the same machine. Figures: identify by card and a 50-line calculate (with that card) while the
// agent holds N cached customers. Everything in ms.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import { BENCH_TOKEN, receiptLines, startBenchAgent } from './lib/bench-agent.js';
import { cardOf, fillCustomerCache } from './lib/fixtures.js';
import { BenchClient } from './lib/http-client.js';
import { type Summary, summarize } from './lib/stats.js';

export interface ApiBenchResult {
  customers: number;
  bare: Summary;
  identify: Summary;
  calculate: Summary;
}

const WARMUP = 200;

/** Bare fastify `GET /` through the bench client: the floor of any request on this machine. */
export async function runBareRouteBench(samples: number): Promise<Summary> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('bare route: no address');
  const client = new BenchClient(`http://127.0.0.1:${address.port}`);
  try {
    const times: number[] = [];
    for (let i = 0; i < samples + WARMUP; i++) {
      const r = await client.expect(200, 'GET', '/');
      if (i >= WARMUP) times.push(r.ms);
    }
    return summarize(times);
  } finally {
    client.close();
    await app.close();
  }
}

export async function runApiBench(options: {
  base: string;
  customers: number;
  samples: number;
}): Promise<ApiBenchResult> {
  await mkdir(options.base, { recursive: true });
  const dir = await mkdtemp(join(options.base, 'api-'));
  try {
    await fillCustomerCache(dir, options.customers);
    const agent = await startBenchAgent(dir);
    const client = new BenchClient(agent.url, BENCH_TOKEN);
    try {
      const bare = await runBareRouteBench(options.samples);
      const identify: number[] = [];
      const calculate: number[] = [];
      const lines = receiptLines();
      for (let i = 0; i < options.samples + WARMUP; i++) {
        // Spread over the whole cache so lookups do not all hit the same warm entries.
        const card = cardOf((i * 7919) % options.customers);
        const id = await client.expect(200, 'POST', '/v1/identify', { card });
        const calc = await client.expect(200, 'POST', '/v1/receipts/calculate', {
          receiptId: `bench-${i}`,
          customer: { card },
          lines,
        });
        if (i >= WARMUP) {
          identify.push(id.ms);
          calculate.push(calc.ms);
        }
      }
      return {
        customers: options.customers,
        bare,
        identify: summarize(identify),
        calculate: summarize(calculate),
      };
    } finally {
      client.close();
      await agent.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
