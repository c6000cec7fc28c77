/**
 * W1: C = A·B for square n×n matrices, GFLOP/s = 2n³ / seconds. tfjs has no float64, so our
 * float64 figure is compared with their float32 (and labelled so).
 */
import { Rng, matmul, randn, type Tensor } from '@tapegrad/autograd';
import { type Contender, type RunMode, interleaved, secondsPerCall } from '../harness.js';
import type { ResultRow } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';

/** Square sizes of the full run and of quick mode. */
export const MATMUL_SIZES = { full: [64, 256, 1024], quick: [5, 33] } as const;

function operands(n: number): [Tensor, Tensor] {
  const rng = new Rng(1000 + n);
  return [randn([n, n], { rng }), randn([n, n], { rng })];
}

/** tfjs on `backend` multiplying float32 copies of a and b (null when the backend is unavailable). */
function theirs(backend: TfBackend, a: Tensor, b: Tensor): Contender {
  return {
    open: async () => {
      if ((await useBackend(backend)) !== null) return null;
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

function ours(a: Tensor, b: Tensor): Contender {
  return { open: async () => ({ run: () => void matmul(a, b) }) };
}

/** Runs W1 for every size and both of our dtypes. */
export async function runMatmul(mode: RunMode): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const n of mode.quick ? MATMUL_SIZES.quick : MATMUL_SIZES.full) {
    const [a64, b64] = operands(n);
    const a32 = a64.to('float32');
    const b32 = b64.to('float32');
    const contenders = [ours(a32, b32), ours(a64, b64), theirs('cpu', a64, b64), theirs('wasm', a64, b64)];
    const [ours32, ours64, cpu, wasm] = await interleaved(
      contenders,
      mode,
      (run) => (2 * n ** 3) / secondsPerCall(run, mode) / 1e9,
    );
    const base = { workload: 'W1', unit: 'GFLOP/s', higherIsBetter: true, cpu: cpu ?? null, wasm: wasm ?? null };
    rows.push({ ...base, label: `n=${n}, float32`, ours: ours32! });
    rows.push({ ...base, label: `n=${n}, float64 (tfjs: float32)`, ours: ours64! });
  }
  return rows;
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
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i]! - theirsData[i]!));
    scale = Math.max(scale, Math.abs(ours[i]!));
  }
  return worst / Math.max(scale, 1e-30);
}
