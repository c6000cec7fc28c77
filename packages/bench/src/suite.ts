/** The workloads in order, the targets of the issues, and the static notes of the report. */
import { type CaseProgress, FULL_MODE, type RunMode } from './harness.js';
import type { CaseResult, Peer, Target, WorkloadId } from './results.js';
import { runMatmul } from './workloads/matmul.js';
import { runMlp } from './workloads/mlp.js';
import { runTape } from './workloads/tape.js';
import { runConv } from './workloads/conv.js';

/** Each workload's runner, by id, in the order of the report. */
export const WORKLOADS: Readonly<Record<WorkloadId, (mode: RunMode, onCase?: CaseProgress) => Promise<CaseResult[]>>> =
  {
    W1: runMatmul,
    W2: runMlp,
    W3: runTape,
    W4: runConv,
  };

/** Runs the selected workloads (all by default), reporting each case as it starts and each result as it ends. */
export async function runSuite(
  mode: RunMode,
  only?: readonly string[],
  onCase?: CaseProgress,
  onResult?: (r: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const [id, run] of Object.entries(WORKLOADS)) {
    if (only !== undefined && !only.includes(id)) continue;
    for (const r of await run(mode, onCase)) {
      results.push(r);
      onResult?.(r);
    }
  }
  return results;
}

