// KeyedLock: one task at a time per key in arrival order, a task's own nested calls on keys it holds
// run at once (a register sale calculates and confirms its own receipt), and nothing is kept after.
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../src/agent/keyed-lock.js';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedLock', () => {
  it('runs tasks of one key one at a time, in arrival order; other keys do not wait', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`${name}+`);
      await tick(ms);
      events.push(`${name}-`);
      return name;
    };
    const all = await Promise.all([
      lock.run(['r1'], task('a', 20)),
      lock.run(['r1'], task('b', 1)),
      lock.run(['r2'], task('c', 1)),
      lock.run(['r1', 'x'], task('d', 1)),
    ]);
    expect(all).toEqual(['a', 'b', 'c', 'd']);
    // c (another key) ran while a held r1; b and d waited for a, in order.
    expect(events.indexOf('c-')).toBeLessThan(events.indexOf('a-'));
    expect(events.filter((e) => !e.startsWith('c'))).toEqual(['a+', 'a-', 'b+', 'b-', 'd+', 'd-']);
    expect(lock.size).toBe(0);
  });

  it('a failing task releases its keys; the next one runs', async () => {
    const lock = new KeyedLock();
    const failed = lock.run(['r'], async () => {
      await tick();
      throw new Error('disk full');
    });
    const next = lock.run(['r'], async () => 'ran');
    await expect(failed).rejects.toThrow('disk full');
    await expect(next).resolves.toBe('ran');
    expect(lock.size).toBe(0);
  });

  it('a task calling a locked operation on a key it holds runs it at once, not after itself', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const outer = lock.run(['r'], async () => {
      await tick();
      // Without re-entry this would wait for the outer task, which waits for it: a deadlock.
      const inner = await lock.run(['r'], async () => {
        order.push('inner');
        return 'inner-done';
      });
      order.push('outer');
      return inner;
    });
    const other = lock.run(['r'], async () => {
      order.push('other');
    });
    await expect(outer).resolves.toBe('inner-done');
    await other;
    expect(order).toEqual(['inner', 'outer', 'other']);
    expect(lock.size).toBe(0);
  });

  it('work a task left running after it ended holds nothing: it waits like anyone else', async () => {
    const lock = new KeyedLock();
    let leftBehind: Promise<string> | undefined;
    let release!: () => void;
    await lock.run(['r'], async () => {
      leftBehind = (async () => {
        await tick(10);
        return lock.run(['r'], async () => 'late');
      })();
    });
    const blocker = lock.run(
      ['r'],
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('blocker');
        }),
    );
    let lateDone = false;
    void leftBehind!.then(() => {
      lateDone = true;
    });
    await tick(30);
    expect(lateDone).toBe(false); // it waits for the blocker although it began inside the first task
    release();
    await expect(blocker).resolves.toBe('blocker');
    await expect(leftBehind!).resolves.toBe('late');
    expect(lock.size).toBe(0);
  });
});
