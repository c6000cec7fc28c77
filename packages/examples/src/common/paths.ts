/** Where output folders land. */
import { resolve } from 'node:path';

/**
 * Resolves an output folder against the directory the user ran the command in. `pnpm run`
 * switches to the package folder before running a script but keeps the caller's folder in
 * INIT_CWD. A root script that calls pnpm again (`npx -y pnpm@10 demo` runs
 * `pnpm --filter @tapegrad/examples run demo`) would lose it, since the inner pnpm sets INIT_CWD
 * to the repository root; so the root scripts pass the caller's folder on in TAPEGRAD_INIT_CWD.
 */
export function outputDir(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['TAPEGRAD_INIT_CWD'] || env['INIT_CWD'] || process.cwd(), dir);
}
