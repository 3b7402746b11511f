// The agent as systemd runs it: a child process of the compiled CLI (`start --config`) on a data
// directory holding N cached customers. Figures: time from spawn to the "agent ready" log line,
// and the resident memory (RSS) once it has settled, against an idle bare `node` process.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rssMB, startAgentProcess, stop } from './lib/agent-process.js';
import { benchAgentConfig } from './lib/bench-agent.js';
import { fillCustomerCache } from './lib/fixtures.js';
import { type Summary, summarize } from './lib/stats.js';

export interface StartupBenchResult {
  customers: number;
  startMs: Summary;
  /** RSS after start and a settle pause, MB (one figure per start). */
  rssMB: Summary;
}

const SETTLE_MS = 1500;

export async function runStartupBench(options: {
  base: string;
  customers: number;
  starts: number;
}): Promise<StartupBenchResult> {
  await mkdir(options.base, { recursive: true });
  const dir = await mkdtemp(join(options.base, 'startup-'));
  try {
    const dataDir = join(dir, 'data');
    await fillCustomerCache(dataDir, options.customers);
    const config = join(dir, 'agent.json');
    await writeFile(config, JSON.stringify(benchAgentConfig(dataDir, 'info')));
    const starts: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < options.starts; i++) {
      const t0 = process.hrtime.bigint();
      const agent = await startAgentProcess(config);
      try {
        starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        rss.push(agent.rssMB());
      } finally {
        await agent.stop();
      }
    }
    return { customers: options.customers, startMs: summarize(starts), rssMB: summarize(rss) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** RSS of an idle `node` doing nothing: the floor under any Node service's memory. */
export async function runBareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return rssMB(child.pid!);
  } finally {
    await stop(child);
  }
}
