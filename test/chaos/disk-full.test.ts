// Disk full while confirming: the agent's data directory is a 2 MB tmpfs, filled up by another
// file while three tills keep confirming. Every refused write answers the till a clear 507
// STORAGE_FULL (never a bare 500), nothing half-written survives, and once space is freed the
// agent works again — before and after a restart — with every 200-confirmed receipt there once.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentProcess, spawnAgent } from '../helpers/agent-process.js';
import { TILLS, writeAgentConfig } from './support/agent-config.js';
import { printFigures } from './support/env.js';
import { saleLines, TillClient } from './support/till-client.js';

let base = '';
let mounted = '';
let agent: AgentProcess | null = null;

afterAll(async () => {
  if (agent && agent.child.exitCode === null) {
    agent.child.kill('SIGKILL');
    await agent.exited;
  }
  if (mounted) execFileSync('umount', [mounted]);
  if (base) await rm(base, { recursive: true, force: true });
});

function tryMount(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0] ?? 'mount failed';
  }
}

async function stopAgent(a: AgentProcess): Promise<void> {
  a.child.kill('SIGTERM');
  expect(await a.exited).toBe(0);
}

/** Every 200-confirmed receipt is confirmed and in the outbox exactly once. */
async function verify(client: TillClient, confirmed: Set<string>) {
  const q = await client.call<{ entries: { receiptId: string; kind: string }[] }>(
    'GET',
    '/v1/queue?state=pending&limit=5000',
  );
  expect(q.status).toBe(200);
  const counts = new Map<string, number>();
  for (const e of q.body.entries)
    if (e.kind === 'sale') counts.set(e.receiptId, (counts.get(e.receiptId) ?? 0) + 1);
  const lost = [...confirmed].filter((id) => !counts.has(id));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  for (const id of confirmed) {
    const r = await client.call<{ status: string }>('GET', `/v1/receipts/${id}`);
    expect(r.body.status, `receipt ${id}`).toBe('confirmed');
  }
  return { lost, duplicated, queued: counts.size };
}

describe('disk full while confirming', () => {
  it('answers 507 STORAGE_FULL, keeps every confirmed receipt, and recovers once space is freed', async (ctx) => {
    base = await mkdtemp(path.join(tmpdir(), 'la-chaos-disk-'));
    const mnt = path.join(base, 'mnt');
    await mkdir(mnt);
    const why = tryMount(mnt);
    if (why) {
      console.warn(`[chaos] disk full: skipped, cannot mount a tmpfs here (${why}); it needs root`);
      ctx.skip();
      return;
    }
    mounted = mnt;
    const config = await writeAgentConfig(base, { dataDir: path.join(mnt, 'data') });
    agent = await spawnAgent(['start', '--config', config]);
    const tills = TILLS.map((t) => new TillClient(agent!.url, t.token));

    // Leave about 200 KB free: a few dozen receipts fit, then the disk is full.
    const free = await statfs(mnt);
    const filler = path.join(mnt, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 200 * 1024)));

    const confirmed = new Set<string>();
    const statuses = new Map<string, number>();
    const badAnswers: string[] = [];
    let refused = 0;
    let attempts = 0;
    const count = (what: string, status: number, body: unknown) => {
      const key = `${what} ${status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (status === 200) return;
      const code = (body as { error?: { code?: string; message?: string } }).error;
      if (status === 507 && code?.code === 'STORAGE_FULL' && (code.message ?? '').length > 10) refused += 1;
      else badAnswers.push(`${what} ${status} ${JSON.stringify(body)}`);
    };
    for (let i = 0; refused < 30 && i < 2000; i++) {
      await Promise.all(
        tills.map(async (till, t) => {
          const receiptId = `full-${i}-${t}`;
          attempts += 1;
          const calc = await till.call('POST', '/v1/receipts/calculate', { receiptId, lines: saleLines });
          count('calculate', calc.status, calc.body);
          if (calc.status !== 200) return;
          const conf = await till.call('POST', `/v1/receipts/${receiptId}/confirm`, {});
          count('confirm', conf.status, conf.body);
          if (conf.status === 200) confirmed.add(receiptId);
        }),
      );
    }
    expect(badAnswers, 'answers other than 200 or 507 STORAGE_FULL').toEqual([]);
    expect(refused, 'the disk really filled up').toBeGreaterThanOrEqual(30);
    expect(confirmed.size).toBeGreaterThan(0);

    // Space back: the same agent serves again without a restart.
    await unlink(filler);
    const after = await tills[0]!.call('POST', '/v1/receipts/calculate', {
      receiptId: 'after-free',
      lines: saleLines,
    });
    expect(after.status).toBe(200);
    expect((await tills[0]!.call('POST', '/v1/receipts/after-free/confirm', {})).status).toBe(200);
    confirmed.add('after-free');
    const live = await verify(tills[0]!, confirmed);

    // And a restart finds nothing half-written.
    await stopAgent(agent);
    agent = await spawnAgent(['start', '--config', config]);
    const restarted = await verify(new TillClient(agent.url, TILLS[0]!.token), confirmed);
    await stopAgent(agent);

    printFigures('disk full', {
      operations: attempts,
      faults: refused,
      confirmed: confirmed.size,
      lost: restarted.lost.length,
      duplicated: restarted.duplicated.length,
      statuses: JSON.stringify(Object.fromEntries(statuses)),
    });
    expect(live.lost).toEqual([]);
    expect(live.duplicated).toEqual([]);
    expect(restarted.lost).toEqual([]);
    expect(restarted.duplicated).toEqual([]);
    expect(restarted.queued).toBe(confirmed.size);
  }, 300_000);
});
