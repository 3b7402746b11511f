// `loyalty-agent intents list|settle` and the status line, run in process against a real agent over
// its HTTP API (as store IT would, with the config file naming the agent's port and token).
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { decisionOf } from '../../src/cli/commands/intents.js';
import { run } from '../../src/cli/main.js';
import { printIntents, type RegisterAgent, saleTxs } from '../agent/register-sale-harness.js';
import { heldForReview, useRegisterSession } from '../agent/register-session.js';
import { writeAgentConfigFile } from '../helpers/agent-config-file.js';
import { TOKEN } from '../helpers/agent-harness.js';

const session = useRegisterSession('la-cli-intents-');
/** The config file the command line is given, in this test's data directory. */
const configFile = () => path.join(session.dir, 'agent.json');

/** Starts the agent and writes the config file the command line reads, naming its port. */
async function start(): Promise<RegisterAgent> {
  const t = await session.start();
  await writeConfig(Number(new URL(t.url).port));
  return t;
}

function writeConfig(port: number): Promise<string> {
  return writeAgentConfigFile(configFile(), {
    dataDir: session.dir,
    port,
    tokens: [{ token: TOKEN, tillId: 'till-1' }],
    register: { driver: 'simulator' },
  });
}

/** Runs the command line in process; what it prints to stdout and stderr, and its exit code. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await run([...argv, '--config', configFile()]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('loyalty-agent intents', () => {
  it('lists nothing when no print was interrupted, and status is calm', async () => {
    await start();
    const list = await cli('intents', 'list');
    expect(list).toMatchObject({ code: 0, out: 'No interrupted prints: nothing to check.' });
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.out).not.toContain('printing');
  });

  it('lists a held receipt, status asks for attention, settle --printed with the document confirms it', async () => {
    const ours = await heldForReview(session, 'r-cli');
    const t = await start();

    const list = await cli('intents', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toContain('r-cli  HELD FOR REVIEW  till till-1');
    expect(list.out).toContain('100,00');
    expect(list.out).toContain("register's last document");
    expect(list.out).toContain('intents settle RECEIPT_ID --printed|--not-printed');
    const json = JSON.parse((await cli('intents', 'list', '--json')).out) as { receiptId: string }[];
    expect(json.map((i) => i.receiptId)).toEqual(['r-cli']);

    const status = await cli('status');
    expect(status.code).toBe(1);
    expect(status.out).toContain('printing  1 receipt(s) held for review, 0 waiting for the register');
    expect(status.out).toContain("ATTENTION: receipts held for review — see 'loyalty-agent intents list'");

    // The last document is the keyboard sale: the agent asks for the receipt's own document.
    const guess = await cli('intents', 'settle', 'r-cli', '--printed');
    expect(guess.code).toBe(1);
    expect(guess.err).toContain('agent answered 409');
    expect(guess.err).toContain('fd, fp');
    expect(saleTxs(t, 'r-cli')).toHaveLength(0);

    const done = await cli(
      'intents',
      'settle',
      'r-cli',
      '--printed',
      '--fd',
      ours.fd,
      '--fp',
      ours.fp,
      '--at',
      ours.clock,
    );
    expect(done).toMatchObject({ code: 0, out: `Receipt r-cli confirmed with fiscal document ${ours.fd}.` });
    expect(saleTxs(t, 'r-cli')[0]!.fiscal).toEqual({
      fn: '9999078900012345',
      fd: ours.fd,
      fp: ours.fp,
      at: ours.clock,
    });
    // Idempotent: the same command again says the same and adds nothing.
    const again = await cli('intents', 'settle', 'r-cli', '--printed');
    expect(again).toMatchObject({ code: 0, out: `Receipt r-cli confirmed with fiscal document ${ours.fd}.` });
    expect(saleTxs(t, 'r-cli')).toHaveLength(1);
    expect((await cli('status')).code).toBe(0);
    expect((await cli('intents', 'list')).out).toBe('No interrupted prints: nothing to check.');
  });

  it('settle --not-printed cancels it; --printed afterwards is refused', async () => {
    await heldForReview(session, 'r-cli-no');
    const t = await start();
    const done = await cli('intents', 'settle', 'r-cli-no', '--not-printed');
    expect(done).toMatchObject({ code: 0, out: 'Receipt r-cli-no cancelled; its points hold is released.' });
    expect((await t.call<{ status: string }>('GET', '/v1/receipts/r-cli-no')).body.status).toBe('cancelled');
    expect((await printIntents(session.dir)).review).toEqual({});
    const opposite = await cli('intents', 'settle', 'r-cli-no', '--printed');
    expect(opposite.code).toBe(1);
    expect(opposite.err).toContain('уже отменён');
  });

  it('refuses wrong usage before asking the agent, and says when the agent does not answer', async () => {
    await writeConfig(1); // nothing listens there
    const cases: [string[], string][] = [
      [['intents', 'settle', 'r-1'], 'either --printed or --not-printed'],
      [['intents', 'settle', 'r-1', '--printed', '--not-printed'], 'either --printed or --not-printed'],
      [['intents', 'settle', '--printed'], 'exactly one receipt id'],
      [['intents', 'settle', 'r-1', 'r-2', '--printed'], 'exactly one receipt id'],
      [['intents', 'settle', 'r-1', '--printed', '--fd', '12'], '--fd and --fp go together'],
      [['intents', 'settle', 'r-1', '--not-printed', '--fd', '12', '--fp', '3'], 'go with --printed'],
      [['intents', 'settle', 'r-1', '--printed', '--bogus'], "Unknown option '--bogus'"],
      [['intents', 'forget'], 'unknown action "forget"'],
    ];
    for (const [argv, message] of cases) {
      const res = await cli(...argv);
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.err, argv.join(' ')).toContain(message);
    }
    const down = await cli('intents', 'list');
    expect(down.code).toBe(3);
    expect(down.err).toContain('does not answer');
  });
});

describe('decisionOf', () => {
  it('builds the request body from the flags', () => {
    expect(decisionOf(['r'], { printed: true })).toEqual({ outcome: 'printed' });
    expect(decisionOf(['r'], { 'not-printed': true })).toEqual({ outcome: 'not-printed' });
    expect(decisionOf(['r'], { printed: true, fd: '7', fp: '99', at: '2026-11-22T10:00:00' })).toEqual({
      outcome: 'printed',
      fiscal: { fd: '7', fp: '99', at: '2026-11-22T10:00:00' },
    });
  });
});
