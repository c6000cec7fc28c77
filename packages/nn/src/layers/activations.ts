import {
  Tensor,
  ArgumentError,
  sigmoid,
  tanh,
  relu,
  softmax,
  mul,
  sub,
  sum,
  type FloatArray,
} from '@tapegrad/autograd';
import { allocLike, describeValue } from '../util.js';
import { Module, type BackpropContext, type LayerBackprop } from '../module.js';

/**
 * An elementwise activation a = σ(z) together with its derivative, so that the same function
 * serves the tape (through `apply`, built from autograd ops) and the closed-form backprop
 * (through `derivative`, a raw loop with no tape).
 */
export interface ElementwiseActivation {
  /** A name such as 'sigmoid', used in summaries and when saving architectures. */
  readonly name: string;
  /** σ(z), recorded on the tape when z requires grad. */
  apply(z: Tensor): Tensor;
  /** Writes σ′(z) into `out`; `a` = σ(z) is passed too, since σ′ is cheapest from it for sigmoid and tanh. */
  derivative(z: FloatArray, a: FloatArray, out: FloatArray): void;
}

/** The logistic sigmoid; σ′ = σ(1 − σ). */
export const sigmoidActivation: ElementwiseActivation = {
  name: 'sigmoid',
  apply: (z) => sigmoid(z),
  derivative: (_z, a, out) => {
    for (let i = 0; i < out.length; i++) {
      const s = a[i]!;
      out[i] = s * (1 - s);
    }
  },
};

/** The hyperbolic tangent; tanh′ = 1 − tanh². */
export const tanhActivation: ElementwiseActivation = {
  name: 'tanh',
  apply: (z) => tanh(z),
  derivative: (_z, a, out) => {
    for (let i = 0; i < out.length; i++) {
      const t = a[i]!;
      out[i] = 1 - t * t;
    }
  },
};

/** max(z, 0); its derivative is taken as 0 at z = 0, as in PyTorch. */
export const reluActivation: ElementwiseActivation = {
  name: 'relu',
  apply: (z) => relu(z),
  derivative: (z, _a, out) => {
    for (let i = 0; i < out.length; i++) out[i] = z[i]! > 0 ? 1 : 0;
  },
};

/** The identity, for networks whose last layer outputs logits. */
export const identityActivation: ElementwiseActivation = {
  name: 'identity',
  apply: (z) => z,
  derivative: (_z, _a, out) => {
    out.fill(1);
  },
};

/** The built-in activations by name. */
export const ACTIVATIONS = {
  /** σ(z), σ′ = σ(1 − σ): the sigmoid neuron of Nielsen's chapter 1. */
  sigmoid: sigmoidActivation,
  /** tanh(z), tanh′ = 1 − tanh². */
  tanh: tanhActivation,
  /** max(z, 0), with derivative 0 at 0. */
  relu: reluActivation,
  /** z itself: a linear (logit) output layer. */
  identity: identityActivation,
} as const;

/** The name of a built-in elementwise activation. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** Resolves a name or descriptor to an {@link ElementwiseActivation}. */
export function resolveActivation(a: ActivationName | ElementwiseActivation, where: string): ElementwiseActivation {
  if (typeof a === 'string') {
    const found = (ACTIVATIONS as Record<string, ElementwiseActivation>)[a];
    if (found === undefined) {
      throw new ArgumentError(
        `${where}: unknown activation ${describeValue(a)}; use one of ${Object.keys(ACTIVATIONS).join(', ')} or pass {name, apply, derivative}.`,
      );
    }
    return found;
  }
  if (a === null || typeof a !== 'object' || typeof a.apply !== 'function' || typeof a.derivative !== 'function') {
    throw new ArgumentError(
      `${where}: an activation must be a name or an object {name, apply(z), derivative(z, a, out)}.`,
    );
  }
  return a;
}

/** A module applying an elementwise activation; the closed-form backprop recognises it. */
export class Activation extends Module {
  /** The activation this module applies. */
  readonly activation: ElementwiseActivation;

  /** @param activation a built-in name or a custom descriptor. */
  constructor(activation: ActivationName | ElementwiseActivation) {
    super();
    this.activation = resolveActivation(activation, 'Activation');
  }

  /** σ(x), elementwise. */
  forward(x: Tensor): Tensor {
    return this.activation.apply(x);
  }

  /** ∂C/∂z = ∂C/∂a ⊙ σ′(z): the "⊙ σ′(z^l)" of BP1 and BP2, with σ′ from the activation's `derivative`. */
  override backprop(deltaOut: Tensor, { input, output }: BackpropContext): LayerBackprop {
    const derivative = allocLike(input);
    this.activation.derivative(input.data, output.data, derivative);
    return { deltaIn: mul(deltaOut, new Tensor(derivative, input.shape)), grads: {} };
  }

  /** The activation's name in PascalCase, e.g. `Sigmoid`. */
  describe(): string {
    const n = this.activation.name;
    return n.charAt(0).toUpperCase() + n.slice(1);
  }
}

/** Elementwise logistic sigmoid. */
export class Sigmoid extends Activation {
  constructor() {
    super(sigmoidActivation);
  }
}

/** Elementwise hyperbolic tangent. */
export class Tanh extends Activation {
  constructor() {
    super(tanhActivation);
  }
}

/** Elementwise max(x, 0). */
export class ReLU extends Activation {
  constructor() {
    super(reluActivation);
  }

  /** `ReLU`. */
  override describe(): string {
    return 'ReLU';
  }
}

/** The identity, useful as an explicit "no activation" marker after a logits layer. */
export class Identity extends Activation {
  constructor() {
    super(identityActivation);
  }
}

/**
 * Softmax over the last axis (rows of a [m, k] batch sum to 1), Nielsen's chapter-3 output layer.
 * With the log-likelihood cost the closed form skips its backprop and starts from δ = a − y.
 */
export class Softmax extends Module {
  /** @param axis the axis that sums to 1 (default −1, the class axis of a row batch). */
  constructor(readonly axis = -1) {
    super();
  }

  /** softmax(x) along `axis`. */
  forward(x: Tensor): Tensor {
    return softmax(x, { axis: this.axis });
  }

  /**
   * ∂C/∂z_j = a_j (∂C/∂a_j − Σ_k ∂C/∂a_k a_k) along the axis: the softmax Jacobian
   * diag(a) − a aᵀ applied to δ without forming it.
   */
  override backprop(deltaOut: Tensor, { output }: BackpropContext): LayerBackprop {
    const projected = sum(mul(deltaOut, output), { axis: this.axis, keepdims: true });
    return { deltaIn: mul(output, sub(deltaOut, projected)), grads: {} };
  }

  /** `Softmax(axis)`. */
  describe(): string {
    return `Softmax(axis=${this.axis})`;
  }
}