/** The issues' targets, each tied to the figures it judges (cases absent from this run are skipped). */
export function targetsOf(results: readonly CaseResult[]): Target[] {
  const pick = (w: string, test: (label: string) => boolean, variant: string) =>
    results.filter((r) => r.workload === w && test(r.label)).map((result) => ({ result, variant }));
  const target = (description: string, peer: Peer, bound: number, rows: Target['rows']): Target => ({
    description,
    peer,
    bound,
    rows,
  });
  const w2 = (net: string, dtype: string) => (l: string) => l.startsWith(net) && l.includes(`, ${dtype}`);
  const targets = [
    // The first performance issue's targets, against tfjs-cpu.
    target(
      'W1 float64 n=256 ≥ 3× tfjs-cpu',
      'tfjs-cpu',
      3,
      pick('W1', (l) => l.startsWith('n=256, float64'), 'matmul'),
    ),
    target(
      'W2 (tape) ≥ 3× tfjs-cpu, both dtypes, both networks',
      'tfjs-cpu',
      3,
      pick('W2', () => true, 'tape'),
    ),
    target(
      'W3 ≤ 0.35× tfjs-cpu µs/op',
      'tfjs-cpu',
      0.35,
      pick('W3', () => true, 'tape'),
    ),
    // Issue 13's (the WebAssembly backend), against tfjs-wasm.
    target(
      'W1 float32 n=256 ≥ 1.0× tfjs-wasm',
      'tfjs-wasm',
      1,
      pick('W1', (l) => l === 'n=256, float32', 'matmul'),
    ),
    target(
      'W1 float64 n=256 ≥ 0.4× tfjs-wasm (float32)',
      'tfjs-wasm',
      0.4,
      pick('W1', (l) => l.startsWith('n=256, float64'), 'matmul'),
    ),
    target(
      'W2 [784, 128, 10] batch 64 float32 (tape) ≥ 5× tfjs-wasm',
      'tfjs-wasm',
      5,
      pick('W2', w2('[784, 128, 10]', 'float32'), 'tape'),
    ),
    target(
      'W2 [784, 128, 10] batch 64 float64 (tape) ≥ 3× tfjs-wasm',
      'tfjs-wasm',
      3,
      pick('W2', w2('[784, 128, 10]', 'float64'), 'tape'),
    ),
    target(
      'W2 [784, 30, 10] batch 10 float64 (tape) ≥ 3× tfjs-wasm',
      'tfjs-wasm',
      3,
      pick('W2', w2('[784, 30, 10]', 'float64'), 'tape'),
    ),
  ];
  return targets.filter((t) => t.rows.length > 0);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Method notes printed under the tables (static: the figures speak for themselves). */
export const NOTES: readonly string[] = [
  "Ratios are ours ÷ theirs in the case's unit: above 1 is better for GFLOP/s and samples/s, below 1 is better for µs/op.",
  'TensorFlow.js has no float64: cases marked "(tfjs: float32)" compare our float64 with their float32. jax-js runs in the case\'s dtype, float64 included.',
  `Every case is measured in ${FULL_MODE.rounds} interleaved rounds (each of ours, tfjs-cpu, tfjs-wasm, jax-js jit, jax-js eager, then again) and each figure is the median over rounds, so a burst of load from a neighbour hits both sides of a ratio alike. ` +
    `Within a round tinybench times calls for at least ${FULL_MODE.budget.seconds} s (and at least ${plural(FULL_MODE.budget.minCalls, 'call')}), after ${plural(FULL_MODE.budget.warmupCalls, 'untimed call')}; the round's figure is the mean time per call (garbage collection included).`,
  'All peers run single-threaded: the tfjs wasm build has threads off, and jax-js\'s wasm worker pool needs a global `Worker`, which Node 20 does not have (it has `SharedArrayBuffer` but no Web Workers), so jax-js runs its kernels on the main thread. Ours splits products of at least 2^19 multiply-adds (about 80×80×80) over its worker pool (the cores available by default); the rows marked "1 thread" keep every product on the calling thread, the like-for-like comparison, and the section on threads sets the two against each other in alternating blocks.',
  'jax-js is lazy: each timed call waits for its results (`blockUntilReady` on the new parameters in W2, `dataSync` of the result in W1 and W3, as for tfjs). "jax-js jit" is `jit` of the whole computation (in W2 the whole SGD step: forward, `grad`, update); its first call traces and compiles, and its time is reported apart, in the last column, not in the figures. "jax-js eager" runs the same function op by op (`grad` retraces every step).',
  'jax-js under Node 20: float64 arrays cannot be built from a `Float64Array` (jax-js 0.1.25 tests the data against `Float16Array`, a global Node 20 lacks, and throws a ReferenceError); the bench builds them from three float32 parts summed in float64, which reproduces every value exactly. The bench runs Node with `--stack-size=7000`: jitting the 1000-op W3 chain overflows the default stack (RangeError: Maximum call stack size exceeded).',
  'jax-js float64 is float64 storage and arithmetic, but its `exp` (and so `sigmoid`) on the wasm device is accurate to about 1e-6 relative (measured against `Math.exp` in the bench test), so its float64 W2 step agrees with ours to about 1e-9, not to float64 rounding.',
  'W1 times `matmul(a, b)` (ours), `tf.matMul(a, b).dataSync()` and `np.matmul(a, b).dataSync()` (jax-js, eager or inside `jit`). Our matmul runs on the WebAssembly SIMD128 backend (automatic in Node), where float32 sums in float32, as tfjs and BLAS do (the `js` backend sums float32 in float64).',
  'W2 computes z = a·Wᵀ + b with W of shape [out, in] in every library (`matmul(a, W, {transposeB: true})`, `tf.matMul(a, W, false, true)`, `np.matmul(a, W.transpose())`), ' +
    'cost 1/(2B)·Σ‖a − y‖²; ours runs forward and backward through the tape and updates under `noGrad` with `mutate_`, tfjs uses `tf.train.sgd(...).minimize`, jax-js `grad` of the cost and a `tree.map` update. ' +
    'Each round builds every network afresh from the same initial parameters.',
  "W2 closed-form rows train `@tapegrad/nn`'s `mlp` with `closedFormBackprop` (Nielsen's BP1–BP4, no tape) and `SGD.step(grads)`.",
  'W3 alternates mul by a constant [4] tensor, add of a constant [4] tensor and sigmoid; ours takes `gradients(y, [x], {gradOutputs: [ones]})`, tfjs `tf.grad(f)(x)` inside `tf.tidy`, jax-js `grad` of the sum. ' +
    'jax-js jit compiles the whole chain and its gradient into one program, so its figure is not bookkeeping per op but a fused kernel: it shows what tracing buys, not a like-for-like tape.',
  "W4 is one SGD step (η = 0.1) of Nielsen's chapter-6 net on 10 images of 28×28: conv 5×5 with 20 maps, 2×2 max-pool, sigmoid, fully connected 100 sigmoid, softmax 10, log-likelihood cost. " +
    "Ours runs `@tapegrad/nn`'s Conv2d/MaxPool2d/Flatten/Linear/Softmax through `trainStep`, NCHW, with gradients from the tape (conv2d's vjp: im2col + gemm) or from each layer's hand-derived backprop (closed-form); " +
    'tfjs runs `tf.conv2d` (NHWC, its layout on cpu and wasm), `tf.maxPool`, `tf.losses.softmaxCrossEntropy` under `tf.train.sgd(...).minimize`, from the same initial values. tfjs-wasm 4.22 registers no `Conv2DBackpropFilter` kernel, so it cannot train this net and its column is empty. jax-js is not measured in W4.',
];
