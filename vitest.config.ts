import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources (the "@tapegrad/source" export
// condition), so tests run without a build.
const conditions = ['@tapegrad/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    // Tests that print figures or tables (and TensorFlow.js's Node banner in the bench tests)
    // stay quiet when they pass; a failing test still shows everything it printed.
    silent: 'passed-only',
    pool: 'forks',
  },
});
