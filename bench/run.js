#!/usr/bin/env node
// `npm run bench`: compiles the benchmarks (and the sources they import) with tsconfig.bench.json
// into .data/bench-build, then runs them all in one child process that writes docs/BENCHMARKS.md.
// Arguments pass through (`npm run bench -- --quick`, `--out FILE`, `--data DIR`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const main = fileURLToPath(new URL('../.data/bench-build/bench/main.js', import.meta.url));

console.log('[bench] compiling with tsconfig.bench.json');
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], {
  cwd: root,
  stdio: 'inherit',
});
// Type errors elsewhere in a shared checkout do not stop the emit; a missing output does.
if (build.status !== 0) console.warn(`[bench] tsc exited with ${build.status}; running what it emitted`);
if (!existsSync(main)) {
  console.error(`[bench] ${main} was not produced`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--expose-gc', main, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
