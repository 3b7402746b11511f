import { describe, expect, it } from 'vitest';
import { runDrainBench } from '../../bench/drain.bench.js';

describe('drain benchmark', () => {
  it('empties a small backlog through a healthy and a flaky cloud', async () => {
    const results = (await runDrainBench({ backlog: 1200 })) as { left: number; applied: number }[];
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ left: 0, applied: 1200 });
  });
});
