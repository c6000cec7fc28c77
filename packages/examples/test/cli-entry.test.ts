import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(pkg, 'node_modules', '.bin', 'tsx');
const run = (entry: string, args: string[]): string =>
  execFileSync(tsx, ['--conditions=@tapegrad/source', join(pkg, 'src', entry, 'main.ts'), ...args], {
    cwd: pkg,
    encoding: 'utf8',
  });

describe('command-line entries', () => {
  it('print --help with every documented flag', () => {
    const demo = run('mnist', ['--help']);
    for (const flag of [
      '--epochs',
      '--batch-size',
      '--lr',
      '--hidden',
      '--seed',
      '--cost',
      '--lambda',
      '--out',
      '--quick',
      '--limit',
    ]) {
      expect(demo).toContain(flag);
    }
    for (const entry of ['xor', 'compare', 'custom-layer', 'hessian', 'conv'])
      expect(run(entry, ['--help'])).toMatch(/^Usage: /);
  });

  it("print nielsen's flags and list its rows", () => {
    const nielsen = run('nielsen', ['--help']);
    for (const flag of ['--rows', '--seeds', '--epochs', '--limit', '--out', '--list']) expect(nielsen).toContain(flag);
    expect(run('nielsen', ['--list'])).toContain('ch1-30         ch. 1: [784, 30, 10]');
  });

  it('reject a bad flag value with a usage error and a non-zero exit', () => {
    const r = spawnSync(
      tsx,
      ['--conditions=@tapegrad/source', join(pkg, 'src', 'mnist', 'main.ts'), '--epochs', 'abc'],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--epochs.*whole number/s);
  });

  it('run the hessian example end to end', () => {
    expect(run('hessian', ['--directions', '1'])).toContain('PASS');
  });
});
