/** Where output folders land. */
import { resolve } from 'node:path';

/**
 * Resolves an output folder against the directory the user ran the command in. `pnpm run`
 * switches to the package folder before running a script but keeps the caller's folder in
 * INIT_CWD, so `npx pnpm@10 demo` at the repository root writes to `./out`, not to
 * `packages/examples/out`.
 */
export function outputDir(dir: string): string {
  return resolve(process.env['INIT_CWD'] ?? process.cwd(), dir);
}
