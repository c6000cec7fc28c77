/**
 * W2: training throughput of a sigmoid MLP with quadratic cost C = 1/(2B) Σ‖a − y‖² and plain
 * SGD, in samples per second. Both libraries compute z = a·Wᵀ + b with W of shape [out, in]
 * (tfjs: matMul(a, W, false, true)), so neither materialises a transpose.
 */
import { Rng, Tensor, add, matmul, mul, noGrad, rand, randn, sigmoid, sub, sum, type DType } from '@tapegrad/autograd';
import { type Contender, type RunMode, interleaved, itemsPerSecond } from '../harness.js';
import type { ResultRow } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';
import { ClosedFormMlp } from './closed-form.js';

/** One network/batch configuration of W2. */
export interface MlpCase {
  readonly sizes: readonly number[];
  readonly batch: number;
}

/** The two configurations from the brief. */
export const MLP_CASES: readonly MlpCase[] = [
  { sizes: [784, 128, 10], batch: 64 },
  { sizes: [784, 30, 10], batch: 10 },
];

/** SGD step size (any value works for throughput; it matters only for the agreement test). */
export const LEARNING_RATE = 0.5;

/** Initial parameters, in float64, shared by every implementation so their steps can be compared. */
export interface MlpInit {
  readonly weights: readonly Float64Array[];
  readonly biases: readonly Float64Array[];
}

/** Seeded N(0, 1/in) weights and N(0, 1) biases, as in the seeds. */
export function initParams(sizes: readonly number[], seed = 7): MlpInit {
  const rng = new Rng(seed);
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const w = randn([sizes[l]!, sizes[l - 1]!], { rng }).data as Float64Array;
    const scale = 1 / Math.sqrt(sizes[l - 1]!);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale;
    weights.push(w);
    biases.push(randn([sizes[l]!], { rng }).data as Float64Array);
  }
  return { weights, biases };
}

/** A seeded batch: inputs uniform in [0, 1), one-hot targets. */
export function makeBatch(c: MlpCase, seed = 11): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const inDim = c.sizes[0]!;
  const outDim = c.sizes[c.sizes.length - 1]!;
  const x = rand([c.batch, inDim], { rng }).data as Float64Array;
  const y = new Float64Array(c.batch * outDim);
  for (let i = 0; i < c.batch; i++) y[i * outDim + Math.floor(rng.uniform() * outDim)] = 1;
  return { x, y };
}

/** Our MLP trained through the tape: forward with autograd ops, backward, SGD under noGrad. */
export class TapeMlp {
  readonly weights: Tensor[];
  readonly biases: Tensor[];

  constructor(
    init: MlpInit,
    readonly sizes: readonly number[],
    dtype: DType,
  ) {
    this.weights = init.weights.map((w, l) => tensorOf(w, [sizes[l + 1]!, sizes[l]!], dtype, true));
    this.biases = init.biases.map((b, l) => tensorOf(b, [sizes[l + 1]!], dtype, true));
  }

  /** One SGD step on the batch (x: [B, in], y: [B, out]). */
  step(x: Tensor, y: Tensor): void {
    let a = x;
    for (let l = 0; l < this.weights.length; l++) {
      a = sigmoid(add(matmul(a, this.weights[l]!, { transposeB: true }), this.biases[l]!));
    }
    const d = sub(a, y);
    const cost = mul(sum(mul(d, d)), 0.5 / x.shape[0]!);
    cost.backward();
    noGrad(() => {
      for (const p of [...this.weights, ...this.biases]) {
        const g = p.grad!.data;
        p.mutate_((data) => {
          for (let i = 0; i < data.length; i++) data[i] = data[i]! - LEARNING_RATE * g[i]!;
        });
        p.grad = null;
      }
    });
  }
}

/** A tensor holding a copy of `values` in `dtype`. */
export function tensorOf(values: Float64Array, shape: number[], dtype: DType, requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape, { requiresGrad });
}

/** The same MLP in TensorFlow.js (float32), trained with its SGD optimizer. */
export class TfMlp {
  readonly weights: tf.Variable[];
  readonly biases: tf.Variable[];
  private readonly optimizer = tf.train.sgd(LEARNING_RATE);

  constructor(init: MlpInit, sizes: readonly number[]) {
    this.weights = init.weights.map((w, l) =>
      tf.variable(tf.tensor2d(Float32Array.from(w), [sizes[l + 1]!, sizes[l]!])),
    );
    this.biases = init.biases.map((b) => tf.variable(tf.tensor1d(Float32Array.from(b))));
  }

  /** One SGD step on the batch. */
  step(x: tf.Tensor2D, y: tf.Tensor2D): void {
    this.optimizer.minimize(
      () => {
        let a: tf.Tensor2D = x;
        for (let l = 0; l < this.weights.length; l++) {
          a = tf.sigmoid(tf.add(tf.matMul(a, this.weights[l]!, false, true), this.biases[l]!)) as tf.Tensor2D;
        }
        const d = tf.sub(a, y);
        return tf.mul(tf.sum(tf.mul(d, d)), 0.5 / x.shape[0]) as tf.Scalar;
      },
      false,
      [...this.weights, ...this.biases],
    );
  }

