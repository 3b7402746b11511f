// drivers/ is a leaf: serial devices only, importing nothing from src/ (or tests), so a driver can be
// lifted out or reused without the agent. Read from the source text, every static and dynamic import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const driversDir = join(root, 'drivers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of `from '…'`, `import '…'` and `import('…')` in the text. */
function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

describe('drivers/ is a leaf', () => {
  it('finds the imports it checks (static, side-effect and dynamic)', () => {
    const text =
      "import a from './a.js';\nimport './b.js';\nconst c = await import('../c.js');\nexport { d } from 'node:fs';";
    expect(importSpecifiers(text).sort()).toEqual(['../c.js', './a.js', './b.js', 'node:fs']);
  });

  it('no file under drivers/ imports anything outside drivers/', () => {
    const files = sourceFiles(driversDir);
    expect(files.length).toBeGreaterThan(40);
    const outside: string[] = [];
    for (const file of files) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue; // node: built-ins and packages
        const target = resolve(dirname(file), spec);
        if (relative(driversDir, target).startsWith('..')) outside.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
