// The agent as systemd runs it: a child process of the compiled CLI (`start --config`) on a data
// directory holding N cached customers. Figures: time from spawn to the "agent ready" log line,
// and the resident memory (RSS) once it has settled, against an idle bare `node` process.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAgentConfig } from './lib/bench-agent.js';
import { fillCustomerCache } from './lib/fixtures.js';
import { type Summary, summarize } from './lib/stats.js';

export interface StartupBenchResult {
  customers: number;
  startMs: Summary;
  /** RSS after start and a settle pause, MB (one figure per start). */
  rssMB: Summary;
}

/** The compiled CLI beside this compiled module (`<build>/bench` → `<build>/src/cli/main.js`). */
const CLI_MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const RUN_CLI =
  'const { run } = await import(process.argv[1]); process.exitCode = await run(process.argv.slice(2));';
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
      const child = spawn(
        process.execPath,
        ['--input-type=module', '-e', RUN_CLI, CLI_MAIN, 'start', '--config', config],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      try {
        await readyLine(child);
        starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        rss.push(rssMB(child.pid!));
      } finally {
        await stop(child);
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

function readyLine(child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`agent not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"agent ready"')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/** Resident set size from /proc (Linux); the benchmark is meant for the Linux boxes the agent runs on. */
function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round((kb / 1024) * 10) / 10;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
