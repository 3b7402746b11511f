// The reference central server as a real process, started the way SYNC-API.md fixes it
// (`loyalty-agent cloud --config FILE`), on embedded PGlite in a temp dir — or, when DATABASE_URL
// is set, on that PostgreSQL in a schema of its own that is dropped at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { assertBuilt, BIN } from '../../helpers/agent-process.js';
import type { Cleanup } from './cleanup.js';

export interface CloudAgentEntry {
  agentId: string;
  storeId: string;
  key: string;
}

export interface CloudProcessOptions {
  /** Temp dir of the test: the config file (and the PGlite data) go here. */
  dir: string;
  agents: CloudAgentEntry[];
  adminToken: string;
  /** 0 = any free port; a fixed one lets the cloud come back where the agents expect it. */
  port?: number;
  seedDemo?: boolean;
}

export interface CloudProcess {
  url: string;
  port: number;
  /** Every line the process wrote (JSON logs). */
  output: string[];
  running(): boolean;
  /** SIGTERM (SIGKILL if it does not stop within 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
}

export const READY_LINE = '"loyalty cloud listening"';

export async function startCloudProcess(o: CloudProcessOptions, cleanup: Cleanup): Promise<CloudProcess> {
  assertBuilt();
  const database = await cloudDatabase(o.dir, cleanup);
  const config = path.join(o.dir, 'cloud.json');
  const output: string[] = [];
  let child: ChildProcess | null = null;
  let port = o.port ?? 0;

  const writeConfig = () =>
    writeFile(
      config,
      JSON.stringify({
        http: { host: '127.0.0.1', port },
        database,
        program: path.resolve('config/program.example.json'),
        agents: o.agents,
        adminTokens: [o.adminToken],
        timezone: 'Europe/Moscow',
        ...(o.seedDemo && { seedDemo: true }),
        logLevel: 'info',
      }),
    );

  const launch = async () => {
    await writeConfig();
    const started = await spawnUntilReady([BIN, 'cloud', '--config', config], output);
    child = started.child;
    const url = new URL(started.url);
    // From now on the cloud keeps its port across restarts.
    port = Number(url.port);
  };

  const stop = async () => {
    const c = child;
    child = null;
    if (c) await stopChild(c);
  };

  await launch();
  cleanup.defer('stop the cloud process', stop);
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    output,
    running: () => child !== null && child.exitCode === null,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}

/** A port that was free a moment ago (for a cloud that is to start later at a known address). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function cloudDatabase(dir: string, cleanup: Cleanup): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url) return `pglite:${path.join(dir, 'cloud-db')}`;
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await admin.end();
  }
  cleanup.defer(`drop schema ${schema}`, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
    } finally {
      await c.end();
    }
  });
  // The server sets the search path at connection start-up: the cloud sees only this schema.
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Spawns `node …args` (a cloud start) and resolves with its URL from the ready log line. */
export async function spawnUntilReady(
  args: string[],
  output: string[],
  timeoutMs = 90_000,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`cloud not ready in ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`)),
        timeoutMs,
      );
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          output.push(line);
          if (line.includes(READY_LINE)) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { url: string }).url);
          }
        }
      });
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`cloud exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`));
      });
    });
    return { child, url };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
