import { describe, expect, it } from 'vitest';
import { enqueueFileOperation, fileOperationsIdle } from '../../src/storage/file/write-queue.js';

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return { done, release };
}

describe('per-file write queue', () => {
  it('never runs two operations on one path at once, and skips the superseded ones', async () => {
    const ran: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const gate = deferred();
    const op = (name: string, wait?: Promise<void>) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      ran.push(name);
      await (wait ?? Promise.resolve());
      running--;
    };
    const a = enqueueFileOperation('/q/one', op('a', gate.done));
    const b = enqueueFileOperation('/q/one', op('b'));
    const c = enqueueFileOperation('/q/one', op('c'));
    gate.release();
    await Promise.all([a, b, c]);
    expect(ran).toEqual(['a', 'c']);
    expect(maxRunning).toBe(1);
  });

  it('rejects only the waiters of a failed operation; the queue goes on', async () => {
    const gate = deferred();
    const first = enqueueFileOperation('/q/two', async () => {
      await gate.done;
      throw new Error('disk full');
    });
    let secondRan = false;
    const second = enqueueFileOperation('/q/two', async () => {
      secondRan = true;
    });
    gate.release();
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBeUndefined();
    expect(secondRan).toBe(true);
    await fileOperationsIdle('/q/two');
  });

  it('lets different paths proceed independently', async () => {
    const gate = deferred();
    const blocked = enqueueFileOperation('/q/three', () => gate.done);
    let otherDone = false;
    await enqueueFileOperation('/q/four', async () => {
      otherDone = true;
    });
    expect(otherDone).toBe(true);
    gate.release();
    await blocked;
  });
});
