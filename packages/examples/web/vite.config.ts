import { defineConfig, type Plugin } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** COOP/COEP: without them a page has no SharedArrayBuffer and tapegrad runs on one thread. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Fails the build when anything in the bundle imports a Node builtin. Vite's default is to swap
 * it for an empty stub with a warning, which turns a package bug into a runtime error in the page.
 */
function forbidNodeBuiltins(): Plugin {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'tapegrad:forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      const bare = source.split('/')[0]!;
      if (builtins.has(source) || builtins.has(bare) || source.startsWith('node:')) {
        this.error(
          `Node builtin "${source}" imported by ${importer ?? '(entry)'}; @tapegrad packages must stay browser-safe.`,
        );
      }
      return null;
    },
  };
}

// The workspace packages are bundled from their TypeScript sources (the "@tapegrad/source"
// export condition), so the page needs no prior package build.
export default defineConfig({
  root: here,
  base: './',
  // Keep Vite's dependency cache with the build output, not in a web/node_modules folder.
  cacheDir: fileURLToPath(new URL('../out/.vite-web', import.meta.url)),
  plugins: [forbidNodeBuiltins()],
  // The training worker imports the packages as ES modules, like the page.
  worker: { format: 'es', plugins: () => [forbidNodeBuiltins()] },
  resolve: { conditions: ['@tapegrad/source', 'browser', 'module', 'import', 'default'] },
  build: {
    outDir: fileURLToPath(new URL('../out/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  // Cross-origin isolation gives the page SharedArrayBuffer, so the kernels run on a worker pool.
  server: { host: '127.0.0.1', headers: ISOLATION },
  preview: { host: '127.0.0.1', headers: ISOLATION },
});
