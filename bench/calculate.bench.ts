// Benchmark of the pure engine: one `calculate` of a 50-line receipt with the example program
// (a silver customer paying the most points allowed, a yellow-tag promotion, a cleaning
// multiplier, a weighed line and tobacco), timed per call after a warm-up. Figures in µs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { calculate, parseProgram } from '../src/domain/index.js';
import type { CalculationInput, ReceiptLineInput } from '../src/domain/types.js';
import { findProjectRoot } from '../src/ops/project-root.js';
import { receiptLines } from './lib/bench-agent.js';

export interface CalculateBenchResult {
  name: string;
  iterations: number;
  p50Us: number;
  p99Us: number;
  minUs: number;
  opsPerSec: number;
}

function benchInput(): CalculationInput {
  const program = parseProgram(
    JSON.parse(
      // From the project root, so the compiled copy (bench/run.js) finds it too.
      readFileSync(join(findProjectRoot(), 'config', 'program.example.json'), 'utf8'),
    ) as unknown,
  );
  const lines: ReceiptLineInput[] = receiptLines();
  return {
    program,
    lines,
    at: '2026-11-23T14:30:00+03:00', // a weekday in happy hours, yellow tags running
    timezone: 'Europe/Moscow',
    customer: { id: 'c1', tierId: 'silver', periodSpend: 600000, balance: { available: 5000, pending: 0 } },
    redeem: { max: true },
    offline: false,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function runCalculateBench(iterations = 20_000): CalculateBenchResult {
  const input = benchInput();
  const probe = calculate(input);
  // Guard against timing a receipt that exercises nothing.
  if (probe.totals.redeemedPoints === 0 || !probe.applied.some((a) => a.kind === 'promotion')) {
    throw new Error('bench receipt does not hit a promotion and a redemption');
  }
  for (let i = 0; i < Math.min(2_000, iterations); i++) calculate(input);
  const samples = new Array<number>(iterations);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    calculate(input);
    samples[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - started;
  samples.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    name: 'calculate (50 lines, example program)',
    iterations,
    p50Us: round(percentile(samples, 50)),
    p99Us: round(percentile(samples, 99)),
    minUs: round(samples[0]!),
    opsPerSec: Math.round((iterations / elapsedMs) * 1000),
  };
}

// Run directly (e.g. `node --experimental-strip-types bench/calculate.bench.ts`) to print the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runCalculateBench(), null, 2));
}
