import { describe, expect, it } from 'vitest';
import { runRegisterBench } from '../../../bench/register.bench.js';

describe('register bench', () => {
  it('prints through the wire-timed cable: never faster than the wire, bytes grow with positions', async () => {
    const small = await runRegisterBench({ positions: 5, rounds: 3 });
    const larger = await runRegisterBench({ positions: 10, rounds: 2 });
    expect(small.ratio).toBeGreaterThanOrEqual(1);
    // generous bound: CI boxes are shared; the bench itself reports the real figure
    expect(small.ratio).toBeLessThan(3);
    expect(larger.bytes).toBeGreaterThan(small.bytes + 5 * 60);
    expect(larger.wireMs).toBeCloseTo((larger.bytes * 10 * 1000) / 115_200, 0);
  });
});
