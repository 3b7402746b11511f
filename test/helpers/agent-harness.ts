// Starts a real agent (store on a temp dir, HTTP on port 0) for tests, with a logger whose lines
// the test can read, and helpers to call the API and to put customers into the cache.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type AgentOptions, type RunningAgent, startAgent } from '../../src/app/agent-app.js';
import { parseAgentConfig } from '../../src/config/agent-config.js';
import type { CachedCustomer } from '../../src/protocol/sync.js';

export const TOKEN = 'secret-till-1';
export const TOKEN_2 = 'secret-till-2';

export interface TestAgent {
  agent: RunningAgent;
  url: string;
  dir: string;
  logs: string[];
  call<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestAgent(
  overrides: Record<string, unknown> = {},
  options: Partial<AgentOptions> & { dir?: string } = {},
): Promise<TestAgent> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'la-agent-')));
  const cfg = parseAgentConfig(
    {
      storeId: 'store-1',
      tillId: 'till-1',
      timezone: 'Europe/Moscow',
      dataDir: dir,
      logLevel: 'info',
      http: {
        host: '127.0.0.1',
        port: 0,
        tokens: [
          { token: TOKEN, tillId: 'till-1' },
          { token: TOKEN_2, tillId: 'till-2' },
        ],
      },
      program: path.resolve('config/program.example.json'),
      register: { driver: 'none' },
      ...overrides,
    },
    process.cwd(),
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const agent = await startAgent(cfg, { logger, ...options });
  return {
    agent,
    url: agent.url,
    dir,
    logs,
    async call(method, url, body, token = TOKEN) {
      const res = await fetch(agent.url + url, {
        method,
        headers: {
          ...(token !== null && { authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (metrics, page)
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async close() {
      await agent.close();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A valid EAN-13 card number of the example program's range (prefix 2). */
export function card(n: number): string {
  const body = `2${String(n).padStart(11, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

export function customer(id: string, over: Partial<CachedCustomer> = {}): CachedCustomer {
  return {
    id,
    cards: [],
    displayName: 'Анна К.',
    tierId: 'standard',
    periodSpend: 0,
    balance: { available: 0, pending: 0 },
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...over,
  };
}

/** The worked example's customer: silver (600 000 spent this period), 300 points. */
export function silverCustomer(id: string, cardNumber: string): CachedCustomer {
  return customer(id, {
    cards: [cardNumber],
    tierId: 'silver',
    periodSpend: 600000,
    balance: { available: 300, pending: 0 },
  });
}

/** MECHANICS.md worked example lines. */
export const workedLines = [
  { lineId: 'A', sku: 'MILK-1', name: 'Молоко', price: 8990, qty: 3, category: 'dairy' },
  { lineId: 'B', sku: 'TOB-1', name: 'Сигареты', price: 21500, qty: 1, tags: ['tobacco'] },
  { lineId: 'C', sku: 'CHEESE', name: 'Сыр', price: 129900, qty: 0.455, category: 'dairy' },
];
/** A Sunday morning: no happy hours, so the example program behaves as the worked example. */
export const SUNDAY = '2026-11-22T10:00:00+03:00';
