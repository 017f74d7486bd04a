import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // `*.win32.test.ts` asserts enforcement on a real Windows host; elsewhere it is not collected
    // at all, because CI counts a skipped test as a failure (scripts/ci-summary.js).
    exclude: ['test/bench/**', 'node_modules/**', ...(process.platform === 'win32' ? [] : ['test/**/*.win32.test.ts'])],
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
