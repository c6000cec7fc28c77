import { defineConfig } from 'tsup';

// The script-tag bundle: one minified IIFE that assigns window.tapegrad, autograd bundled in
// from its TypeScript sources (so it needs no prior autograd build). Built after the ESM/CJS
// build, as a separate run, so neither run's clean step removes the other's files.
export default defineConfig({
  entry: { tapegrad: 'src/global.ts' },
  format: ['iife'],
  globalName: 'tapegrad',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  clean: false,
  dts: false,
  noExternal: [/^@tapegrad\//],
  outExtension: () => ({ js: '.min.js' }),
  esbuildOptions(options) {
    options.conditions = ['@tapegrad/source'];
  },
});
