/**
 * W2: training throughput of a sigmoid MLP with quadratic cost C = 1/(2B) Σ‖a − y‖² and plain
 * SGD, in samples per second. Every library computes z = a·Wᵀ + b with W of shape [out, in]
 * (tfjs: matMul(a, W, false, true); jax-js: matmul(a, W.transpose()) inside its trace).
 */
import type { DType } from '@tapegrad/autograd';
import { type CaseProgress, type Contender, type RunMode, interleaved } from '../harness.js';
import { FirstCall, type JaxDType, jaxArray, useJaxWasm } from '../jaxjs.js';
import { OUR_SETUPS, type OurSetup, variantName, withSetup } from '../ours.js';
import { type CaseResult, oursValue } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';
import { ClosedFormMlp } from './closed-form.js';
import { JaxMlp, type JaxStep, eagerStep, jittedStep } from './mlp-jaxjs.js';
import { MLP_CASES, QUICK_MLP_CASES, type MlpCase, initParams, makeBatch, tensorOf } from './mlp-setup.js';
import { TapeMlp } from './mlp-tape.js';
import { TfMlp } from './mlp-tfjs.js';

/** Which of our implementations a W2 figure is for. */
export type OursPath = 'tape' | 'closed-form';

const PATHS: readonly OursPath[] = ['tape', 'closed-form'];
const DTYPES = ['float32', 'float64'] as const satisfies readonly DType[];

function outDim(c: MlpCase): number {
  return c.sizes[c.sizes.length - 1]!;
}

/** One of ours: a fresh network from the shared initial parameters every round. */
function ours(path: OursPath, c: MlpCase, dtype: DType, setup: OurSetup): Contender {
  return {
    open: async () =>
      withSetup(setup, () => {
        const { x, y } = makeBatch(c);
        const init = initParams(c.sizes);
        const net = path === 'tape' ? new TapeMlp(init, c.sizes, dtype) : new ClosedFormMlp(init, c.sizes, dtype);
        const xt = tensorOf(x, [c.batch, c.sizes[0]!], dtype);
        const yt = tensorOf(y, [c.batch, outDim(c)], dtype);
        return { run: () => net.step(xt, yt) };
      }),
  };
}

/** TensorFlow.js on `backend`, float32. */
function tfjs(c: MlpCase, backend: TfBackend): Contender {
  return {
    open: async () => {
      const failure = await useBackend(backend);
      if (failure !== null) return failure;
      const { x, y } = makeBatch(c);
      const net = new TfMlp(initParams(c.sizes), c.sizes);
      const xt = tf.tensor2d(Float32Array.from(x), [c.batch, c.sizes[0]!]);
      const yt = tf.tensor2d(Float32Array.from(y), [c.batch, outDim(c)]);
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

/** jax-js on its wasm device in `dtype`, stepping with `update` (jitted or eager). */
function jaxjs(c: MlpCase, dtype: JaxDType, update: JaxStep, first?: FirstCall): Contender {
  return {
    open: async () => {
      const failure = await useJaxWasm();
      if (failure !== null) return failure;
      const { x, y } = makeBatch(c);
      const net = new JaxMlp(initParams(c.sizes), c.sizes, dtype, update);
      const xj = jaxArray(x, [c.batch, c.sizes[0]!], dtype);
      const yj = jaxArray(y, [c.batch, outDim(c)], dtype);
      const run = (): Promise<void> => net.step(xj, yj);
      await first?.time(run);
      return {
        run,
        close: () => {
          net.dispose();
          xj.dispose();
          yj.dispose();
        },
      };
    },
  };
}

/** Runs W2 for both networks, both of our implementations and both dtypes, reporting progress per case. */
export async function runMlp(mode: RunMode, onCase: CaseProgress = () => () => undefined): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of mode.quick ? QUICK_MLP_CASES : MLP_CASES) {
    const jitted = DTYPES.map(() => jittedStep());
    const first = DTYPES.map(() => new FirstCall());
    const oursVariants = DTYPES.flatMap((dtype) =>
      PATHS.flatMap((path) => OUR_SETUPS.map((setup) => ({ dtype, path, setup }))),
    );
    // One interleaved run per network: the tfjs figures (float32 only) serve both dtypes' cases.
    const contenders = [
      ...oursVariants.map(({ dtype, path, setup }) => ours(path, c, dtype, setup)),
      tfjs(c, 'cpu'),
      tfjs(c, 'wasm'),
      ...DTYPES.flatMap((d, i) => [jaxjs(c, d, jitted[i]!, first[i]), jaxjs(c, d, eagerStep)]),
    ];
    const name = `[${c.sizes.join(', ')}] batch ${c.batch}`;
    const figures = await interleaved(contenders, mode, (s) => c.batch / s, onCase(`W2 ${name}`));
    for (const j of jitted) j.dispose();
    const tfAt = oursVariants.length;
    DTYPES.forEach((dtype, d) => {
      const label = `${name}, ${dtype === 'float32' ? 'float32' : 'float64 (tfjs: float32)'}`;
      results.push({
        workload: 'W2',
        label,
        unit: 'samples/s',
        higherIsBetter: true,
        ours: oursVariants.flatMap((v, i) =>
          v.dtype === dtype ? [{ variant: variantName(v.path, v.setup), value: oursValue(figures[i]!, label) }] : [],
        ),
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

/** Our parameters (weights then biases, as float64 copies) after one SGD step of `path` (for tests). */
export function oursAfterOneStep(c: MlpCase, dtype: DType, path: OursPath = 'tape'): Float64Array[] {
  const { x, y } = makeBatch(c);
  const init = initParams(c.sizes);
  const xt = tensorOf(x, [c.batch, c.sizes[0]!], dtype);
  const yt = tensorOf(y, [c.batch, outDim(c)], dtype);
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
export async function tfjsAfterOneStep(c: MlpCase, backend: TfBackend): Promise<Float64Array[]> {
  const failure = await useBackend(backend);
  if (failure !== null) throw new Error(`tfjs ${backend} backend unavailable: ${failure}`);
  const { x, y } = makeBatch(c);
  const net = new TfMlp(initParams(c.sizes), c.sizes);
  const xt = tf.tensor2d(Float32Array.from(x), [c.batch, c.sizes[0]!]);
  const yt = tf.tensor2d(Float32Array.from(y), [c.batch, outDim(c)]);
  net.step(xt, yt);
  const out = [...net.weights, ...net.biases].map((p) => Float64Array.from(p.dataSync()));
  net.dispose();
  xt.dispose();
  yt.dispose();
  return out;
}

/** jax-js's parameters after one SGD step in `dtype`, jitted or eager (for tests). */
export async function jaxAfterOneStep(c: MlpCase, dtype: JaxDType, how: 'jit' | 'eager'): Promise<Float64Array[]> {
  const failure = await useJaxWasm();
  if (failure !== null) throw new Error(`jax-js wasm device unavailable: ${failure}`);
  const { x, y } = makeBatch(c);
  const update = how === 'jit' ? jittedStep() : eagerStep;
  const net = new JaxMlp(initParams(c.sizes), c.sizes, dtype, update);
  const xj = jaxArray(x, [c.batch, c.sizes[0]!], dtype);
  const yj = jaxArray(y, [c.batch, outDim(c)], dtype);
  await net.step(xj, yj);
  const out = net.snapshot();
  net.dispose();
  xj.dispose();
  yj.dispose();
  if (how === 'jit') (update as ReturnType<typeof jittedStep>).dispose();
  return out;
}
