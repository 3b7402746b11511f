// The chaos proxy itself: each fault does what the chaos test counts on, on keep-alive
// connections too, and `refuse` looks like a cloud that is down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, TcpChaosProxy } from './helpers/tcp-chaos-proxy.js';

let server: http.Server;
let port = 0;
const received: string[] = [];
let proxy: TcpChaosProxy | null = null;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.setHeader('content-type', 'application/json');
      // Large enough that "half the first chunk" is a broken answer, not a whole one.
      res.end(JSON.stringify({ echo: body, pad: 'x'.repeat(2000) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  received.length = 0;
  await proxy?.close();
  proxy = null;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function withFault(fault: Fault | null, extra: { holdMs?: number } = {}): Promise<TcpChaosProxy> {
  proxy = await TcpChaosProxy.start({
    target: { host: '127.0.0.1', port },
    mode: fault ? 'chaos' : 'pass',
    faultRate: 1,
    faults: fault ? [fault] : [],
    ...extra,
  });
  return proxy;
}

const post = (url: string, body: string, timeoutMs = 3000) =>
  fetch(`${url}/v1/x`, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });

describe('tcp chaos proxy', () => {
  it('passes requests through, several on one kept-alive connection', async () => {
    const p = await withFault(null);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (const n of [1, 2, 3]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request(`${p.url}/v1/x`, { method: 'POST', agent }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(`n=${n}`);
      });
      expect((JSON.parse(answer) as { echo: string }).echo).toBe(`n=${n}`);
    }
    agent.destroy();
    expect(received).toHaveLength(3);
    expect(p.stats()).toMatchObject({ requests: 3, connections: 1 });
    expect(p.faultsInjected()).toBe(0);
  });

  it('drop: the request never reaches the server and the caller sees a broken connection', async () => {
    const p = await withFault('drop');
    await expect(post(p.url, 'dropped')).rejects.toThrow();
    expect(received).toEqual([]);
    expect(p.stats().faults.drop).toBe(1);
  });

  it('reset-mid-answer: the server handled it, the caller gets a broken answer', async () => {
    const p = await withFault('reset-mid-answer');
    await expect(post(p.url, 'applied').then((r) => r.text())).rejects.toThrow();
    expect(received).toEqual(['POST /v1/x applied']);
  });

  it('hold-answer: the server handled it, the answer comes after the caller gave up', async () => {
    const p = await withFault('hold-answer', { holdMs: 1000 });
    await expect(post(p.url, 'late', 300).then((r) => r.text())).rejects.toThrow();
    expect(received).toEqual(['POST /v1/x late']);
  });

  it('delay: the request arrives late but whole', async () => {
    const p = await withFault('delay');
    const started = Date.now();
    const res = await post(p.url, 'slow');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(received).toEqual(['POST /v1/x slow']);
  });

  it('http-5xx and http-429 are answered by the proxy itself, 429 with Retry-After 0 or 1', async () => {
    const p5 = await withFault('http-5xx');
    const r5 = await post(p5.url, 'a');
    expect([500, 502, 503, 504]).toContain(r5.status);
    await p5.close();
    const p429 = await withFault('http-429');
    const r429 = await post(p429.url, 'b');
    expect(r429.status).toBe(429);
    expect(['0', '1']).toContain(r429.headers.get('retry-after'));
    expect(received).toEqual([]);
  });

  it('refuse: every connection is reset, also the kept-alive ones, until passing again', async () => {
    const p = await withFault(null);
    expect((await post(p.url, 'before')).status).toBe(200);
    p.setMode('refuse');
    await expect(post(p.url, 'during')).rejects.toThrow();
    expect(p.stats().refused).toBeGreaterThanOrEqual(1);
    p.setMode('pass');
    expect((await post(p.url, 'after')).status).toBe(200);
    expect(received.map((r) => r.split(' ')[2])).toEqual(['before', 'after']);
  });
});
