/**
 * W3: tape overhead. A chain of elementwise ops on a [4] tensor (mul by a constant tensor, add a
 * constant tensor, sigmoid, repeating), then the gradient w.r.t. the input: the arithmetic is
 * negligible, so µs per op (forward + backward) measures what each op costs in bookkeeping.
 * jax-js takes `grad` of the chain's sum, op by op or jitted into one program.
 */
import { add, gradients, mul, ones, sigmoid, tensor, type Tensor } from '@tapegrad/autograd';
import { grad, jit, nn, type OwnedFunction } from '@jax-js/jax';
import { type CaseProgress, type Contender, type RunMode, interleaved } from '../harness.js';
import { FirstCall, jaxArray, type np, useJaxWasm } from '../jaxjs.js';
import { OUR_SETUPS, variantName, withSetup } from '../ours.js';
import { type CaseResult, oursValue } from '../results.js';
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
export function tfjsChainGradient(length: number): Float32Array {
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

function tfjs(backend: TfBackend, length: number): Contender {
  return {
    open: async () => (await useBackend(backend)) ?? { run: () => void tfjsChainGradient(length) },
  };
}

/** jax-js's chain gradient in float64: `grad` of Σ chain(x), eager or jitted (consumes nothing of the caller's). */
export function jaxChain(length: number): {
  gradient: (x: np.Array) => np.Array;
  jitted: OwnedFunction<(x: np.Array) => np.Array>;
  dispose: () => void;
} {
  const scale = jaxArray(Float64Array.from(SCALE), [4], 'float64');
  const shift = jaxArray(Float64Array.from(SHIFT), [4], 'float64');
  const chain = (x: np.Array): np.Array => {
    let y = x;
    for (let i = 0; i < length; i++) {
      const r = i % 3;
      y = r === 0 ? y.mul(scale.ref) : r === 1 ? y.add(shift.ref) : nn.sigmoid(y);
    }
    return y.sum();
  };
  const gradient = grad(chain);
  const jitted = jit(gradient);
  return {
    gradient,
    jitted,
    dispose: () => {
      jitted.dispose();
      scale.dispose();
      shift.dispose();
    },
  };
}

/** The jax-js gradient of the chain at the shared input, as float64 (for tests). */
export function jaxChainGradient(length: number, how: 'jit' | 'eager'): Float64Array {
  const chain = jaxChain(length);
  const f = how === 'jit' ? chain.jitted : chain.gradient;
  const g = Float64Array.from(f(jaxArray(Float64Array.from(INPUT), [4], 'float64')).dataSync());
  chain.dispose();
  return g;
}

/**
 * jax-js, eager or jitted. The chain (and with it the jitted function, which takes seconds to
 * compile) is built once, on the first open, and shared by both contenders and every round.
 */
function jaxjsContenders(length: number, first: FirstCall): { contenders: Contender[]; dispose: () => void } {
  let chain: ReturnType<typeof jaxChain> | undefined;
  const contender = (how: 'jit' | 'eager'): Contender => ({
    open: async () => {
      const failure = await useJaxWasm();
      if (failure !== null) return failure;
      chain ??= jaxChain(length);
      const f = how === 'jit' ? chain.jitted : chain.gradient;
      const x = jaxArray(Float64Array.from(INPUT), [4], 'float64');
      const run = (): void => void f(x.ref).dataSync();
      if (how === 'jit') await first.time(run);
      return { run, close: () => x.dispose() };
    },
  });
  return { contenders: [contender('jit'), contender('eager')], dispose: () => chain?.dispose() };
}

/** Runs W3, reporting progress. */
export async function runTape(mode: RunMode, onCase: CaseProgress = () => () => undefined): Promise<CaseResult[]> {
  const length = mode.quick ? CHAIN_LENGTH.quick : CHAIN_LENGTH.full;
  const ours = OUR_SETUPS.map((setup): Contender => ({
    open: async () => withSetup(setup, () => ({ run: () => void oursChainGradient(length) })),
  }));
  const first = new FirstCall();
  const jax = jaxjsContenders(length, first);
  const label = `${length} ops on [4], forward + backward (ours and jax-js float64, tfjs float32)`;
  const figures = await interleaved(
    [...ours, tfjs('cpu', length), tfjs('wasm', length), ...jax.contenders],
    mode,
    (s) => (s / length) * 1e6,
    onCase(`W3 ${length} ops`),
  );
  jax.dispose();
  const k = OUR_SETUPS.length;
  return [
    {
      workload: 'W3',
      label,
      unit: 'µs/op',
      higherIsBetter: false,
      ours: OUR_SETUPS.map((s, i) => ({ variant: variantName('tape', s), value: oursValue(figures[i]!, label) })),
      peers: {
        'tfjs-cpu': figures[k]!,
        'tfjs-wasm': figures[k + 1]!,
        'jax-js jit': figures[k + 2]!,
        'jax-js eager': figures[k + 3]!,
      },
      jitFirstCallSeconds: first.seconds,
    },
  ];
}
