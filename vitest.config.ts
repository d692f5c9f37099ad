import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['spec/**/*.test.ts', 'model/**/*.test.ts', 'conformance/**/*.test.ts', 'reports/**/*.test.ts', 'cli/**/*.test.ts'],
    // The JSON report is what .ci/run counts its closing line from.
    reporters: ['default', ['json', { outputFile: 'reports/out/test-results.json' }]],
    testTimeout: 30_000,
  },
});
