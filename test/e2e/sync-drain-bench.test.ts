import { describe, expect, it } from 'vitest';
import { runDrainCloudBench } from '../../bench/drain-cloud.bench.js';

describe('drain into the reference server (benchmark, miniature)', () => {
  it('empties a backlog into the cloud, every transaction once', async () => {
    const r = await runDrainCloudBench(Number(process.env.BENCH_N ?? 600));
    console.log(JSON.stringify(r));
    expect(r).toMatchObject({ left: 0, inCloud: r.transactions });
  }, 300_000);
});
