/**
 * Issue 11, item 8: an ESM app and a CJS dependency that both import tapegrad load two copies of
 * each package. Builds both formats of autograd and nn into a temporary node_modules (so the test
 * needs no earlier `pnpm build`), then loads all four in one child process.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../../..');
const tsup = join(repo, 'node_modules/tsup/dist/cli-default.js');
let root = '';
let report: Record<string, unknown> = {};

function buildInto(pkg: 'autograd' | 'nn'): void {
  const dir = join(root, 'node_modules/@tapegrad', pkg);
  mkdirSync(dir, { recursive: true });
  cpSync(join(repo, 'packages', pkg, 'package.json'), join(dir, 'package.json'));
  // Only the JavaScript: declarations are not needed to run, and are the slow part of a build.
  execFileSync(
    process.execPath,
    [tsup, '--format', 'esm,cjs', '--no-dts', '--no-sourcemap', '--silent', '--out-dir', join(dir, 'dist')],
    { cwd: join(repo, 'packages', pkg), stdio: 'pipe' },
  );
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tapegrad-two-builds-'));
  writeFileSync(join(root, 'entry.cjs'), '');
  buildInto('autograd');
  buildInto('nn');
  const out = execFileSync(process.execPath, [join(__dirname, 'support/two-builds-child.mjs'), root], {
    encoding: 'utf8',
  });
  report = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}, 120_000);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('the ESM and CJS builds loaded in one process share one engine', () => {
  it('really are two copies of each package', () => expect(report.distinctCopies).toBe(true));
  it('grad mode: noGrad from one build stops the other recording, enableGrad restores it', () => {
    expect(report.noGradAcrossBuilds).toBe(true);
    expect(report.enableGradAcrossBuilds).toBe(true);
  });
  it('anomaly mode is one switch', () => expect(report.anomalyAcrossBuilds).toBe(true));
  it('node ids come from one counter, and one backward runs through both builds’ nodes', () => {
    expect(report.nodeIdsShared).toBe(true);
    expect(report.mixedBackward).toEqual([6, 12]);
  });
  it('instanceof holds across builds for Tensor, Rng and the error classes', () => {
    expect(report.tensorInstanceof).toBe(true);
    expect(report.rngInstanceof).toBe(true);
    expect(report.errorInstanceof).toBe(true);
  });
  it('an nn from one build takes the other’s tensors and Rng; Module, Parameter and nn errors keep instanceof', () => {
    expect(report.nnAcrossBuilds).toBe(true);
    expect(report.nnErrorInstanceof).toBe(true);
  });
  it('300 generated chains mixing the builds op by op give what one build gives', () =>
    expect(report.generatedMixes).toBe(300));
  it('a user subclass still answers instanceof by its own prototype chain', () =>
    expect(report.userSubclass).toBe(true));
});
