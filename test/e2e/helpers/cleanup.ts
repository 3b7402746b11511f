// What an end-to-end test started (processes, proxies, temp dirs, database schemas) is undone in
// reverse order when the test file ends — also when an assertion failed halfway through.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = [];

  /** Registers an undo step; steps run last-in, first-out. */
  defer(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn });
  }

  /** A temp directory removed at the end. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    this.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs every step even if some fail; throws the failures together at the end. */
  async run(): Promise<void> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.fn();
      } catch (err) {
        failures.push(`${step.what}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`clean-up failed:\n${failures.join('\n')}`);
  }
}
