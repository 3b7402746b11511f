// Temp files are written beside their target as `.<name>.<pid>.<rand>.tmp` and renamed over it;
// one left behind by a crash is garbage (the target still holds the last good version).
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Deletes stray temp files in `dir` (not recursive); returns their names. Missing dir = none. */
export async function removeStrayTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const stray = names.filter(isTempFileName);
  await Promise.all(stray.map((n) => rm(join(dir, n), { force: true })));
  return stray;
}
