// A long cloud outage, then a flapping link: three tills confirm thousands of sales (their times
// spread over three days) while the cloud is unreachable; then the link to the reference cloud
// (a child process on PGlite, behind a TCP proxy the test cuts) comes and goes, tearing syncs
// mid-flight. In the end the cloud holds every sale exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, spawnAgent } from '../helpers/agent-process.js';
import { TILLS, writeAgentConfig } from './support/agent-config.js';
import { type CloudProcess, cloudReceipts, spawnCloud, writeCloudConfig } from './support/cloud-process.js';
import { printFigures, size } from './support/env.js';
import { FlakyLink } from './support/tcp-proxy.js';
import { saleLines, TillClient, waitFor } from './support/till-client.js';

const QUEUED = size(2_000, 10_000);
const OUTAGE_MS = 3 * 24 * 3600_000;

let dir = '';
let cloud: CloudProcess | null = null;
let agent: AgentProcess | null = null;
let link: FlakyLink | null = null;

afterAll(async () => {
  await link?.down();
  if (agent && agent.child.exitCode === null) {
    agent.child.kill('SIGTERM');
    await agent.exited;
  }
  await cloud?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cloud outage, then a flapping link', () => {
  it(`delivers ${QUEUED} queued sales exactly once`, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'la-chaos-outage-'));
    cloud = await spawnCloud(await writeCloudConfig(dir));
    const target = new URL(cloud.url);
    link = new FlakyLink(target.hostname, Number(target.port));
    await link.reserve(); // the cloud's address is known, but nothing answers there
    agent = await spawnAgent(['start', '--config', await writeAgentConfig(dir, { cloudUrl: link.url })]);
    const tills = TILLS.map((t) => new TillClient(agent!.url, t.token));

    const started = Date.now() - OUTAGE_MS;
    const confirmed = new Set<string>();
    let next = 0;
    await Promise.all(
      tills.map(async (till) => {
        for (let n = next++; n < QUEUED; n = next++) {
          const receiptId = `outage-${n}`;
          const at = new Date(started + Math.floor((n * OUTAGE_MS) / QUEUED)).toISOString();
          const calc = await till.call('POST', '/v1/receipts/calculate', { receiptId, at, lines: saleLines });
          expect(calc.status, JSON.stringify(calc.body)).toBe(200);
          const conf = await till.call('POST', `/v1/receipts/${receiptId}/confirm`, {});
          expect(conf.status, JSON.stringify(conf.body)).toBe(200);
          confirmed.add(receiptId);
        }
      }),
    );
    const offline = await tills[0]!.call<{ queue: { pending: number }; cloud: { state: string } }>(
      'GET',
      '/v1/status',
    );
    expect(offline.body.queue.pending).toBe(QUEUED);
    expect(offline.body.cloud.state).not.toBe('online');

    // The link flaps until the queue is empty: up for 0.1–1 s, down for 0.1–0.8 s. Many windows
    // are shorter than a batch of 500 takes to land, so syncs are torn mid-flight; the agent drains
    // thousands per second, and windows of seconds emptied the queue in one or two.
    const deadline = Date.now() + size(150_000, 480_000);
    let pending = QUEUED;
    while (pending > 0 && Date.now() < deadline) {
      await link.up();
      await tills[0]!.call('POST', '/v1/sync');
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 900));
      await link.down();
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 700));
      pending = (await tills[0]!.call<{ queue: { pending: number } }>('GET', '/v1/status')).body.queue
        .pending;
    }
    await link.up();
    const drained = await waitFor(
      'the last of the queue',
      () => tills[0]!.call<{ queue: { pending: number; deadLetter: number } }>('GET', '/v1/status'),
      (s) => s.body.queue.pending === 0,
      120_000,
    );
    expect(drained.body.queue.deadLetter).toBe(0);

    const counts = new Map<string, number>();
    for (const r of await cloudReceipts(cloud)) counts.set(r.receiptId, (counts.get(r.receiptId) ?? 0) + 1);
    const lost = [...confirmed].filter((id) => !counts.has(id));
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    printFigures('cloud outage + flapping link', {
      operations: QUEUED,
      faults: link.cuts,
      inCloud: counts.size,
      lost: lost.length,
      duplicated: duplicated.length,
    });
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(counts.size).toBe(QUEUED);
    expect(link.cuts).toBeGreaterThan(2);
  }, 900_000);
});
