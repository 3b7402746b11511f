// The suite StrykerJS runs against each mutant (npm run test:mutation): the in-process tests of the
// pure core, the till logic and the cloud's ingest. Tests that spawn processes, open serial ptys or
// drive a browser test the same code through slower doors and are left to `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // MUTATION_TESTS=test/domain narrows the suite for a run that mutates only the core.
    include: (process.env.MUTATION_TESTS?.split(',') ?? ['test/domain', 'test/agent', 'test/cloud']).map(
      (dir) => `${dir}/**/*.test.ts`,
    ),
    exclude: ['test/agent/kill.test.ts', '**/*.browser.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
