/**
 * Where a second thread starts to pay: times `matmul` on one thread and on N for square products
 * and for the products of an MLP training step, and prints the ratio one thread ÷ N threads (above
 * 1: the pool pays). The two sides alternate in short blocks, and the figure is the median of the
 * blocks' ratios: on a shared machine the speed drifts by a third over seconds, and a pair of
 * adjacent blocks sees the same drift. This is the measurement behind
 * PARALLEL_MIN in packages/autograd/src/kernels/threads.ts; the script's command sets
 * `TAPEGRAD_PARALLEL_MIN=0`, so products below the threshold are split too and both sides of it
 * are measured.
 *
 * `npx -y pnpm@10 --filter @tapegrad/bench threshold:threads [threads]`; run it on an idle machine:
 * a second thread cannot pay where the second core is busy.
 */
import { availableParallelism } from 'node:os';
import { Rng, matmul, randn, type DType, type Tensor } from '@tapegrad/autograd';
import { median, quantile } from './harness.js';
import { oneThreadAgainst } from './threads-scaling.js';

const threads = Number(process.argv[2] ?? Math.max(2, availableParallelism()));
/** Pairs of blocks per product, and the least time one block runs (ms). */
const pairs = 31;
const blockMs = 8;
const rng = new Rng(14);

interface Case {
  readonly name: string;
  readonly a: Tensor;
  readonly b: Tensor;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

function square(n: number, dtype: DType): Case {
  return { name: `${n}×${n}×${n} ${dtype}`, a: randn([n, n], { rng, dtype }), b: randn([n, n], { rng, dtype }) };
}

/** The two large products of a training step of a [784, hidden, 10] net at a batch size. */
function mlp(batch: number, hidden: number, dtype: DType): Case[] {
  const x = randn([batch, 784], { rng, dtype });
  const w = randn([hidden, 784], { rng, dtype });
  const delta = randn([batch, hidden], { rng, dtype });
  return [
    { name: `forward x·Wᵀ ${batch}×784→${hidden} ${dtype}`, a: x, b: w, transposeB: true },
    { name: `weight grad δᵀ·x ${hidden}×${batch}→784 ${dtype}`, a: delta, b: x, transposeA: true },
  ];
}

const cases: Case[] = [];
for (const dtype of ['float64', 'float32'] as const) {
  for (const n of [32, 48, 64, 96, 128, 192, 256, 512]) cases.push(square(n, dtype));
  for (const [batch, hidden] of [
    [10, 30],
    [10, 100],
    [64, 128],
    [256, 128],
  ] as const) {
    cases.push(...mlp(batch, hidden, dtype));
  }
}

console.log(
  `one thread ÷ ${threads} threads, median over ${pairs} pairs of alternating blocks (above 1: the pool pays)`,
);
console.log('| product | multiply-adds | 1 thread (µs) | ratio | middle half of the ratios |');
console.log('|---|---:|---:|---:|---|');
for (const c of cases) {
  const run = (): unknown => matmul(c.a, c.b, { transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false });
  const timed = oneThreadAgainst(threads, run, pairs, blockMs);
  const [m, k] = c.transposeA ? [c.a.shape[1]!, c.a.shape[0]!] : [c.a.shape[0]!, c.a.shape[1]!];
  const n = c.transposeB ? c.b.shape[0]! : c.b.shape[1]!;
  const r = timed.ratios;
  const spread = `${quantile(r, 0.25).toFixed(2)}–${quantile(r, 0.75).toFixed(2)}`;
  const micros = median(timed.first) * 1e6;
  console.log(`| ${c.name} | ${m * n * k} | ${micros.toFixed(1)} | ${median(r).toFixed(2)}× | ${spread} |`);
}
process.exit(0);
