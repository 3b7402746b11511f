// The floor of a durable write on this disk, measured by hand: a transaction-sized file written and
// fsync'd (plain), or written to a temp name, fsync'd, renamed over and the directory fsync'd
// (atomic: what any store that never leaves a half-written file must pay).
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../../src/storage/file/fsync-dir.js';
import { msSince } from './stats.js';

export type RawWrite = () => Promise<number>;

/** Returns a function doing one durable write of `bytes`; it resolves to the milliseconds it took. */
export async function rawDurableWriter(dir: string, bytes: Buffer, atomic: boolean): Promise<RawWrite> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, atomic ? 'atomic.json' : 'plain.json');
  return async () => {
    const start = process.hrtime.bigint();
    const path = atomic ? `${target}.tmp` : target;
    const fh = await open(path, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (atomic) {
      await rename(path, target);
      await fsyncDir(dir);
    }
    return msSince(start);
  };
}
