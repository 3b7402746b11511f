// The confirm path end to end — POST /v1/receipts/{id}/confirm, answered only after the sale is
// fsync'd — with N sales already queued for the cloud, against the raw durable write of a file of
// the same size on the same disk. The raw writes are interleaved with the confirms so a busy disk
// slows both alike. Figures in ms.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_TOKEN, startBenchAgent } from './lib/bench-agent.js';
import { fillBacklog, queuedSale } from './lib/fixtures.js';
import { BenchClient } from './lib/http-client.js';
import { rawDurableWriter } from './lib/raw-fsync.js';
import { type Summary, summarize } from './lib/stats.js';

export interface ConfirmBenchResult {
  queued: number;
  confirm: Summary;
  /** write + fsync of a sale-sized file. */
  rawPlain: Summary;
  /** write temp + fsync + rename + fsync(dir): the floor of an atomic durable write. */
  rawAtomic: Summary;
  /** Agent start with this backlog (journal loaded), ms. */
  startMs: number;
}

const WARMUP = 20;
const lines = [
  { lineId: '1', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, category: 'dairy' },
  { lineId: '2', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 0.455, category: 'dairy' },
];

export async function runConfirmBench(options: {
  base: string;
  queued: number;
  samples: number;
}): Promise<ConfirmBenchResult> {
  await mkdir(options.base, { recursive: true });
  const dir = await mkdtemp(join(options.base, 'confirm-'));
  try {
    await fillBacklog(join(dir, 'agent'), options.queued);
    const bytes = Buffer.from(JSON.stringify({ ...queuedSale(1), seq: 1 }));
    const plain = await rawDurableWriter(join(dir, 'raw'), bytes, false);
    const atomic = await rawDurableWriter(join(dir, 'raw'), bytes, true);
    const started = process.hrtime.bigint();
    const agent = await startBenchAgent(join(dir, 'agent'));
    const startMs = Number(process.hrtime.bigint() - started) / 1e6;
    const client = new BenchClient(agent.url, BENCH_TOKEN);
    const confirm: number[] = [];
    const rawPlain: number[] = [];
    const rawAtomic: number[] = [];
    try {
      for (let i = 0; i < options.samples + WARMUP; i++) {
        const receiptId = `confirm-${i}`;
        await client.expect(200, 'POST', '/v1/receipts/calculate', { receiptId, lines });
        const c = await client.expect(200, 'POST', `/v1/receipts/${receiptId}/confirm`, {});
        const p = await plain();
        const a = await atomic();
        if (i >= WARMUP) {
          confirm.push(c.ms);
          rawPlain.push(p);
          rawAtomic.push(a);
        }
      }
      const status = JSON.parse((await client.expect(200, 'GET', '/v1/status')).body) as {
        queue: { pending: number };
      };
      const expected = options.queued + options.samples + WARMUP;
      if (status.queue.pending !== expected) {
        throw new Error(`confirm bench: ${status.queue.pending} queued after the run, expected ${expected}`);
      }
    } finally {
      client.close();
      await agent.close();
    }
    return {
      queued: options.queued,
      confirm: summarize(confirm),
      rawPlain: summarize(rawPlain),
      rawAtomic: summarize(rawAtomic),
      startMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
