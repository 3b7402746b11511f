// The scan stream over real HTTP on 127.0.0.1:0: a published scan reaches the open event stream.
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ScanHub } from '../../../drivers/scanner/hub.js';
import { bearerTokenAuth, scanEvents } from '../../../src/http/scans/scan-events.js';

const TOKENS = [
  { token: 'till-1-secret-token', tillId: 'till-1' },
  { token: 'till-2-secret-token', tillId: 'till-2' },
];

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(hub: ScanHub, heartbeatMs?: number): Promise<string> {
  app = Fastify({
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  });
  await app.register(scanEvents, { hub, auth: bearerTokenAuth(TOKENS), heartbeatMs });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** An EventSource-like reader: collects raw text and resolves `until` when a pattern shows up. */
function openStream(url: string, headers: Record<string, string> = {}) {
  let text = '';
  let ended = false;
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        check();
      });
      res.on('end', () => {
        ended = true;
        check();
      });
      resolve(res);
    });
    req.on('error', reject);
  });
  const until = (test: () => boolean, ms = 3000) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out; got: ${JSON.stringify(text)}`)), ms);
      waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  return { response, until, text: () => text, ended: () => ended };
}

describe('GET /v1/scans/stream', () => {
  it('streams a published scan of its till as a server-sent event', async () => {
    const hub = new ScanHub();
    const base = await start(hub);
    const stream = openStream(`${base}/v1/scans/stream?tillId=till-1`, {
      authorization: 'Bearer till-1-secret-token',
    });
    const res = await stream.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-cache');
    await stream.until(() => stream.text().includes(': connected'));
    expect(hub.subscriberCount('till-1')).toBe(1);

    hub.publish('till-2', { raw: 'other', kind: 'card', value: '1111' });
    hub.publish('till-1', { raw: '2000000000015', kind: 'card', value: '2000000000015' });
    await stream.until(() => stream.text().includes('event: scan'));
    expect(stream.text()).toContain(
      'id: 1\nevent: scan\ndata: {"raw":"2000000000015","kind":"card","value":"2000000000015"}\n\n',
    );
    expect(stream.text()).not.toContain('other');
  });

  it('accepts the token in the query (EventSource cannot send headers) and sends heartbeats', async () => {
    const hub = new ScanHub();
    const base = await start(hub, 30);
    const stream = openStream(`${base}/v1/scans/stream?token=till-2-secret-token`);
    expect((await stream.response).statusCode).toBe(200);
    await stream.until(() => stream.text().split(': heartbeat\n\n').length >= 3);
    expect(hub.subscriberCount('till-2')).toBe(1);
  });

  it('refuses a missing token (401) and another till (403) in the one error shape', async () => {
    const base = await start(new ScanHub());
    const none = await fetch(`${base}/v1/scans/stream`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const other = await fetch(`${base}/v1/scans/stream?tillId=till-2`, {
      headers: { authorization: 'Bearer till-1-secret-token' },
    });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('unsubscribes when the page goes away', async () => {
    const hub = new ScanHub();
    const base = await start(hub);
    const stream = openStream(`${base}/v1/scans/stream`, { authorization: 'Bearer till-1-secret-token' });
    const res = await stream.response;
    await stream.until(() => hub.subscriberCount('till-1') === 1);
    res.destroy();
    const deadline = Date.now() + 2000;
    while (hub.subscriberCount('till-1') > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(hub.subscriberCount('till-1')).toBe(0);
  });

  it('closing the server ends open streams cleanly instead of hanging', async () => {
    const hub = new ScanHub();
    const base = await start(hub);
    const stream = openStream(`${base}/v1/scans/stream`, { authorization: 'Bearer till-1-secret-token' });
    await stream.response;
    await stream.until(() => hub.subscriberCount('till-1') === 1);
    const started = Date.now();
    await app!.close();
    app = null;
    await stream.until(() => stream.ended());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hub.subscriberCount('till-1')).toBe(0);
  });
});

describe('POST /v1/scans', () => {
  it('classifies an injected code and publishes it to the caller’s till stream', async () => {
    const hub = new ScanHub();
    const base = await start(hub);
    const stream = openStream(`${base}/v1/scans/stream`, { authorization: 'Bearer till-1-secret-token' });
    await stream.response;
    await stream.until(() => hub.subscriberCount('till-1') === 1);

    const res = await fetch(`${base}/v1/scans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer till-1-secret-token' },
      body: JSON.stringify({ raw: '8 (912) 345-67-89' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      scan: { raw: '8 (912) 345-67-89', kind: 'phone', value: '+79123456789' },
      delivered: 1,
    });
    await stream.until(() => stream.text().includes('"value":"+79123456789"'));
  });

  it('answers 400 naming the field for bad bodies and unrecognized codes', async () => {
    const base = await start(new ScanHub());
    const post = async (body: unknown) => {
      const res = await fetch(`${base}/v1/scans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer till-1-secret-token' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    };
    const missing = await post({});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'BAD_REQUEST', message: 'raw: обязательное поле' });
    const wrongType = await post({ raw: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/^raw: /);
    const extra = await post({ raw: '2000000000015', till: 'x' });
    expect(extra.body.error.message).toBe('till: лишнее поле');
    const product = await post({ raw: '4607001234567' });
    expect(product.status).toBe(400);
    expect(product.body.error.code).toBe('SCAN_UNRECOGNIZED');
    const unauthorized = await fetch(`${base}/v1/scans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: '2000000000015' }),
    });
    expect(unauthorized.status).toBe(401);
  });
});
