/** The workloads in order, the targets from the brief, and the static notes of the report. */
import type { RunMode } from './harness.js';
import type { ResultRow, Target } from './results.js';
import { runMatmul } from './workloads/matmul.js';
import { runMlp } from './workloads/mlp.js';
import { runTape } from './workloads/tape.js';

const WORKLOADS: Record<string, (mode: RunMode) => Promise<ResultRow[]>> = {
  W1: runMatmul,
  W2: runMlp,
  W3: runTape,
};

/** Runs the selected workloads (all by default), reporting each row as it is measured. */
export async function runSuite(
  mode: RunMode,
  only?: readonly string[],
  onRow?: (r: ResultRow) => void,
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const [id, run] of Object.entries(WORKLOADS)) {
    if (only !== undefined && !only.includes(id)) continue;
    for (const r of await run(mode)) {
      rows.push(r);
      onRow?.(r);
    }
  }
  return rows;
}

/** The brief's targets, each tied to the rows it judges (rows absent from this run are skipped). */
export function targetsOf(rows: readonly ResultRow[]): Target[] {
  const pick = (w: string, test: (label: string) => boolean): ResultRow[] =>
    rows.filter((r) => r.workload === w && test(r.label));
  const targets: Target[] = [
    {
      description: 'W1 float64 n=256 ≥ 3× tfjs-cpu float32 GFLOP/s',
      rows: pick('W1', (l) => l.startsWith('n=256, float64')),
      bound: 3,
    },
    {
      description: 'W2 (tape) ≥ 3× tfjs-cpu samples/s, float32 and float64, both networks',
      rows: pick('W2', (l) => l.includes(', tape,')),
      bound: 3,
    },
    // Not a target of the brief (it predates @tapegrad/nn): shown so the two paths can be compared.
    {
      description: 'W2 (closed-form, @tapegrad/nn; informational) ≥ 3× tfjs-cpu samples/s',
      rows: pick('W2', (l) => l.includes(', closed-form,')),
      bound: 3,
    },
    { description: 'W3 ≤ 0.35× tfjs-cpu µs/op', rows: pick('W3', () => true), bound: 0.35 },
  ];
  return targets.filter((t) => t.rows.length > 0);
}

/** Method notes printed under the tables (static: the figures speak for themselves). */
export const NOTES: readonly string[] = [
  'TensorFlow.js has no float64: rows marked "(tfjs: float32)" compare our float64 with their float32.',
  'Every case is measured in 5 interleaved rounds (ours, then tfjs-cpu, then tfjs-wasm, round after round) and each figure is the median over rounds, so a burst of load from a neighbour hits both sides of a ratio alike.',
  'W1 and W3 use Benchmark.js within each round (the median of its samples, each the mean of a calibrated cycle of calls); W1 times `matmul(a, b)` (ours) and `tf.matMul(a, b).dataSync()` (theirs).',
  'W1/W2 float32: our kernel packs operands into float64 panels and sums in float64, rounding to float32 when adding into the output.',
  'W2 computes z = a·Wᵀ + b with W of shape [out, in] in both libraries (`matmul(a, W, {transposeB: true})`, `tf.matMul(a, W, false, true)`), ' +
    'cost 1/(2B)·Σ‖a − y‖²; ours runs forward and backward through the tape and updates under `noGrad` with `mutate_`, theirs uses `tf.train.sgd(...).minimize`. ' +
    'Each round builds the network afresh, takes 10 untimed steps, then times 40 (200 timed steps per figure).',
  "W2 closed-form rows train `@tapegrad/nn`'s `mlp` with `closedFormBackprop` (BP1–BP4, no tape) and `SGD.step(grads)`, from the same initial parameters.",
  'W3 alternates mul by a constant [4] tensor, add of a constant [4] tensor and sigmoid; ours takes `gradients(y, [x], {gradOutputs: [ones]})`, theirs `tf.grad(f)(x)` inside `tf.tidy`.',
  "Ratios are ours ÷ theirs in the row's unit: above 1 is better for GFLOP/s and samples/s, below 1 is better for µs/op.",
];
