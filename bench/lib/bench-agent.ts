// An agent started in this process on a given data directory (no cloud, no register), HTTP on a
// loopback port chosen by the system, logs off: what the over-HTTP benchmarks talk to.
import { join } from 'node:path';
import pino from 'pino';
import { type RunningAgent, startAgent } from '../../src/app/agent-app.js';
import { parseAgentConfig } from '../../src/config/agent-config.js';
import { findProjectRoot } from '../../src/ops/project-root.js';

export const BENCH_TOKEN = 'bench-till-token';

/** `logLevel` info for a child process: its "agent ready" line is how the start is timed. */
export function benchAgentConfig(dataDir: string, logLevel = 'warn'): Record<string, unknown> {
  return {
    storeId: 'store-1',
    tillId: 'till-1',
    timezone: 'Europe/Moscow',
    dataDir,
    logLevel,
    http: { host: '127.0.0.1', port: 0, tokens: [{ token: BENCH_TOKEN, tillId: 'till-1' }] },
    program: join(findProjectRoot(), 'config', 'program.example.json'),
    register: { driver: 'none' },
  };
}

export async function startBenchAgent(dataDir: string): Promise<RunningAgent> {
  const cfg = parseAgentConfig(benchAgentConfig(dataDir), findProjectRoot());
  return startAgent(cfg, { logger: pino({ level: 'silent' }) });
}

/** The benchmarks' 50-line receipt: weighed goods, a promotion tag, price floors, tobacco. */
export function receiptLines(count = 50) {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 10;
    return {
      lineId: String(i + 1),
      sku: `SKU-${i}`,
      name: `Товар ${i}`,
      price: 1990 + i * 137,
      qty: i % 4 === 3 ? (455 + i) / 1000 : 1 + (i % 3),
      category: kind < 3 ? 'cleaning' : 'grocery',
      tags: kind === 9 ? ['tobacco'] : kind === 4 ? ['yellow-price'] : [],
      ...(kind === 5 && { minPrice: 1900 }),
    };
  });
}
