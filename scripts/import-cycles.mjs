#!/usr/bin/env node
/**
 * Fails when the source files of a package import each other in a cycle. Reads the relative
 * imports of packages/*\/src (value imports only: `import type` is erased and orders nothing at
 * run time), finds the strongly connected components (Tarjan, iterative), and prints each cycle's
 * files. `--count` prints only the number of files in cycles, for before/after figures.
 *
 * Usage: node scripts/import-cycles.mjs [--root DIR] [--count]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = resolve(rootArg >= 0 ? args[rootArg + 1] : join(dirname(new URL(import.meta.url).pathname), '..'));
const countOnly = args.includes('--count');

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

// import x from '…', import {…} from '…', export … from '…', import '…'; not `import type`/`export type`.
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const m of text.matchAll(IMPORT)) {
    if (m[2] || !m[3].startsWith('.')) continue;
    const target = resolve(dirname(file), m[3]).replace(/\.js$/, '');
    for (const candidate of [`${target}.ts`, `${target}.tsx`, join(target, 'index.ts')]) {
      if (existsSync(candidate)) {
        deps.push(candidate);
        break;
      }
    }
  }
  return deps;
}

const packages = join(root, 'packages');
const files = readdirSync(packages)
  .map((p) => join(packages, p, 'src'))
  .filter((d) => existsSync(d))
  .flatMap(sourceFiles);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

// Tarjan's strongly connected components, with an explicit stack instead of recursion.
let next = 0;
const index = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const components = [];
for (const start of graph.keys()) {
  if (index.has(start)) continue;
  const work = [[start, 0]];
  index.set(start, next);
  low.set(start, next++);
  stack.push(start);
  onStack.add(start);
  while (work.length) {
    const frame = work[work.length - 1];
    const [v, i] = frame;
    const deps = graph.get(v) ?? [];
    if (i < deps.length) {
      frame[1]++;
      const w = deps[i];
      if (!index.has(w)) {
        index.set(w, next);
        low.set(w, next++);
        stack.push(w);
        onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
      continue;
    }
    work.pop();
    if (work.length) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(v)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  }
}

const inCycles = components.reduce((n, c) => n + c.length, 0);
if (countOnly) {
  console.log(inCycles);
} else if (components.length === 0) {
  console.log(`import cycles: none among ${files.length} source files`);
} else {
  for (const c of components) {
    console.log(
      `import cycle of ${c.length} files:\n  ${c
        .map((f) => relative(root, f))
        .sort()
        .join('\n  ')}`,
    );
  }
  console.log(`${inCycles} files in import cycles; break each cycle (move the shared piece down a layer).`);
  process.exitCode = 1;
}
