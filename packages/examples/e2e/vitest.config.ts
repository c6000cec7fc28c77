import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// The browser end-to-end test only: kept out of the root `vitest run` (whose include is
// packages/*/test/**) because it needs a built page and a Chromium binary.
export default defineConfig({
  root: here,
  // Keep Vite's cache with the other build output rather than in a stray e2e/node_modules.
  cacheDir: fileURLToPath(new URL('../out/.vite-e2e', import.meta.url)),
  test: {
    include: ['browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: fileURLToPath(new URL('../out/browser-vitest.json', import.meta.url)) },
  },
});
