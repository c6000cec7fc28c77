/**
 * W4: training throughput of Nielsen's chapter-6 convolutional net (conv 5×5 with 20 maps, 2×2
 * max-pool, sigmoid, fully connected 100 sigmoid, softmax 10, log-likelihood cost, SGD η = 0.1) on
 * batches of 10 MNIST-sized images, in images per second. Ours in NCHW with weight [out, in, kh,
 * kw]; TensorFlow.js with its conv2d in NHWC (its layout on the cpu and wasm backends) with the
 * same initial values, transposed to its layouts.
 */
import { type DType, Rng, Tensor } from '@tapegrad/autograd';
import {
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  trainStep,
  type InitFunction,
} from '@tapegrad/nn';
import { type CaseProgress, type Contender, type RunMode, interleaved } from '../harness.js';
import { OUR_SETUPS, type OurSetup, variantName, withSetup } from '../ours.js';
import { type CaseResult, oursValue } from '../results.js';
import { type TfBackend, tf, useBackend } from '../tfjs.js';

const BATCH = 10;
const MAPS = 20;
const HIDDEN = 100;
const LR = 0.1;
const DTYPES = ['float32', 'float64'] as const satisfies readonly DType[];
const PATHS = ['tape', 'closed-form'] as const;
const NO_JAX = 'W4 compares with TensorFlow.js conv2d only';

/** The shared initial values (float64), drawn once from a fixed seed, in our layouts. */
interface ConvInit {
  readonly conv: { weight: Float64Array; bias: Float64Array };
  readonly hidden: { weight: Float64Array; bias: Float64Array };
  readonly out: { weight: Float64Array; bias: Float64Array };
  readonly x: Float64Array;
  readonly y: Float64Array;
}

function draw(n: number, std: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => std * rng.normal());
}

/** network3.py's initial values: N(0, 1/n_out) weights, N(0, 1) biases, a small output layer. */
function convInit(): ConvInit {
  const rng = new Rng(4);
  const y = new Float64Array(BATCH * 10);
  for (let i = 0; i < BATCH; i++) y[i * 10 + (i % 10)] = 1;
  return {
    conv: { weight: draw(MAPS * 25, Math.sqrt(4 / (MAPS * 25)), rng), bias: draw(MAPS, 1, rng) },
    hidden: { weight: draw(HIDDEN * MAPS * 144, Math.sqrt(1 / HIDDEN), rng), bias: draw(HIDDEN, 1, rng) },
    out: { weight: draw(10 * HIDDEN, 0.1, rng), bias: draw(10, 0.1, rng) },
    x: Float64Array.from({ length: BATCH * 784 }, () => rng.uniform()),
    y,
  };
}

const copy =
  (p: { weight: Float64Array; bias: Float64Array }): InitFunction =>
  (weight, bias) => {
    weight.set(p.weight);
    bias.set(p.bias);
  };

/** Our net from the shared values; `trainStep` through the tape or the hand-derived backprops. */
function ours(path: (typeof PATHS)[number], dtype: DType, init: ConvInit, setup: OurSetup): Contender {
  return {
    open: async () =>
      withSetup(setup, () => {
        const rng = new Rng(0);
        const net = new Sequential(
          new Conv2d(1, MAPS, 5, { rng, dtype, init: copy(init.conv) }),
          new MaxPool2d(2),
          new Sigmoid(),
          new Flatten(),
          new Linear(MAPS * 144, HIDDEN, { rng, dtype, init: copy(init.hidden) }),
          new Sigmoid(),
          new Linear(HIDDEN, 10, { rng, dtype, init: copy(init.out) }),
          new Softmax(),
        );
        const optimizer = new SGD(net.parameters(), { lr: LR });
        const x = new Tensor(dtype === 'float32' ? Float32Array.from(init.x) : init.x.slice(), [BATCH, 1, 28, 28]);
        const y = new Tensor(dtype === 'float32' ? Float32Array.from(init.y) : init.y.slice(), [BATCH, 10]);
        return { run: () => void trainStep(net, optimizer, x, y, { cost: 'logLikelihood', backprop: path }) };
      }),
  };
}

/** [out, in, kh, kw] → [kh, kw, in, out] (tfjs's filter layout). */
function hwio(w: Float64Array, out: number, inC: number, k: number): Float32Array {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++)
    for (let c = 0; c < inC; c++)
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) r[((i * k + j) * inC + c) * out + o] = w[((o * inC + c) * k + i) * k + j]!;
  return r;
}

