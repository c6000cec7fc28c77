/**
 * W1: C = A·B for square n×n matrices, GFLOP/s = 2n³ / seconds. tfjs has no float64, so our
 * float64 figure is compared with their float32 (and labelled so); jax-js runs in our dtype.
 */
import { Rng, matmul, randn, type DType, type Tensor } from '@tapegrad/autograd';
import { type CaseProgress, type Contender, type RunMode, interleaved } from '../harness.js';
import { FirstCall, type JaxDType, jaxArray, np, useJaxWasm } from '../jaxjs.js';
import { jit } from '@jax-js/jax';
import { OUR_SETUPS, variantName, withSetup } from '../ours.js';
import { type CaseResult, oursValue } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';

/**
 * Square sizes of the full run and of quick mode. n = 1024 gave n = 256's ratios for every
 * library and cost more than a minute (tfjs-cpu takes seconds per call), so the full run stops at 256.
 */
export const MATMUL_SIZES = { full: [64, 256], quick: [5, 33] } as const;

/** W1's seeded n×n operands. */
export function operands(n: number): [Tensor, Tensor] {
  const rng = new Rng(1000 + n);
  return [randn([n, n], { rng }), randn([n, n], { rng })];
}

/** tfjs on `backend` multiplying float32 copies of a and b. */
function tfjs(backend: TfBackend, a: Tensor, b: Tensor): Contender {
  return {
    open: async () => {
      const failure = await useBackend(backend);
      if (failure !== null) return failure;
      const n = a.shape[0]!;
      const ta = tf.tensor2d(Float32Array.from(a.data), [n, n]);
      const tb = tf.tensor2d(Float32Array.from(b.data), [n, n]);
      return {
        // dataSync makes the result available as a TypedArray, as ours is on return.
        run: () => {
          const c = tf.matMul(ta, tb);
          c.dataSync();
          c.dispose();
        },
        close: () => {
          ta.dispose();
          tb.dispose();
        },
      };
    },
  };
}

/** jax-js on its wasm device in `dtype`, through `multiply` (np.matmul itself, or its jit). */
function jaxjs(
  a: Tensor,
  b: Tensor,
  dtype: JaxDType,
  multiply: (x: np.Array, y: np.Array) => np.Array,
  first?: FirstCall,
): Contender {
  return {
    open: async () => {
      const failure = await useJaxWasm();
      if (failure !== null) return failure;
      const n = a.shape[0]!;
      const ja = jaxArray(a.data as Float64Array, [n, n], dtype);
      const jb = jaxArray(b.data as Float64Array, [n, n], dtype);
      // dataSync: the product computed and read out as a TypedArray, as for the others.
      const run = (): void => void multiply(ja.ref, jb.ref).dataSync();
      await first?.time(run);
      return {
        run,
        close: () => {
          ja.dispose();
          jb.dispose();
        },
      };
    },
  };
}

function ours(a: Tensor, b: Tensor, setup: (typeof OUR_SETUPS)[number]): Contender {
  return { open: async () => withSetup(setup, () => ({ run: () => void matmul(a, b) })) };
}

/** Runs W1 for every size and both of our dtypes, reporting progress per case. */
export async function runMatmul(mode: RunMode, onCase: CaseProgress = () => () => undefined): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const dtypes = ['float32', 'float64'] as const satisfies readonly DType[];
  for (const n of mode.quick ? MATMUL_SIZES.quick : MATMUL_SIZES.full) {
    const [a64, b64] = operands(n);
    const inputs = { float32: [a64.to('float32'), b64.to('float32')], float64: [a64, b64] } as const;
    const jitted = dtypes.map(() => jit((x: np.Array, y: np.Array) => np.matmul(x, y)));
    const first = dtypes.map(() => new FirstCall());
    // One interleaved run per size: the tfjs figures (float32 only) serve both dtypes' cases.
    const contenders = [
      ...dtypes.flatMap((d) => OUR_SETUPS.map((s) => ours(inputs[d][0], inputs[d][1], s))),
      tfjs('cpu', a64, b64),
      tfjs('wasm', a64, b64),
      ...dtypes.flatMap((d, i) => [jaxjs(a64, b64, d, jitted[i]!, first[i]), jaxjs(a64, b64, d, eagerMatmul)]),
    ];
    const figures = await interleaved(contenders, mode, (s) => (2 * n ** 3) / s / 1e9, onCase(`W1 n=${n}`));
    for (const j of jitted) j.dispose();
    const k = OUR_SETUPS.length;
    const tfAt = 2 * k;
    dtypes.forEach((dtype, d) => {
      const label = `n=${n}, ${dtype === 'float32' ? 'float32' : 'float64 (tfjs: float32)'}`;
      results.push({
        workload: 'W1',
        label,
        unit: 'GFLOP/s',
        higherIsBetter: true,
        ours: OUR_SETUPS.map((s, i) => ({
          variant: variantName('matmul', s),
          value: oursValue(figures[d * k + i]!, label),
        })),
        peers: {
          'tfjs-cpu': figures[tfAt]!,
          'tfjs-wasm': figures[tfAt + 1]!,
          'jax-js jit': figures[tfAt + 2 + 2 * d]!,
          'jax-js eager': figures[tfAt + 3 + 2 * d]!,
        },
        jitFirstCallSeconds: first[d]!.seconds,
      });
    });
  }
  return results;
}

function eagerMatmul(x: np.Array, y: np.Array): np.Array {
  return np.matmul(x, y);
}

/**
 * Largest |ours − theirs| of one float32 product on `backend`, relative to the largest |entry|
 * (for the test: the two must agree to float32 rounding).
 */
export async function matmulDiscrepancy(n: number, backend: TfBackend): Promise<number> {
  const failure = await useBackend(backend);
  if (failure !== null) throw new Error(`tfjs ${backend} backend unavailable: ${failure}`);
  const [a, b] = operands(n);
  const ours = matmul(a.to('float32'), b.to('float32')).data;
  const theirsData = tf.tidy(() =>
    tf
      .matMul(tf.tensor2d(Float32Array.from(a.data), [n, n]), tf.tensor2d(Float32Array.from(b.data), [n, n]))
      .dataSync(),
  );
  return relativeDiscrepancy(ours, theirsData);
}

/** Largest |a − b| relative to the largest |a| (a shared measure for the agreement tests). */
export function relativeDiscrepancy(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return worst / Math.max(scale, 1e-30);
}

/** The same discrepancy against jax-js's matmul in `dtype` (float64: must agree to float64 rounding). */
export async function jaxMatmulDiscrepancy(n: number, dtype: JaxDType): Promise<number> {
  const failure = await useJaxWasm();
  if (failure !== null) throw new Error(`jax-js wasm device unavailable: ${failure}`);
  const [a, b] = operands(n);
  const ours = matmul(a.to(dtype), b.to(dtype)).data;
  const theirs = np
    .matmul(jaxArray(a.data as Float64Array, [n, n], dtype), jaxArray(b.data as Float64Array, [n, n], dtype))
    .dataSync();
  return relativeDiscrepancy(ours, theirs);
}
