// PointsHolds reads the cloud port's results: held, insufficient, and no answer at all.
import { describe, expect, it } from 'vitest';
import { PointsHolds } from '../../src/agent/points-holds.js';
import type { CloudGateway, CloudHoldResult } from '../../src/agent/ports.js';

const budget = { remainingMs: () => 500 };

function holdsAnswering(answer: () => Promise<CloudHoldResult>): PointsHolds {
  const cloud = { createHold: answer } as unknown as CloudGateway;
  return new PointsHolds({ cloud, ttlSec: 900, newId: () => 'h-1' });
}

describe('PointsHolds.place', () => {
  it('a placed hold is held under the id it was asked with', async () => {
    const holds = holdsAnswering(async () => ({
      kind: 'held',
      holdId: 'h-1',
      expiresAt: '2030-01-01T00:00:00Z',
    }));
    await expect(holds.place('r-1', 'c-1', 100, budget)).resolves.toEqual({ kind: 'held', holdId: 'h-1' });
  });

  it('too few points in the cloud is insufficient, not unreachable', async () => {
    const holds = holdsAnswering(async () => ({ kind: 'insufficient' }));
    await expect(holds.place('r-1', 'c-1', 100, budget)).resolves.toEqual({ kind: 'insufficient' });
  });

  it('no answer is unreachable, whatever the error carries', async () => {
    const failing = Object.assign(new Error('409'), { code: 'INSUFFICIENT_POINTS' });
    const holds = holdsAnswering(async () => Promise.reject(failing));
    await expect(holds.place('r-1', 'c-1', 100, budget)).resolves.toEqual({ kind: 'unreachable' });
  });
});