  /** Frees the variables and the optimizer. */
  dispose(): void {
    for (const v of [...this.weights, ...this.biases]) v.dispose();
    this.optimizer.dispose();
  }
}

/** Untimed steps at the start of every round, then timed steps per round. */
const WARMUP_STEPS = 10;
const TIMED_STEPS = 40; // × RunMode.rounds (5 in the full run) = 200 timed steps per figure

/** Which of our implementations a W2 figure is for. */
export type OursPath = 'tape' | 'closed-form';

/** One of ours: a fresh network from the shared initial parameters every round. */
function ours(path: OursPath, c: MlpCase, dtype: DType): Contender {
  return {
    open: async () => {
      const { x, y } = makeBatch(c);
      const init = initParams(c.sizes);
      const net = path === 'tape' ? new TapeMlp(init, c.sizes, dtype) : new ClosedFormMlp(init, c.sizes, dtype);
      const xt = tensorOf(x, [c.batch, c.sizes[0]!], dtype);
      const yt = tensorOf(y, [c.batch, c.sizes[c.sizes.length - 1]!], dtype);
      return { run: () => net.step(xt, yt) };
    },
  };
}

/** TensorFlow.js on `backend` (null when unavailable). */
function theirs(c: MlpCase, backend: TfBackend): Contender {
  return {
    open: async () => {
      if ((await useBackend(backend)) !== null) return null;
      const { x, y } = makeBatch(c);
      const net = new TfMlp(initParams(c.sizes), c.sizes);
      const xt = tf.tensor2d(Float32Array.from(x), [c.batch, c.sizes[0]!]);
      const yt = tf.tensor2d(Float32Array.from(y), [c.batch, c.sizes[c.sizes.length - 1]!]);
      return {
        // dataSync on a weight waits for the step and keeps lazy backends honest.
        run: () => {
          net.step(xt, yt);
          net.biases[0]!.dataSync();
        },
        close: () => {
          net.dispose();
          xt.dispose();
          yt.dispose();
        },
      };
    },
  };
}

/** Runs W2 for both configurations, both of our implementations and both of our dtypes. */
export async function runMlp(mode: RunMode): Promise<ResultRow[]> {
  const warmup = mode.quick ? 1 : WARMUP_STEPS;
  const steps = mode.quick ? 2 : TIMED_STEPS;
  const rows: ResultRow[] = [];
  for (const c of MLP_CASES) {
    const variants = [
      ['tape', 'float32'],
      ['tape', 'float64'],
      ['closed-form', 'float32'],
      ['closed-form', 'float64'],
    ] as const;
    const contenders = [...variants.map(([p, d]) => ours(p, c, d)), theirs(c, 'cpu'), theirs(c, 'wasm')];
    const figures = await interleaved(contenders, mode, (run) => itemsPerSecond(run, c.batch, warmup, 1, steps));
    const name = `[${c.sizes.join(', ')}] batch ${c.batch}`;
    const base = {
      workload: 'W2',
      unit: 'samples/s',
      higherIsBetter: true,
      cpu: figures[4] ?? null,
      wasm: figures[5] ?? null,
    };
    variants.forEach(([path, dtype], i) => {
      const label = `${name}, ${path}, ${dtype === 'float32' ? 'float32' : 'float64 (tfjs: float32)'}`;
      rows.push({ ...base, label, ours: figures[i]! });
    });
  }
  return rows;
}

/** Our parameters (weights then biases, as float64 copies) after one SGD step of `path` (for tests). */
export function oursAfterOneStep(c: MlpCase, dtype: DType, path: OursPath = 'tape'): Float64Array[] {
  const { x, y } = makeBatch(c);
  const init = initParams(c.sizes);
  const xt = tensorOf(x, [c.batch, c.sizes[0]!], dtype);
  const yt = tensorOf(y, [c.batch, c.sizes[c.sizes.length - 1]!], dtype);
  if (path === 'closed-form') {
    const net = new ClosedFormMlp(init, c.sizes, dtype);
    net.step(xt, yt);
    return net.snapshot();
  }
  const net = new TapeMlp(init, c.sizes, dtype);
  net.step(xt, yt);
  return [...net.weights, ...net.biases].map((p) => Float64Array.from(p.data));
}

/** TensorFlow.js's parameters after one SGD step on `backend` (for tests). */
export async function theirsAfterOneStep(c: MlpCase, backend: TfBackend): Promise<Float64Array[]> {
  const failure = await useBackend(backend);
  if (failure !== null) throw new Error(`tfjs ${backend} backend unavailable: ${failure}`);
  const { x, y } = makeBatch(c);
  const net = new TfMlp(initParams(c.sizes), c.sizes);
  const xt = tf.tensor2d(Float32Array.from(x), [c.batch, c.sizes[0]!]);
  const yt = tf.tensor2d(Float32Array.from(y), [c.batch, c.sizes[c.sizes.length - 1]!]);
  net.step(xt, yt);
  const out = [...net.weights, ...net.biases].map((p) => Float64Array.from(p.dataSync()));
  net.dispose();
  xt.dispose();
  yt.dispose();
  return out;
}
