/**
 * W2's shared definitions: the network/batch cases, the initial parameters and the batch that
 * every implementation (ours, TensorFlow.js, jax-js) starts from, so their steps can be compared.
 */
import { Rng, Tensor, rand, randn, type DType } from '@tapegrad/autograd';

/** One network/batch configuration of W2. */
export interface MlpCase {
  readonly sizes: readonly number[];
  readonly batch: number;
}

/** The two configurations of the issues: Nielsen's chapter-1 network at batch 10, and a wider one at batch 64. */
export const MLP_CASES: readonly MlpCase[] = [
  { sizes: [784, 128, 10], batch: 64 },
  { sizes: [784, 30, 10], batch: 10 },
];

/** Quick mode's network: small enough that a smoke run of W2 takes well under a second. */
export const QUICK_MLP_CASES: readonly MlpCase[] = [{ sizes: [16, 8, 4], batch: 5 }];

/** SGD step size (any value works for throughput; it matters only for the agreement test). */
export const LEARNING_RATE = 0.5;

/** Initial parameters, in float64, shared by every implementation so their steps can be compared. */
export interface MlpInit {
  readonly weights: readonly Float64Array[];
  readonly biases: readonly Float64Array[];
}

/** Seeded N(0, 1/in) weights and N(0, 1) biases (Nielsen, chapter 3's initialisation). */
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

/** A tensor holding a copy of `values` in `dtype`. */
export function tensorOf(values: Float64Array, shape: number[], dtype: DType, requiresGrad = false): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape, { requiresGrad });
}
