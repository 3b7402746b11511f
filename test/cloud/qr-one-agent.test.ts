// The cloud's half of "a QR token serves one sale": the first agent that identifies by a token owns
// it until it expires; the same agent may ask again (identify, then calculate), another agent gets
// 400 QR_INVALID, the office only looks. Two agents racing with one token: one owner, every round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/cloud/store/customers.js';
import { together } from '../helpers/race.js';
import { AGENT_1, AGENT_2, startTestCloud, type TestCloud } from './harness.js';

let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
  await createCustomer(cloud.db, { id: 'qr-anna', name: 'Анна Котова' }, cloud.now());
});
afterAll(async () => {
  await cloud?.close();
});

async function issue(ttlSec = 120): Promise<string> {
  const res = await cloud.request<{ token: string }>('POST', '/v1/customers/qr-anna/qr', {
    body: { ttlSec },
  });
  expect(res.status).toBe(200);
  return res.body.token;
}

const identify = (key: string, qr: string) => cloud.request('POST', '/v1/identify', { key, body: { qr } });

describe('a QR token serves one agent in the cloud', () => {
  it('the agent that used it first may ask again; another agent is refused', async () => {
    const qr = await issue();
    expect((await identify(AGENT_1.key, qr)).status).toBe(200);
    expect((await identify(AGENT_1.key, qr)).status).toBe(200);
    const other = await identify(AGENT_2.key, qr);
    expect(other.status).toBe(400);
    expect(other.body.error?.code).toBe('QR_INVALID');
    // The refusal changed nothing: the first agent still owns it.
    expect((await identify(AGENT_1.key, qr)).status).toBe(200);
  });

  it('the office looks a token up without taking it', async () => {
    const qr = await issue();
    const office = await cloud.request('POST', '/v1/identify', { body: { qr } });
    expect(office.status).toBe(200);
    expect((await identify(AGENT_2.key, qr)).status).toBe(200);
    expect((await identify(AGENT_1.key, qr)).status).toBe(400);
  });

  it('two agents racing with one token: exactly one is answered, round after round', async () => {
    for (let round = 0; round < 20; round++) {
      const qr = await issue();
      const answers = await together(
        () => identify(AGENT_1.key, qr),
        () => identify(AGENT_2.key, qr),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    }
  });

  it('a claim ends with its token: expired claims are cleared, and the expired token is refused', async () => {
    const qr = await issue();
    expect((await identify(AGENT_1.key, qr)).status).toBe(200);
    const held = await cloud.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qr_token_uses');
    expect(held[0]!.n).toBeGreaterThan(0);
    // Every token so far lived 120 s.
    cloud.advance(121_000);
    // Any identify by QR clears what expired before it.
    const fresh = await issue();
    expect((await identify(AGENT_2.key, fresh)).status).toBe(200);
    const left = await cloud.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qr_token_uses');
    expect(left[0]!.n).toBe(1);
    expect((await identify(AGENT_1.key, qr)).body.error?.code).toBe('QR_INVALID');
  });
});
