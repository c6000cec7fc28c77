/**
 * Runs a TypeScript script in a fresh Node process (through tsx's loader, with the workspace
 * source condition), for the tests that need a separate process: determinism across processes,
 * and leak checks with --expose-gc.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** tsx (a dev dependency of this package) runs the TypeScript scripts without a build. */
function tsxLoader(): string {
  const require = createRequire(fileURLToPath(new URL('../../package.json', import.meta.url)));
  return pathToFileURL(require.resolve('tsx/esm')).href;
}

/** Runs `script` (a path) with extra node flags and arguments; returns its stdout. */
export function runScript(script: string, args: readonly string[] = [], nodeFlags: readonly string[] = []): string {
  return execFileSync(
    process.execPath,
    [...nodeFlags, '--conditions=@tapegrad/source', '--import', tsxLoader(), script, ...args],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
}
