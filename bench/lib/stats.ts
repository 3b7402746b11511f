// Summaries of timing samples as the report prints them: min / median / p99 (nearest rank).

export interface Summary {
  samples: number;
  min: number;
  median: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    samples: sorted.length,
    min: sorted[0]!,
    median: rank(0.5),
    p99: rank(0.99),
    max: sorted[sorted.length - 1]!,
  };
}

/** Median of a few values (a trend check, not a latency figure). */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}

/** Milliseconds elapsed since `start` (from process.hrtime.bigint()). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
