// Mutation testing (npm run test:mutation): StrykerJS changes the code that protects money one small
// edit at a time and runs the tests that cover it; a mutant that leaves them green marks a rule that
// could be deleted silently. Scope: the pure core, the till logic and the cloud's ingest.
// `MUTATE=src/domain/**/*.ts npm run test:mutation` narrows a run; the incremental file lets CI
// re-test only what changed since the committed report.
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const scope = process.env.MUTATE?.split(',') ?? [
  'src/domain/**/*.ts',
  'src/agent/**/*.ts',
  'src/cloud/ingest/**/*.ts',
];

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [...scope, '!src/**/*.d.ts', '!src/domain/index.ts'],
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 30,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
