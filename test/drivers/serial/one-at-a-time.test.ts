// OneAtATime, the drivers' one promise queue: order, isolation of failures, no overlap under concurrent callers.
import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../../drivers/serial/one-at-a-time.js';

/** A promise the test settles by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('OneAtATime', () => {
  it('starts a piece only after the one before it has settled, in the order asked', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const first = gate();
    const a = queue.run(async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = queue.run(() => {
      log.push('b');
      return 'b';
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log).toEqual(['a start']);
    first.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('gives a failure to its own caller only and goes on with the next piece', async () => {
    const queue = new OneAtATime();
    const failing = queue.run(async () => {
      throw new Error('port gone');
    });
    const next = queue.run(async () => 42);
    await expect(failing).rejects.toThrow('port gone');
    await expect(next).resolves.toBe(42);
  });

  it('never runs two pieces at once, over many rounds of concurrent callers', async () => {
    const queue = new OneAtATime();
    for (let round = 0; round < 50; round++) {
      let running = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          queue.run(async () => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setImmediate(resolve));
            order.push(i);
            running--;
            if (i % 7 === 3) throw new Error(`piece ${i} fails`);
          }),
        ),
      );
      expect(most).toBe(1);
      expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  });

  it('idle() waits for what was asked before it, also when that failed', async () => {
    const queue = new OneAtATime();
    const slow = gate();
    let done = false;
    const piece = queue.run(async () => {
      await slow.promise;
      done = true;
      throw new Error('late failure');
    });
    piece.catch(() => undefined);
    const idle = queue.idle().then(() => done);
    slow.open();
    await expect(idle).resolves.toBe(true);
  });
});
