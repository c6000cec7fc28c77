import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const soak = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@tapegrad/source', '--import', 'tsx/esm', 'scripts/soak.ts', ...args],
    { cwd: pkg, encoding: 'utf8' },
  );

describe('the soak script', () => {
  it('prints its usage for --help and trains nothing', () => {
    const r = soak('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npx -y pnpm@10 --filter @tapegrad\/nn soak \[steps\]/);
    expect(r.stdout).not.toContain('final loss');
  });

  it('refuses a step count that is not a whole number ≥ 1, and unknown flags', () => {
    for (const bad of [['0'], ['--steps', '5']]) {
      const r = soak(...bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('Usage:');
      expect(r.stdout).not.toContain('final loss');
    }
  });

  it('reports a finite final loss for a short run', () => {
    const r = soak('50');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/final loss \d\.\d{3}e[-+]\d+/);
  });
});
