import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-setup.ts'],
    // `npm test` lists every skipped test, with its reason, at the end (CI passes its own reporters).
    reporters: ['default', './test/helpers/skip-summary-reporter.ts'],
    benchmark: {
      include: ['test/bench/**/*.bench.ts'],
    },
  },
});
