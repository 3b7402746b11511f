// Files that ship beside the code (the central page, the demo data) are found by walking up from
// this module to the project root, so the same lookup works from src/ and from the compiled dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findProjectFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`cannot find ${relative} above ${dirname(fileURLToPath(import.meta.url))}`);
}
