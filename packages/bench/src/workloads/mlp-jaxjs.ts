/**
 * W2 in jax-js: the same network, cost and SGD step written with its numpy API and `grad`, run
 * either eagerly or as one `jit` of the whole step (forward, gradient and update).
 *
 * jax-js counts references: every function takes ownership of the arrays passed to it, and
 * `.ref` (or `tree.ref`) keeps one for later use. The step consumes the old parameters and
 * returns the new ones.
 */
import { grad, jit, nn, tree, type OwnedFunction } from '@jax-js/jax';
import { type JaxDType, blockUntilReady, jaxArray, np } from '../jaxjs.js';
import { LEARNING_RATE, type MlpInit } from './mlp-setup.js';

/** The network's parameters as a jax-js tree; W^l has shape [out, in], as ours. */
export type JaxParams = { weights: np.Array[]; biases: np.Array[] };

/** Quadratic cost 1/(2B)·Σ‖a − y‖² of the sigmoid MLP, z = a·Wᵀ + b (consumes all arguments). */
function cost(p: JaxParams, x: np.Array, y: np.Array): np.Array {
  let a = x;
  p.weights.forEach((w, l) => {
    a = nn.sigmoid(np.matmul(a, w.transpose()).add(p.biases[l]!));
  });
  const batch = y.shape[0]!;
  const d = a.sub(y);
  return d.ref
    .mul(d)
    .sum()
    .mul(0.5 / batch);
}

/** One plain SGD step: the new parameters (consumes all arguments). */
function sgdStep(p: JaxParams, x: np.Array, y: np.Array): JaxParams {
  const g = grad(cost)(tree.ref(p), x, y);
  return tree.map((v: np.Array, gv: np.Array) => v.sub(gv.mul(LEARNING_RATE)), p, g) as JaxParams;
}

/** How a jax-js network takes its step. */
export type JaxStep = (p: JaxParams, x: np.Array, y: np.Array) => JaxParams;

/** The whole step jitted: trace and compile on the first call, one compiled program after. */
export function jittedStep(): OwnedFunction<JaxStep> {
  return jit(sgdStep);
}

/** The step run eagerly, op by op, with `grad` tracing the cost each time. */
export const eagerStep: JaxStep = sgdStep;

/** The MLP in jax-js on its wasm device, in `dtype`, from the shared initial parameters. */
export class JaxMlp {
  private params: JaxParams;

  constructor(
    init: MlpInit,
    sizes: readonly number[],
    dtype: JaxDType,
    private readonly update: JaxStep,
  ) {
    this.params = {
      weights: init.weights.map((w, l) => jaxArray(w, [sizes[l + 1]!, sizes[l]!], dtype)),
      biases: init.biases.map((b, l) => jaxArray(b, [sizes[l + 1]!], dtype)),
    };
  }

  /** One SGD step on the batch, and waits until it has run (jax-js is lazy). */
  async step(x: np.Array, y: np.Array): Promise<void> {
    this.params = this.update(this.params, x.ref, y.ref);
    await blockUntilReady(this.params);
  }

  /** Weights then biases, layer by layer, as float64 copies (the order the other MLPs use). */
  snapshot(): Float64Array[] {
    return [...this.params.weights, ...this.params.biases].map((p) => Float64Array.from(p.ref.dataSync()));
  }

  /** Frees the parameters. */
  dispose(): void {
    tree.dispose(this.params);
  }
}
