// Authentication before validation on EVERY route of the central server: the test walks the
// server's own route table and sends each route a request that fails its schema (body, query,
// params) without a token → 401, never a 400 that tells a stranger what the schema wants; with a
// key of the wrong kind → 403; with the right key the same request does reach validation (400).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCloudConfig } from '../../src/cloud/config.js';
import { installAccess } from '../../src/cloud/http/access.js';
import { Authenticator } from '../../src/cloud/http/auth.js';
import { type RunningCloud, startCloud } from '../../src/cloud/start-cloud.js';
import { ADMIN, AGENT_1, AGENT_2, openTestDb, testProgram } from './harness.js';

/** The only routes a stranger may call: the central page itself (its data needs the token). */
const PUBLIC = new Set(['GET /', 'HEAD /']);

/** Wrong in every field any route's body schema knows (empty strings, objects for scalars, bounds):
 * nothing fastify's type coercion could turn into a valid value. */
const BAD_BODY = {
  transactions: { not: 'an array' },
  version: { not: 'a string' },
  queue: 'x',
  card: '',
  phone: '',
  qr: '',
  holdId: '',
  customerId: '',
  points: -1,
  receiptId: '',
  ttlSec: 0,
  code: '',
  codes: { not: 'an array' },
};
/** Wrong for every querystring schema (limit not a number, cursor not digits, from too short). */
const BAD_QUERY = '?limit=many&cursor=abc&from=1&to=2&storeId=';

let cloud: RunningCloud;
let dir = '';
let drop: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud-auth-order-'));
  const program = join(dir, 'program.json');
  await writeFile(program, JSON.stringify(testProgram()));
  const config = parseCloudConfig({
    http: { host: '127.0.0.1', port: 0 },
    database: 'pglite:memory',
    program,
    agents: [AGENT_1, AGENT_2],
    adminTokens: [ADMIN],
    timezone: 'Europe/Moscow',
  });
  const test = await openTestDb();
  drop = test.drop;
  cloud = await startCloud(config, { logger: pino({ level: 'silent' }), db: test.db });
});

afterAll(async () => {
  await cloud?.close();
  await drop?.();
  await rm(dir, { recursive: true, force: true });
});

function concrete(url: string): string {
  return url
    .replace(':agentId', AGENT_1.agentId)
    .replace(':holdId', 'h-1')
    .replace(':id', 'c-1')
    .replace(':receiptId', 'r-1');
}

async function send(method: string, url: string, key: string | null) {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const res = await fetch(cloud.url + concrete(url) + BAD_QUERY, {
    method,
    headers: {
      ...(key !== null && { authorization: `Bearer ${key}` }),
      ...(hasBody && { 'content-type': 'application/json' }),
    },
    body: hasBody ? JSON.stringify(BAD_BODY) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('the central server checks the caller before the request', () => {
  it('has a route table with every route and its declared access', () => {
    const names = cloud.routes.map((r) => `${r.method} ${r.url}`);
    expect(names).toContain('POST /v1/agents/:agentId/transactions');
    expect(names).toContain('GET /v1/reports/kpi');
    expect(names).toContain('POST /v1/holds');
    expect(names).toContain('GET /central/api/overview');
    expect(cloud.routes.filter((r) => r.method !== 'HEAD').length).toBeGreaterThanOrEqual(17);
  });

  it('no token: 401 on every route but the public page, whatever the body, query or params', async () => {
    const seen: string[] = [];
    for (const route of cloud.routes) {
      const name = `${route.method} ${route.url}`;
      if (PUBLIC.has(name)) continue;
      const res = await send(route.method, route.url, null);
      seen.push(name);
      expect(res.status, `${name}: ${res.text}`).toBe(401);
      if (route.method !== 'HEAD') {
        expect(JSON.parse(res.text).error.code, name).toBe('UNAUTHORIZED');
        // Nothing about the schema leaks.
        expect(res.text, name).not.toMatch(/body\/|querystring\/|params\/|must /);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(16);
  });

  it('an unknown key: 401 on every route too', async () => {
    for (const route of cloud.routes) {
      if (PUBLIC.has(`${route.method} ${route.url}`)) continue;
      expect((await send(route.method, route.url, 'not-a-key-at-all')).status).toBe(401);
    }
  });

  it('a key of the wrong kind: 403 before validation', async () => {
    for (const route of cloud.routes) {
      if (route.access === 'agent') {
        // Another agent's key on AGENT_1's path.
        expect((await send(route.method, route.url, AGENT_2.key)).status, route.url).toBe(403);
      }
      if (route.access === 'admin') {
        expect((await send(route.method, route.url, AGENT_1.key)).status, route.url).toBe(403);
      }
    }
  });

  it('with the right key the same requests reach validation (400), so the test asks something wrong', async () => {
    const keyFor = { agent: AGENT_1.key, admin: ADMIN, any: AGENT_1.key, public: null } as const;
    let validated = 0;
    for (const route of cloud.routes) {
      if (route.method !== 'POST') continue;
      const res = await send(route.method, route.url, keyFor[route.access]);
      expect(res.status, `${route.method} ${route.url}: ${res.text}`).toBe(400);
      validated++;
    }
    expect(validated).toBeGreaterThanOrEqual(7);
    expect((await send('GET', '/v1/receipts', ADMIN)).status).toBe(400);
  });

  it('the overview page data also takes the admin token as ?token=, and nothing less', async () => {
    const ok = await fetch(`${cloud.url}/central/api/overview?token=${ADMIN}`);
    expect(ok.status).toBe(200);
    const agentKey = await fetch(`${cloud.url}/central/api/overview?token=${AGENT_1.key}`);
    expect(agentKey.status).toBe(403);
    // Only that route reads the query: elsewhere a token there is no token.
    const elsewhere = await fetch(`${cloud.url}/v1/receipts?token=${ADMIN}`);
    expect(elsewhere.status).toBe(401);
  });

  it('a route that declares no access cannot be registered (fail closed)', async () => {
    const app = Fastify();
    installAccess(app, new Authenticator({ agents: [], adminTokens: [] }));
    expect(() => app.get('/v1/forgotten', async () => ({}))).toThrow(/declares no access/);
    await app.close();
  });
});
