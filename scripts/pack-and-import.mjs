#!/usr/bin/env node
// Proves that each published package works on its own: packs the built packages, installs the
// tarballs into fresh projects outside the workspace, then imports them as ESM and as CJS,
// runs a few lines, and type-checks a TypeScript consumer against the shipped .d.ts files.
// @tapegrad/autograd is installed alone, without @tapegrad/nn.
// It tests what `npx -y pnpm@10 build` made: the packs skip the packages' prepack build (which
// is there for people who pack by hand), and an unbuilt tree stops here with one line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const pnpm = join(root, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const built = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'];
const unbuilt = ['autograd', 'nn'].flatMap((name) =>
  built.filter((f) => !existsSync(join(root, 'packages', name, 'dist', f))).map((f) => `packages/${name}/dist/${f}`),
);
if (unbuilt.length > 0) {
  console.error(`pack-and-import: build first (npx -y pnpm@10 build); missing ${unbuilt.join(', ')}.`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tapegrad-pack-'));
const run = (cmd, args, cwd, env = process.env) =>
  execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

function pack(name) {
  const before = new Set(readdirSync(work));
  run(process.execPath, [pnpm, 'pack', '--pack-destination', work], join(root, 'packages', name), {
    ...process.env,
    npm_config_ignore_scripts: 'true',
  });
  const made = readdirSync(work).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (made.length !== 1) throw new Error(`pack ${name}: expected one tarball, found ${made.join(', ')}`);
  return join(work, made[0]);
}

function project(label, tarballs, files) {
  const dir = join(work, label);
  run('mkdir', ['-p', dir], work);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${label}`, private: true, version: '0.0.0' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', ...tarballs], dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    strict: true,
    module: 'node16',
    moduleResolution: 'node16',
    target: 'es2022',
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
});

const checks = [];
function check(label, fn) {
  try {
    fn();
    checks.push(`ok    ${label}`);
  } catch (e) {
    checks.push(`FAIL  ${label}\n${e.stdout ?? ''}${e.message}`);
  }
}

// Leave no temporary projects behind, whatever happens below.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const autogradTgz = pack('autograd');
const nnTgz = pack('nn');

// autograd alone
const a = project('autograd-alone', [autogradTgz], {
  'esm.mjs': `import { tensor, gradients } from '@tapegrad/autograd';
const x = tensor([1, 2, 3], { requiresGrad: true });
const [g] = gradients(x.mul(x).sum(), [x]);
if (JSON.stringify(g.toArray()) !== '[2,4,6]') throw new Error('wrong gradient ' + g);
console.log('esm', g.toArray());`,
  'cjs.cjs': `const { tensor } = require('@tapegrad/autograd');
const x = tensor([[1, 2]], { requiresGrad: true });
x.sigmoid().sum().backward();
if (x.grad.shape.join() !== '1,2') throw new Error('wrong grad shape');
console.log('cjs', x.grad.toArray());`,
  'consumer.mts': `import { tensor, type Tensor, ShapeError } from '@tapegrad/autograd';
const t: Tensor = tensor([1, 2]);
const e: typeof ShapeError = ShapeError;
export const n: number = t.sum().item() + (e.name.length > 0 ? 0 : 1);`,
  'consumer-cjs.cts': `import ag = require('@tapegrad/autograd');
export const v: number = ag.tensor(3).item();`,
  'tsconfig.json': tsconfig,
});
check('autograd alone: nn is not installed', () => {
  const list = readdirSync(join(a, 'node_modules', '@tapegrad'));
  if (list.includes('nn')) throw new Error('nn was installed');
});
check('autograd alone: ESM import', () => run(process.execPath, ['esm.mjs'], a));
check('autograd alone: CJS require', () => run(process.execPath, ['cjs.cjs'], a));
check('autograd alone: TypeScript consumer type-checks', () => run(process.execPath, [tsc, '-p', '.'], a));

// nn with autograd
const n = project('nn', [autogradTgz, nnTgz], {
  'esm.mjs': `import { Rng, tensor } from '@tapegrad/autograd';
import * as nn from '@tapegrad/nn';
const net = nn.mlp([2, 3, 1], { rng: new Rng(1) });
const y = net.forward(tensor([[0.5, -0.5]]));
if (y.shape.join() !== '1,1') throw new Error('wrong output shape ' + y.shape);
console.log('esm nn', y.toArray());`,
  'cjs.cjs': `const { Rng, tensor } = require('@tapegrad/autograd');
const nn = require('@tapegrad/nn');
const net = nn.mlp([2, 2, 1], { rng: new Rng(2) });
const out = net.forward(tensor([[1, 0]]));
if (out.shape.join() !== '1,1' || !(out.item() > 0 && out.item() < 1)) throw new Error('wrong output ' + out);
console.log('cjs nn', out.toArray());`,
  'consumer.mts': `import { Rng, tensor } from '@tapegrad/autograd';
import { mlp, type Module } from '@tapegrad/nn';
const net: Module = mlp([2, 2, 1], { rng: new Rng(3) });
export const out = net.forward(tensor([[1, 0]])).shape;`,
  'tsconfig.json': tsconfig,
});
check('nn: ESM import', () => run(process.execPath, ['esm.mjs'], n));
check('nn: CJS require', () => run(process.execPath, ['cjs.cjs'], n));
check('nn: TypeScript consumer type-checks', () => run(process.execPath, [tsc, '-p', '.'], n));

console.log(checks.join('\n'));
if (checks.some((c) => c.startsWith('FAIL'))) process.exit(1);
