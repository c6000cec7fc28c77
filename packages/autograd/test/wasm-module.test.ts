import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the embedded WebAssembly module', () => {
  it('matches a fresh compile of assembly/kernels.ts', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    // Exits non-zero, naming the stale file, if the committed bytes differ from the compiler's.
    expect(() =>
      execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
