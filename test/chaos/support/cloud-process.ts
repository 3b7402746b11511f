// The reference cloud as a child process (`loyalty-agent cloud --config`, PGlite in a directory),
// the way the agent meets it in a store: started, waited for, read through its admin API.
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawnUntilReady } from '../../e2e/helpers/cloud-process.js';
import { assertBuilt, BIN } from '../../helpers/agent-process.js';

export const CLOUD_AGENT_ID = 'store-1-till-1';
export const CLOUD_KEY = 'chaos-store-key';
export const ADMIN_TOKEN = 'chaos-admin-token';

export interface CloudProcess {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
  /** Calls the cloud with the admin token. */
  admin<T>(route: string): Promise<T>;
  stop(): Promise<void>;
}

export async function writeCloudConfig(
  dir: string,
  options: { seedDemo?: boolean; port?: number } = {},
): Promise<string> {
  const file = path.join(dir, 'cloud.json');
  await writeFile(
    file,
    JSON.stringify({
      http: { host: '127.0.0.1', port: options.port ?? 0 },
      database: `pglite:${path.join(dir, 'cloud-db')}`,
      program: path.resolve('config/program.example.json'),
      agents: [{ agentId: CLOUD_AGENT_ID, storeId: 'store-1', key: CLOUD_KEY }],
      adminTokens: [ADMIN_TOKEN],
      timezone: 'Europe/Moscow',
      seedDemo: options.seedDemo ?? false,
      logLevel: 'info',
    }),
  );
  return file;
}

export async function spawnCloud(config: string, readyTimeoutMs = 60_000): Promise<CloudProcess> {
  assertBuilt();
  const output: string[] = [];
  const { child, url } = await spawnUntilReady([BIN, 'cloud', '--config', config], output, readyTimeoutMs);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    url,
    output,
    exited,
    async admin<T>(route: string): Promise<T> {
      const res = await fetch(url + route, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (res.status !== 200) throw new Error(`cloud ${route} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CloudReceipt {
  id: string;
  kind: string;
  receiptId: string;
  customerId?: string;
  totals: { accruedPoints: number; redeemedPoints: number };
}

/** Every receipt the cloud holds for the store, following the cursor. */
export async function cloudReceipts(cloud: CloudProcess): Promise<CloudReceipt[]> {
  const all: CloudReceipt[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await cloud.admin<{ receipts: CloudReceipt[]; cursor?: string; more: boolean }>(
      `/v1/receipts?storeId=store-1&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.receipts);
    if (!page.more || !page.cursor) return all;
    cursor = page.cursor;
  }
}
