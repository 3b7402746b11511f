import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudCallError } from '../../src/sync/errors.js';
import { type CallOutcome, CloudHttp } from '../../src/sync/http-client.js';
import { AGENT_ID, FakeCloud, KEY } from './fakes/fake-cloud.js';

let cloud: FakeCloud;
let outcomes: CallOutcome[];

function client(overrides: { key?: string; idleTimeoutMs?: number } = {}): CloudHttp {
  return new CloudHttp({
    baseUrl: `${cloud.url}/`,
    key: overrides.key ?? KEY,
    idleTimeoutMs: overrides.idleTimeoutMs ?? 10_000,
    onOutcome: (o) => outcomes.push(o),
  });
}

beforeEach(async () => {
  cloud = await FakeCloud.start();
  outcomes = [];
});
afterEach(async () => {
  await cloud.close();
});

const heartbeat = {
  method: 'POST' as const,
  path: `/v1/agents/${AGENT_ID}/heartbeat`,
  body: {},
  deadlineMs: 2000,
};

describe('CloudHttp', () => {
  it('sends the store key as a Bearer token and returns the answer', async () => {
    const res = await client().call(heartbeat);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true });
    expect(cloud.callsTo('heartbeat')[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(outcomes).toEqual([{ ok: true }]);
  });

  it('rejects a wrong key as fatal (no endless retries) and reports the failure', async () => {
    const err = await client({ key: 'wrong' })
      .call(heartbeat)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudCallError);
    expect((err as CloudCallError).classification).toMatchObject({ verdict: 'fatal', status: 401 });
    expect(outcomes).toEqual([{ ok: false, classification: expect.objectContaining({ status: 401 }) }]);
  });

  it('honours the hard deadline even when the cloud keeps the socket busy', async () => {
    // The cloud sends a byte every 50 ms and never finishes: the 10 s idle timeout never fires.
    cloud.script('heartbeat', (_req, reply) => cloud.trickle(reply));
    const started = Date.now();
    const err = await client({ idleTimeoutMs: 10_000 })
      .call({ ...heartbeat, deadlineMs: 300 })
      .catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(CloudCallError);
    expect((err as CloudCallError).classification.verdict).toBe('retry');
    expect((err as CloudCallError).message).toContain('300 ms');
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(1500);
  });

  it('treats a 5xx with Retry-After as retry with the pause', async () => {
    cloud.script('heartbeat', (_req, reply) => reply.status(503).header('retry-after', '4').send({}));
    const err = (await client()
      .call(heartbeat)
      .catch((e: unknown) => e)) as CloudCallError;
    expect(err.classification).toMatchObject({ verdict: 'retry', status: 503, retryAfterMs: 4000 });
  });

  it('answers an expected non-2xx status instead of failing', async () => {
    const res = await client().call({
      method: 'POST',
      path: '/v1/identify',
      body: { card: '1' },
      deadlineMs: 2000,
      expect: [404],
    });
    expect(res.status).toBe(404);
    expect(outcomes).toEqual([{ ok: true }]);
  });

  it('classifies a broken connection as retry', async () => {
    cloud.script('heartbeat', (_req, reply) => cloud.breakConnection(reply));
    const err = (await client()
      .call(heartbeat)
      .catch((e: unknown) => e)) as CloudCallError;
    expect(err).toBeInstanceOf(CloudCallError);
    expect(err.classification.verdict).toBe('retry');
  });

  it('classifies a refused connection as retry', async () => {
    const url = cloud.url;
    await cloud.close();
    const http = new CloudHttp({ baseUrl: url, key: KEY, onOutcome: (o) => outcomes.push(o) });
    const err = (await http.call(heartbeat).catch((e: unknown) => e)) as CloudCallError;
    expect(err.classification.verdict).toBe('retry');
    expect(err.message).toContain('ECONNREFUSED');
    cloud = await FakeCloud.start(); // for afterEach
  });

  it('does not blame the cloud for a call the agent cancelled itself', async () => {
    cloud.script('heartbeat', (_req, reply) => cloud.trickle(reply));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = (await client()
      .call({ ...heartbeat, signal: controller.signal })
      .catch((e: unknown) => e)) as CloudCallError;
    expect(err).toBeInstanceOf(CloudCallError);
    expect(outcomes).toEqual([]);
  });
});
