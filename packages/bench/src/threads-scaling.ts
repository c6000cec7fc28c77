/**
 * Thread scaling: our default configuration (the cores available) against one thread, on W1 at
 * n = 256 and on W2 through the tape, with issue 14's targets. The two sides alternate in short
 * blocks (harness.ts, pairedBlocks), since a ratio of figures timed seconds apart moves by a
 * third on a shared machine.
 */
import { getNumThreads, matmul, setNumThreads, type DType } from '@tapegrad/autograd';
import { type Paired, type RunMode, median, pairedBlocks, quantile } from './harness.js';
import { operands } from './workloads/matmul.js';
import { MLP_CASES, QUICK_MLP_CASES, type MlpCase, initParams, makeBatch, tensorOf } from './workloads/mlp-setup.js';
import { TapeMlp } from './workloads/mlp-tape.js';

/** One case: seconds per call on one thread and on `threads`, and the paired ratios. */
export interface ScalingResult {
  readonly label: string;
  readonly threads: number;
  /** Pairs of blocks, and the least time of one block (ms). */
  readonly pairs: number;
  readonly blockMs: number;
  readonly oneThread: number;
  readonly manyThreads: number;
  /** Median of one thread ÷ N threads over the pairs, and the middle half of those ratios. */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** The issue's target for the median ratio. */
  readonly bound: number;
}

interface ScalingCase {
  readonly label: string;
  readonly bound: number;
  readonly make: () => () => void;
}

function matmulCase(n: number, dtype: DType, bound: number): ScalingCase {
  return {
    label: `W1 n=${n}, ${dtype}`,
    bound,
    make: () => {
      const [a, b] = operands(n).map((t) => t.to(dtype));
      return () => void matmul(a!, b!);
    },
  };
}

function mlpCase(c: MlpCase, dtype: DType, bound: number): ScalingCase {
  return {
    label: `W2 [${c.sizes.join(', ')}] batch ${c.batch}, ${dtype}, tape`,
    bound,
    make: () => {
      const { x, y } = makeBatch(c);
      const net = new TapeMlp(initParams(c.sizes), c.sizes, dtype);
      const xt = tensorOf(x, [c.batch, c.sizes[0]!], dtype);
      const yt = tensorOf(y, [c.batch, c.sizes[c.sizes.length - 1]!], dtype);
      return () => net.step(xt, yt);
    },
  };
}

/**
 * "No slower" is judged as a median of at least 0.97×: with both sides running the same code
 * (products under the split threshold), the paired medians came out at 0.97–1.03×.
 */
const NOT_SLOWER = 0.97;

function cases(mode: RunMode, only?: readonly string[]): ScalingCase[] {
  const dtypes = ['float32', 'float64'] as const;
  const w1 = dtypes.map((d) => matmulCase(mode.quick ? 33 : 256, d, 1.7));
  const mlps = mode.quick ? QUICK_MLP_CASES : MLP_CASES;
  // Issue 14: ≥ 1.3× at batch 64, no slower at batch 10 (products too small to split).
  const w2 = mlps.flatMap((c) => dtypes.map((d) => mlpCase(c, d, c.batch >= 64 ? 1.3 : NOT_SLOWER)));
  return [...((only?.includes('W1') ?? true) ? w1 : []), ...((only?.includes('W2') ?? true) ? w2 : [])];
}

/** `run` timed in alternating blocks on one thread and on `threads`, which it leaves set. */
export function oneThreadAgainst(threads: number, run: () => void, pairs: number, blockMs: number): Paired {
  const timed = pairedBlocks(
    { enter: () => setNumThreads(1), run },
    { enter: () => setNumThreads(threads), run },
    pairs,
    blockMs,
  );
  setNumThreads(threads);
  return timed;
}

/**
 * Runs the scaling cases of the selected workloads (W1, W2), or none where the library runs on
 * one thread anyway (a one-core machine, or TAPEGRAD_NUM_THREADS=1).
 */
export function runScaling(mode: RunMode, only?: readonly string[], onCase?: (label: string) => void): ScalingResult[] {
  const threads = getNumThreads();
  if (threads === 1) return [];
  const pairs = mode.quick ? 2 : 41;
  const blockMs = mode.quick ? 0 : 25;
  return cases(mode, only).map((c) => {
    onCase?.(c.label);
    const timed = oneThreadAgainst(threads, c.make(), pairs, blockMs);
    return {
      label: c.label,
      threads,
      pairs,
      blockMs,
      oneThread: median(timed.first),
      manyThreads: median(timed.second),
      ratio: median(timed.ratios),
      low: quantile(timed.ratios, 0.25),
      high: quantile(timed.ratios, 0.75),
      bound: c.bound,
    };
  });
}

/** The report's section: one row per case, with the target and whether the median meets it. */
export function scalingSection(results: readonly ScalingResult[]): string[] {
  if (results.length === 0) return [];
  const { threads: n, pairs, blockMs } = results[0]!;
  const ms = (s: number): string => (s * 1000).toFixed(s < 0.01 ? 3 : 2);
  return [
    `## Threads: ${n} threads against 1, in alternating blocks`,
    '',
    `Each case alternates ${pairs} pairs of blocks of calls (at least ${blockMs} ms each) on 1 thread and on ${n}, and reports the median of the pairs' ratios, 1 thread ÷ ${n} threads (above 1: faster on ${n}), with the middle half of the ratios. ` +
      `"No slower" is met at a median of ${NOT_SLOWER}× or more: two identical configurations gave 0.97–1.03×.`,
    '',
    `| case | 1 thread (ms/call) | ${n} threads (ms/call) | ratio | middle half | target | met |`,
    '|---|---:|---:|---:|---|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${ms(r.oneThread)} | ${ms(r.manyThreads)} | ${r.ratio.toFixed(2)}× | ${r.low.toFixed(2)}–${r.high.toFixed(2)}× | ${r.bound === NOT_SLOWER ? 'no slower' : `≥ ${r.bound}×`} | ${r.ratio >= r.bound ? 'yes' : 'no'} |`,
    ),
    '',
  ];
}
