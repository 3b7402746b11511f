// The register path at several receipt sizes, through the owner's `runRegisterBench` (one
// receipt per fresh simulated register, real wire time at 115 200 baud): total time against the
// pure wire time of the bytes exchanged. Figures in ms and as the ratio total / wire.

import { type Summary, summarize } from './lib/stats.js';
import { runRegisterBench } from './register.bench.js';

export interface RegisterGrowthResult {
  positions: number;
  bytes: number;
  totalMs: Summary;
  wireMs: Summary;
  ratio: Summary;
}

export async function runRegisterGrowth(options: {
  positions: number;
  receipts: number;
}): Promise<RegisterGrowthResult> {
  const total: number[] = [];
  const wire: number[] = [];
  const ratio: number[] = [];
  let bytes = 0;
  // The first receipt warms the code up and is not counted.
  for (let i = 0; i <= options.receipts; i++) {
    const r = await runRegisterBench({ positions: options.positions, rounds: 1 });
    if (i === 0) continue;
    total.push(r.totalMs);
    wire.push(r.wireMs);
    ratio.push(r.ratio);
    bytes = r.bytes;
  }
  return {
    positions: options.positions,
    bytes,
    totalMs: summarize(total),
    wireMs: summarize(wire),
    ratio: summarize(ratio),
  };
}
