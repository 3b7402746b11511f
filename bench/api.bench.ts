// The till API over HTTP against its anchor: a bare fastify `GET /` in its own process, answered by
// the same client on the same machine. Figures: identify by card and a 50-line calculate (with that
// card) while the agent, a child process as in production, holds N cached customers. In ms.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgentProcess, stop } from './lib/agent-process.js';
import { BENCH_TOKEN, benchAgentConfig, receiptLines } from './lib/bench-agent.js';
import { cardOf, fillCustomerCache } from './lib/fixtures.js';
import { BenchClient } from './lib/http-client.js';
import { type Summary, summarize } from './lib/stats.js';

export interface ApiBenchResult {
  customers: number;
  bare: Summary;
  identify: Summary;
  /** The agent's own time for those identifies (its Server-Timing header). */
  identifyInAgent: Summary;
  calculate: Summary;
}

const WARMUP = 200;

const BARE_SERVER = fileURLToPath(new URL('./lib/bare-server.js', import.meta.url));

/** Bare fastify `GET /` through the bench client: the floor of any request on this machine. */
export async function runBareRouteBench(samples: number): Promise<Summary> {
  const server = spawn(process.execPath, [BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    server.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  const client = new BenchClient(url);
  try {
    const times: number[] = [];
    for (let i = 0; i < samples + WARMUP; i++) {
      const r = await client.expect(200, 'GET', '/');
      if (i >= WARMUP) times.push(r.ms);
    }
    return summarize(times);
  } finally {
    client.close();
    await stop(server);
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
    const dataDir = join(dir, 'data');
    await fillCustomerCache(dataDir, options.customers);
    const config = join(dir, 'agent.json');
    await writeFile(config, JSON.stringify(benchAgentConfig(dataDir, 'info')));
    const agent = await startAgentProcess(config);
    const client = new BenchClient(agent.url, BENCH_TOKEN);
    try {
      const bare = await runBareRouteBench(options.samples);
      const identify: number[] = [];
      const identifyInAgent: number[] = [];
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
          if (id.serverMs === null) throw new Error('identify: the agent sent no Server-Timing');
          identifyInAgent.push(id.serverMs);
          calculate.push(calc.ms);
        }
      }
      return {
        customers: options.customers,
        bare,
        identify: summarize(identify),
        identifyInAgent: summarize(identifyInAgent),
        calculate: summarize(calculate),
      };
    } finally {
      client.close();
      await agent.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
