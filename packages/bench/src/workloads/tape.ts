/**
 * W3: tape overhead. A chain of elementwise ops on a [4] tensor (mul by a constant tensor, add a
 * constant tensor, sigmoid, repeating), then the gradient w.r.t. the input: the arithmetic is
 * negligible, so µs per op (forward + backward) measures what each op costs in bookkeeping.
 */
import { add, gradients, mul, ones, sigmoid, tensor, type Tensor } from '@tapegrad/autograd';
import { type Contender, type RunMode, interleaved, secondsPerCall } from '../harness.js';
import type { ResultRow } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';

/** Chain lengths of the full run and of quick mode. */
export const CHAIN_LENGTH = { full: 1000, quick: 30 } as const;

const SCALE = [0.9, 1.1, 0.95, 1.05];
const SHIFT = [0.1, -0.1, 0.05, -0.05];
const INPUT = [0.5, -0.25, 1, -2];

/** Our chain: returns the gradient of Σ chain(x) w.r.t. x (seeded with ones, as tf.grad is). */
export function oursChainGradient(length: number): Float64Array {
  const x = tensor(INPUT, { requiresGrad: true });
  const scale = tensor(SCALE);
  const shift = tensor(SHIFT);
  let y: Tensor = x;
  for (let i = 0; i < length; i++) {
    const r = i % 3;
    y = r === 0 ? mul(y, scale) : r === 1 ? add(y, shift) : sigmoid(y);
  }
  const [g] = gradients(y, [x], { gradOutputs: [ones([4])] });
  return g!.data as Float64Array;
}

/** TensorFlow.js's chain on the current backend (float32), with tf.grad. */
export function theirsChainGradient(length: number): Float32Array {
  return tf.tidy(() => {
    const scale = tf.tensor1d(SCALE);
    const shift = tf.tensor1d(SHIFT);
    const f = (x: tf.Tensor): tf.Tensor => {
      let y = x;
      for (let i = 0; i < length; i++) {
        const r = i % 3;
        y = r === 0 ? tf.mul(y, scale) : r === 1 ? tf.add(y, shift) : tf.sigmoid(y);
      }
      return y;
    };
    return tf.grad(f)(tf.tensor1d(INPUT)).dataSync() as Float32Array;
  });
}

function theirs(backend: TfBackend, length: number): Contender {
  return {
    open: async () => ((await useBackend(backend)) !== null ? null : { run: () => void theirsChainGradient(length) }),
  };
}

/** Runs W3. */
export async function runTape(mode: RunMode): Promise<ResultRow[]> {
  const length = mode.quick ? CHAIN_LENGTH.quick : CHAIN_LENGTH.full;
  const ours: Contender = { open: async () => ({ run: () => void oursChainGradient(length) }) };
  const [mine, cpu, wasm] = await interleaved(
    [ours, theirs('cpu', length), theirs('wasm', length)],
    mode,
    (run) => (secondsPerCall(run, mode) / length) * 1e6,
  );
  return [
    {
      workload: 'W3',
      label: `${length} ops on [4], forward + backward (ours float64, tfjs float32)`,
      unit: 'µs/op',
      higherIsBetter: false,
      ours: mine!,
      cpu: cpu ?? null,
      wasm: wasm ?? null,
    },
  ];
}
