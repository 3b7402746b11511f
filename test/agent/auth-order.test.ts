// Authentication before validation on EVERY route of the agent (till API, sales through the
// register, scans, the Evotor bridge): the test walks the server's route table and sends each
// route a request that fails its schema (body, query) without a token → 401, never a 400 that
// tells a stranger about the schema. The public routes are listed here, not taken from the code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillExtras } from '../../src/app/till-extras.js';
import { startTestAgent, type TestAgent, TOKEN } from '../helpers/agent-harness.js';

const EVOTOR_TOKEN = 'evotor-terminal-1';

/** What anyone may call: health, metrics, the API description and the cashier page's files. */
const PUBLIC = new Set(
  [
    '/healthz',
    '/readyz',
    '/metrics',
    '/openapi.json',
    '/',
    '/cashier',
    '/cashier/',
    '/cashier/config.json',
    '/cashier/:file',
  ].flatMap((url) => [`GET ${url}`, `HEAD ${url}`]),
);

/** Wrong for every body schema of the agent (types, empty strings, bounds). */
const BAD_BODY = {
  receiptId: '',
  lines: 'not-lines',
  customer: 'nobody',
  payments: 'cash',
  raw: '',
  tillId: '',
  ids: { not: 'a list' },
  outcome: 'maybe',
  card: '',
  phone: '',
};
const BAD_QUERY = '?state=bogus&limit=-5&tillId=';

let t: TestAgent;

beforeAll(async () => {
  t = await startTestAgent(
    { register: { driver: 'simulator' }, evotor: { token: EVOTOR_TOKEN } },
    { extras: tillExtras },
  );
});
afterAll(() => t?.close());

async function send(method: string, url: string, token: string | null) {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const res = await fetch(t.url + url.replace(/:(\w+)/g, 'x-1') + BAD_QUERY, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...(hasBody && { 'content-type': 'application/json' }),
    },
    body: hasBody ? JSON.stringify(BAD_BODY) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('the agent checks the till token before the request', () => {
  it('records a route table with the till, sales, scan and Evotor routes', () => {
    const names = t.agent.app.routeTable.map((r) => `${r.method} ${r.url}`);
    for (const route of [
      'POST /v1/receipts/calculate',
      'POST /v1/sales',
      'POST /v1/scans',
      'GET /v1/scans/stream',
      'GET /v1/status',
      'POST /v1/evotor/beforePositionsEdited',
      'GET /healthz',
    ]) {
      expect(names).toContain(route);
    }
  });

  it('no token: 401 on every route but the public ones, whatever the body or query', async () => {
    let checked = 0;
    for (const route of t.agent.app.routeTable) {
      const name = `${route.method} ${route.url}`;
      if (PUBLIC.has(name)) continue;
      const res = await send(route.method, route.url, null);
      expect(res.status, `${name}: ${res.text}`).toBe(401);
      if (route.method !== 'HEAD') expect(res.text, name).not.toMatch(/body\/|querystring\/|must /);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('a wrong token: 401 on every such route too', async () => {
    for (const route of t.agent.app.routeTable) {
      if (PUBLIC.has(`${route.method} ${route.url}`)) continue;
      expect((await send(route.method, route.url, 'wrong-token-123')).status, route.url).toBe(401);
    }
  });

  it('with the right token the same bodies reach validation (400): the requests are really wrong', async () => {
    for (const url of ['/v1/receipts/calculate', '/v1/sales', '/v1/scans', '/v1/identify', '/v1/returns']) {
      const res = await send('POST', url, TOKEN);
      expect(res.status, `${url}: ${res.text}`).toBe(400);
    }
    const evotor = t.agent.app.routeTable.filter((r) => r.url.startsWith('/v1/evotor/'));
    expect(evotor.length).toBeGreaterThanOrEqual(5);
    for (const route of evotor) {
      expect((await send(route.method, route.url, EVOTOR_TOKEN)).status, route.url).toBe(400);
    }
  });

  it('the scan stream takes the token from the query too (EventSource), and refuses another till', async () => {
    const forbidden = await fetch(`${t.url}/v1/scans/stream?token=${TOKEN}&tillId=till-2`);
    expect(forbidden.status).toBe(403);
    const controller = new AbortController();
    const stream = await fetch(`${t.url}/v1/scans/stream?token=${TOKEN}`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
  });
});
