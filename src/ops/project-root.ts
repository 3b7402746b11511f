// The project root (where package.json is), found by walking up from this file: the same answer
// from src/ (vitest) and from dist/src/ (the built CLI).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function findProjectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the loyalty-agent project root (package.json)');
    dir = up;
  }
  root = dir;
  return dir;
}
