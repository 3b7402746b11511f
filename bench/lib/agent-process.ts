// The agent as systemd runs it: a child process of the compiled CLI (`start --config`). The
// over-HTTP benchmarks talk to it like a POS does, from another process, so the client's own work
// and garbage never land inside the agent's figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled CLI beside this compiled module (`<build>/bench/lib` → `<build>/src/cli/main.js`). */
const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const RUN_CLI =
  'const { run } = await import(process.argv[1]); process.exitCode = await run(process.argv.slice(2));';

export interface AgentProcess {
  child: ChildProcess;
  /** From the "agent ready" log line (the config asks for port 0). */
  url: string;
  /** Resident set size now, MB, from /proc. */
  rssMB(): number;
  stop(): Promise<void>;
}

/** Spawns `loyalty-agent start --config FILE` (log level info or finer) and waits until it is ready. */
export async function startAgentProcess(configFile: string, timeoutMs = 60_000): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', RUN_CLI, CLI_MAIN, 'start', '--config', configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const url = await readyUrl(child, timeoutMs);
    return { child, url, rssMB: () => rssMB(child.pid!), stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function readyUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`agent not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"agent ready"'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining later log lines so the child never blocks on a full pipe
      child.off('exit', onExit);
      resolve((JSON.parse(line) as { url: string }).url);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`agent exited (${code}) before it was ready:\n${out}`));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', onExit);
  });
}

/** Resident set size from /proc (Linux); the benchmark is meant for the Linux boxes the agent runs on. */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round((kb / 1024) * 10) / 10;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