/** [out, in] → [in, out]. */
function transposed(w: Float64Array, out: number, inF: number): Float32Array {
  const r = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inF; i++) r[i * out + o] = w[o * inF + i]!;
  return r;
}

/** The same net in TensorFlow.js (float32, NHWC), trained with its SGD optimizer. */
function tfjs(init: ConvInit, backend: TfBackend): Contender {
  return {
    open: async () => {
      const failure = await useBackend(backend);
      if (failure !== null) return failure;
      const filter = tf.variable(tf.tensor4d(hwio(init.conv.weight, MAPS, 1, 5), [5, 5, 1, MAPS]));
      const b1 = tf.variable(tf.tensor1d(Float32Array.from(init.conv.bias)));
      // Our flattening is channel-major (NCHW); tfjs flattens NHWC, so its FC weight reads the same
      // values in its own order: only the throughput is compared here.
      const w2 = tf.variable(tf.tensor2d(transposed(init.hidden.weight, HIDDEN, MAPS * 144), [MAPS * 144, HIDDEN]));
      const b2 = tf.variable(tf.tensor1d(Float32Array.from(init.hidden.bias)));
      const w3 = tf.variable(tf.tensor2d(transposed(init.out.weight, 10, HIDDEN), [HIDDEN, 10]));
      const b3 = tf.variable(tf.tensor1d(Float32Array.from(init.out.bias)));
      const vars = [filter, b1, w2, b2, w3, b3];
      const x = tf.tensor4d(Float32Array.from(init.x), [BATCH, 28, 28, 1]);
      const y = tf.tensor2d(Float32Array.from(init.y), [BATCH, 10]);
      const optimizer = tf.train.sgd(LR);
      return {
        run: () => {
          optimizer.minimize(
            () => {
              const conv = tf.add(tf.conv2d(x, filter as tf.Tensor4D, 1, 'valid'), b1);
              const pooled = tf.sigmoid(tf.maxPool(conv as tf.Tensor4D, 2, 2, 'valid'));
              const hidden = tf.sigmoid(tf.add(tf.matMul(tf.reshape(pooled, [BATCH, MAPS * 144]), w2), b2));
              const logits = tf.add(tf.matMul(hidden as tf.Tensor2D, w3), b3);
              return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
            },
            false,
            vars,
          );
          // dataSync on a weight waits for the step and keeps lazy backends honest.
          b1.dataSync();
        },
        close: () => {
          for (const v of vars) v.dispose();
          x.dispose();
          y.dispose();
          optimizer.dispose();
        },
      };
    },
  };
}

/** Runs W4: our tape and hand-derived steps in both dtypes beside tfjs's conv2d on cpu and wasm. */
export async function runConv(mode: RunMode, onCase: CaseProgress = () => () => undefined): Promise<CaseResult[]> {
  const init = convInit();
  const variants = DTYPES.flatMap((dtype) =>
    PATHS.flatMap((path) => OUR_SETUPS.map((setup) => ({ dtype, path, setup }))),
  );
  const contenders = [
    ...variants.map((v) => ours(v.path, v.dtype, init, v.setup)),
    tfjs(init, 'cpu'),
    tfjs(init, 'wasm'),
  ];
  const name = `chapter-6 conv net, batch ${BATCH}`;
  const figures = await interleaved(contenders, mode, (s) => BATCH / s, onCase(`W4 ${name}`));
  const tfAt = variants.length;
  return DTYPES.map((dtype) => {
    const label = `${name}, ${dtype === 'float32' ? 'float32' : 'float64 (tfjs: float32)'}`;
    return {
      workload: 'W4',
      label,
      unit: 'images/s',
      higherIsBetter: true,
      ours: variants.flatMap((v, i) =>
        v.dtype === dtype ? [{ variant: variantName(v.path, v.setup), value: oursValue(figures[i]!, label) }] : [],
      ),
      peers: {
        'tfjs-cpu': figures[tfAt]!,
        'tfjs-wasm': figures[tfAt + 1]!,
        'jax-js jit': { missing: NO_JAX },
        'jax-js eager': { missing: NO_JAX },
      },
      jitFirstCallSeconds: null,
    };
  });
}
