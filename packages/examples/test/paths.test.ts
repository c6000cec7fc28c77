import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outputDir } from '../src/common/paths.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('output folders go under the folder the command was run in', () => {
  it('prefers the caller folder a root script passed on, then INIT_CWD', () => {
    expect(outputDir('out', { TAPEGRAD_INIT_CWD: '/home/u/packages', INIT_CWD: root })).toBe('/home/u/packages/out');
    expect(outputDir('out', { INIT_CWD: '/home/u/packages/examples' })).toBe('/home/u/packages/examples/out');
    expect(outputDir('/tmp/abs', { INIT_CWD: '/home/u' })).toBe('/tmp/abs');
    expect(outputDir('out', {})).toBe(resolve('out'));
  });

  it('the root demo script hands its caller folder to the inner pnpm, which resets INIT_CWD', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    // A stand-in pnpm that reports what the examples' script would see.
    const bin = mkdtempSync(join(tmpdir(), 'tapegrad-paths-'));
    writeFileSync(join(bin, 'pnpm'), '#!/bin/sh\nprintf %s "$TAPEGRAD_INIT_CWD"\n');
    chmodSync(join(bin, 'pnpm'), 0o755);
    try {
      const seen = execFileSync('sh', ['-c', scripts['demo']!], {
        cwd: root,
        env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, INIT_CWD: '/home/u/my folder' },
        encoding: 'utf8',
      });
      expect(seen).toBe('/home/u/my folder');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
