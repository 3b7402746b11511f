// print-intents.json names receipts the register may have printed: it cannot be re-learned from the
// cloud, so when it is damaged and its backup copy too, the agent refuses to start (like a damaged
// journal segment) with a message naming the file and what to do — and touches nothing.
import { copyFile, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import { StoreCorruptError } from '../../src/storage/errors.js';
import { StateFileDamagedError } from '../../src/storage/file/state-file-damaged-error.js';
import { FileState } from '../../src/storage/index.js';
import { writeAgentConfigFile } from '../helpers/agent-config-file.js';
import { TOKEN } from '../helpers/agent-harness.js';
import { failNextConfirm } from './confirm-faults.js';
import { breadSale, printIntents } from './register-sale-harness.js';
import { useRegisterSession } from './register-session.js';

const session = useRegisterSession('la-intents-file-');
const { start } = session;
let dir = '';
let file = '';

beforeEach(() => {
  dir = session.dir;
  file = path.join(dir, 'print-intents.json');
});

/** Leaves an intent in print-intents.json (written twice, so its .bak exists too), then stops. */
async function leaveAnIntent(): Promise<void> {
  const t = await start();
  expect((await t.call('POST', '/v1/sales', breadSale('r-1'))).status).toBe(200);
  failNextConfirm(t);
  expect((await t.call('POST', '/v1/sales', breadSale('r-2'))).status).toBe(503);
  await session.crash(t);
  expect(Object.keys((await printIntents(dir)).printing)).toEqual(['r-2']);
}

describe('print-intents.json damaged', () => {
  it('without a good backup copy: the start is refused, naming the file and what to do', async () => {
    await leaveAnIntent();
    await writeFile(file, 'garbage after a disk fault');
    await writeFile(`${file}.bak`, '{"half":');
    const before = (await readdir(dir)).sort();

    const err = await start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateFileDamagedError);
    expect(err).toBeInstanceOf(StoreCorruptError); // so the CLI refuses it like a damaged journal
    const message = (err as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('refuses to start');
    expect(message).toContain('receipts whose printing began');
    expect(message).toContain('Move the file aside');
    expect((err as StateFileDamagedError).code).toBe('STORE_CORRUPT');

    // Nothing was moved or rewritten: the operator finds the file as it was.
    expect((await readdir(dir)).sort()).toEqual(before);
    expect(await readFile(file, 'utf8')).toBe('garbage after a disk fault');

    // Moved aside as the message says, the agent starts (the data directory was unlocked).
    await rename(file, `${file}.damaged`);
    await rm(`${file}.bak`);
    const t = await start();
    expect((await t.call('GET', '/v1/status')).status).toBe(200);
  });

  it('a missing file with a damaged backup copy is refused too', async () => {
    await leaveAnIntent();
    await rm(file);
    await writeFile(`${file}.bak`, 'garbage');
    await expect(start()).rejects.toBeInstanceOf(StateFileDamagedError);
  });

  it('a file of the wrong shape counts as damaged', async () => {
    const state = await FileState.open<unknown>(file, {
      logger: pino({ level: 'silent' }),
      defaults: () => ({}),
    });
    // A sound envelope around something that is not an intents document, in the file and the copy.
    await state.update((d) => Object.assign(d as object, { printing: ['r-1'] }));
    await state.update((d) => Object.assign(d as object, { printing: ['r-2'] }));
    await state.close();
    const err = await start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StateFileDamagedError);
    expect((err as Error).message).toContain(file);
  });

  it('with a good backup copy: recovered from it, logged, and its intent settled as usual', async () => {
    await leaveAnIntent();
    // The backup copy is the version before the last write; here it holds the same intent.
    await copyFile(file, `${file}.bak`);
    await writeFile(file, 'garbage');
    const t = await start();
    expect(
      t.logs.some(
        (l) => l.includes('recovered the previous version from its backup copy') && l.includes(file),
      ),
    ).toBe(true);
    // The backup copy held the intent; the register's last document settles it as printed.
    expect((await printIntents(dir)).printing).toEqual({});
    expect((await t.call<{ status: string }>('GET', '/v1/receipts/r-2')).body.status).toBe('confirmed');
  });

  it('`loyalty-agent start` stops with exit 3 and the message, no stack trace', async () => {
    await leaveAnIntent();
    await writeFile(file, 'garbage');
    await writeFile(`${file}.bak`, 'garbage');
    const config = await writeAgentConfigFile(path.join(dir, 'agent.json'), {
      dataDir: dir,
      logLevel: 'fatal',
      tokens: [{ token: TOKEN, tillId: 'till-1' }],
      register: { driver: 'simulator' },
    });
    const errors: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      errors.push(a.join(' '));
    });
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // Should it start after all, the race ends it instead of waiting for a signal for ever.
      const code = await Promise.race([
        run(['start', '--config', config]),
        new Promise<string>((r) => setTimeout(() => r('still running'), 10_000)),
      ]);
      if (code === 'still running') process.emit('SIGTERM');
      expect(code).toBe(3);
    } finally {
      error.mockRestore();
      stdout.mockRestore();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`loyalty-agent start: store file ${file} is damaged`);
    expect(errors[0]).toContain('Move the file aside');
    expect(errors[0]).not.toContain('    at ');
  });
});
