import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CachedCustomer } from '../../src/protocol/sync.js';
import { HttpCloudGateway } from '../../src/sync/cloud-gateway.js';
import { CloudCallError, CloudProtocolError } from '../../src/sync/errors.js';
import { CloudHttp } from '../../src/sync/http-client.js';
import { FakeCloud, KEY } from './fakes/fake-cloud.js';

let cloud: FakeCloud;
let gateway: HttpCloudGateway;

const anna: CachedCustomer = {
  id: 'c-1',
  cards: ['2000000000015'],
  displayName: 'Анна',
  tierId: 'silver',
  periodSpend: 600_000,
  balance: { available: 1200, pending: 0 },
  updatedAt: '2026-11-01T00:00:00Z',
};

beforeEach(async () => {
  cloud = await FakeCloud.start();
  gateway = new HttpCloudGateway(new CloudHttp({ baseUrl: cloud.url, key: KEY }), { deadlineMs: 300 });
});
afterEach(async () => {
  await cloud.close();
});

describe('HttpCloudGateway.identify', () => {
  it('returns the customer the cloud found, sending only the one key given', async () => {
    cloud.script('identify', () => ({ customer: anna }));
    await expect(gateway.identify({ card: '2000000000015' })).resolves.toEqual({
      kind: 'found',
      lookup: { customer: anna },
    });
    expect(cloud.callsTo('identify')[0]!.body).toEqual({ card: '2000000000015' });
  });

  it('answers unknown on 404', async () => {
    await expect(gateway.identify({ phone: '+79991234567' })).resolves.toEqual({ kind: 'unknown' });
  });

  it('answers refused when the cloud refuses a QR token (400 QR_INVALID)', async () => {
    cloud.script('identify', (_req, reply) =>
      reply.status(400).send({ error: { code: 'QR_INVALID', message: 'used at another till' } }),
    );
    await expect(gateway.identify({ qr: 'token' })).resolves.toEqual({ kind: 'refused' });
  });

  it('rejects any other 400 to a QR token as a fault, not a refusal', async () => {
    cloud.script('identify', (_req, reply) => reply.status(400).send({ error: { code: 'VALIDATION' } }));
    await expect(gateway.identify({ qr: 'token' })).rejects.toBeInstanceOf(CloudProtocolError);
  });

  it('rejects a malformed customer rather than passing it to the till', async () => {
    cloud.script('identify', () => ({ customer: { ...anna, balance: { available: '12' } } }));
    await expect(gateway.identify({ card: '1' })).rejects.toBeInstanceOf(CloudProtocolError);
  });

  it('rejects within the deadline when the cloud hangs', async () => {
    cloud.script('identify', (_req, reply) => cloud.trickle(reply));
    const started = Date.now();
    await expect(gateway.identify({ card: '1' })).rejects.toBeInstanceOf(CloudCallError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits only what is left of the request budget, and does not call once it is spent', async () => {
    cloud.script('identify', (_req, reply) => cloud.trickle(reply));
    const patient = new HttpCloudGateway(new CloudHttp({ baseUrl: cloud.url, key: KEY }), {
      deadlineMs: 3000,
    });
    const started = performance.now();
    await expect(patient.identify({ card: '1' }, { remainingMs: () => 100 })).rejects.toBeInstanceOf(
      CloudCallError,
    );
    // Its own deadline is 3 s; the budget's 100 ms wins (with room for a busy machine).
    expect(performance.now() - started).toBeLessThan(1500);
    const sent = cloud.callsTo('identify').length;
    await expect(gateway.identify({ card: '1' }, { remainingMs: () => 0 })).rejects.toBeInstanceOf(
      CloudCallError,
    );
    await expect(gateway.checkCoupons({ codes: ['X'] }, { remainingMs: () => 0 })).rejects.toBeInstanceOf(
      CloudCallError,
    );
    await expect(
      gateway.createHold(
        { holdId: 'h', customerId: 'c', points: 1, receiptId: 'r', ttlSec: 60 },
        { remainingMs: () => 0 },
      ),
    ).rejects.toBeInstanceOf(CloudCallError);
    await expect(gateway.releaseHold('h', { remainingMs: () => 0 })).rejects.toBeInstanceOf(CloudCallError);
    expect(cloud.callsTo('identify')).toHaveLength(sent);
    expect(cloud.callsTo('coupons')).toHaveLength(0);
    expect(cloud.callsTo('holds')).toHaveLength(0);
    expect(cloud.callsTo('releaseHold')).toHaveLength(0);
  });

  it('refuses an empty query without calling the cloud', async () => {
    await expect(gateway.identify({})).rejects.toThrow(TypeError);
    expect(cloud.callsTo('identify')).toHaveLength(0);
  });
});

describe('HttpCloudGateway holds', () => {
  const hold = { holdId: 'h-1', customerId: 'c-1', points: 100, receiptId: 'r-1', ttlSec: 900 };

  it('places a hold', async () => {
    await expect(gateway.createHold(hold)).resolves.toEqual({
      kind: 'held',
      holdId: 'h-1',
      expiresAt: '2030-01-01T00:00:00Z',
    });
    expect(cloud.callsTo('holds')[0]!.body).toEqual(hold);
  });

  it('answers insufficient on 409 INSUFFICIENT_POINTS', async () => {
    cloud.script('holds', (_req, reply) =>
      reply
        .status(409)
        .send({ error: { code: 'INSUFFICIENT_POINTS', message: 'only 50 points can be held' } }),
    );
    await expect(gateway.createHold(hold)).resolves.toEqual({ kind: 'insufficient' });
  });

  it('rejects (not "insufficient") when the cloud fails', async () => {
    cloud.script('holds', (_req, reply) => reply.status(500).send({}));
    const err = await gateway.createHold(hold).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudCallError);
  });

  it('releases a hold by id, a missing one counting as released', async () => {
    await gateway.releaseHold('h 1/x');
    expect(cloud.callsTo('releaseHold')).toHaveLength(1);
    cloud.script('releaseHold', (_req, reply) => reply.status(404).send({}));
    await expect(gateway.releaseHold('gone')).resolves.toBeUndefined();
  });
});

describe('HttpCloudGateway codes and coupons', () => {
  it('requests a code (202)', async () => {
    await gateway.requestCode({ customerId: 'c-1', receiptId: 'r-1' });
    expect(cloud.callsTo('codes')[0]!.body).toEqual({ customerId: 'c-1', receiptId: 'r-1' });
  });

  it('verifies a code: 200 → true, 403 → false, 500 → rejects', async () => {
    const q = { customerId: 'c-1', receiptId: 'r-1', code: '1234' };
    await expect(gateway.verifyCode(q)).resolves.toBe(true);
    cloud.script('verify', (_req, reply) => reply.status(403).send({ code: 'CODE_WRONG' }));
    await expect(gateway.verifyCode(q)).resolves.toBe(false);
    cloud.script('verify', (_req, reply) => reply.status(500).send({}));
    await expect(gateway.verifyCode(q)).rejects.toBeInstanceOf(CloudCallError);
  });

  it('checks coupons, reading statuses it does not know as unknown', async () => {
    cloud.script('coupons', () => ({
      coupons: [
        { code: 'A10', status: 'valid', percent: 10 },
        { code: 'B', status: 'blocked' },
      ],
    }));
    await expect(gateway.checkCoupons({ codes: ['A10', 'B'], customerId: 'c-1' })).resolves.toEqual([
      { code: 'A10', status: 'valid', percent: 10 },
      { code: 'B', status: 'unknown' },
    ]);
  });

  it('rejects a coupon answer with a fractional amount (money is integer kopecks)', async () => {
    cloud.script('coupons', () => ({ coupons: [{ code: 'A', status: 'valid', amount: 10.5 }] }));
    await expect(gateway.checkCoupons({ codes: ['A'] })).rejects.toBeInstanceOf(CloudProtocolError);
  });
});
