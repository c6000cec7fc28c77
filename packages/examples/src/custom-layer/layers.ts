/**
 * A researcher's own layers, written against the public API only.
 *
 * - `affineSoftsign(x, W, b) = softsign(x Wᵀ + b)`, softsign(z) = z / (1 + |z|): a fused dense
 *   layer made with `defineOp`. Its vjp is written by hand in tensor ops, so it is itself
 *   differentiable (gradgradcheck passes) and appears on the tape as one node.
 * - `swish(x) = x · σ(x)` made with `customVjp`: the forward keeps σ(x) as a residual and the
 *   backward uses it, instead of letting the tape differentiate mul and sigmoid separately.
 * - `SoftsignDense` also carries its backprop derived by hand, the way Nielsen derives BP1–BP4
 *   for the dense layer, so nn's `checkLayer` and `compareBackprop` can check the derivation
 *   against the tape; `SloppySoftsignDense` gets it wrong on purpose.
 */
import {
  Rng,
  abs,
  add,
  customVjp,
  defineOp,
  div,
  matmul,
  mul,
  noGrad,
  sigmoid,
  sub,
  sum,
  transpose,
  zeros,
  type Tensor,
} from '@tapegrad/autograd';
import {
  Activation,
  Module,
  Parameter,
  initLinear,
  type BackpropContext,
  type ElementwiseActivation,
  type LayerBackprop,
} from '@tapegrad/nn';

/** softsign(x Wᵀ + b) for x [m, in], W [out, in], b [out]; one tape node. */
export const affineSoftsign = defineOp({
  name: 'affineSoftsign',
  arity: 3,
  forward: (x, w, b) => {
    const z = add(matmul(x, transpose(w)), b);
    return div(z, add(abs(z), 1));
  },
  vjp: (g, { inputs: [x, w, b], needsGrad }) => {
    // z is recomputed rather than kept: one matmul buys back an [m, out] buffer per call.
    const z = add(matmul(x!, transpose(w!)), b!);
    const denom = add(abs(z), 1);
    // softsign′(z) = 1 / (1 + |z|)², so ∂C/∂z = g / (1 + |z|)².
    const gz = div(g, mul(denom, denom));
    return [
      needsGrad[0] ? matmul(gz, w!) : null,
      needsGrad[1] ? matmul(transpose(gz), x!) : null,
      needsGrad[2] ? sum(gz, { axis: 0 }) : null,
    ];
  },
});

/** x · σ(x), with the gradient σ + x·σ·(1 − σ) computed from the saved σ. */
export const swish = customVjp((x: Tensor) => mul(x, sigmoid(x)), {
  name: 'swish',
  fwd: (x) => {
    const s = sigmoid(x);
    return [mul(x, s), { x, s }] as const;
  },
  bwd: ({ x, s }, g) => [mul(g, add(s, mul(mul(x, s), sub(1, s))))],
});

/** A dense layer whose forward is the fused `affineSoftsign` op. */
export class SoftsignDense extends Module {
  /** W, shape [out, in]. */
  readonly weight: Parameter;
  /** b, shape [out]. */
  readonly bias: Parameter;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
  ) {
    super();
    const w = zeros([outFeatures, inFeatures]);
    const b = zeros([outFeatures]);
    // Glorot-normal: softsign saturates slowly but still saturates, so keep z near unit scale.
    initLinear(w.data, b.data, inFeatures, outFeatures, 'xavierNormal', rng);
    this.weight = this.registerParameter('weight', new Parameter(w));
    this.bias = this.registerParameter('bias', new Parameter(b));
  }

  forward(x: Tensor): Tensor {
    const a = affineSoftsign(x, this.weight, this.bias);
    // The backprop needs 1 + |z|, which the fused op keeps to itself; a = z / (1 + |z|) gives it
    // back as 1 / (1 − |a|), but saving it costs one pass and loses nothing to rounding.
    // Off the tape: the saved tensor feeds the hand-derived backprop only.
    this.saveForBackprop(noGrad(() => add(abs(add(matmul(x, transpose(this.weight)), this.bias)), 1)));
    return a;
  }

  /**
   * By hand, for a = softsign(z), z = x Wᵀ + b: softsign′(z) = 1 / (1 + |z|)², so
   * δ_z = δ_a / (1 + |z|)² (the BP1/BP2 step), then as for any dense layer ∂C/∂x = δ_z W (BP2),
   * ∂C/∂b = Σ_rows δ_z (BP3), ∂C/∂W = δ_zᵀ x (BP4).
   */
  override backprop(deltaOut: Tensor, { input, saved, needsDeltaIn }: BackpropContext<Tensor>): LayerBackprop {
    const denom = saved!;
    const dz = this.dz(deltaOut, denom);
    return {
      deltaIn: needsDeltaIn ? matmul(dz, this.weight) : null,
      grads: { weight: matmul(transpose(dz), input), bias: sum(dz, { axis: 0 }) },
    };
  }

  /** δ_z from δ_a and 1 + |z|. */
  protected dz(deltaOut: Tensor, denom: Tensor): Tensor {
    return div(deltaOut, mul(denom, denom));
  }

  describe(): string {
    return `SoftsignDense(${this.inFeatures} → ${this.outFeatures})`;
  }
}

/** The same layer with a classic slip in its derivation: softsign′(z) taken as 1 / (1 + |z|), unsquared. */
export class SloppySoftsignDense extends SoftsignDense {
  protected override dz(deltaOut: Tensor, denom: Tensor): Tensor {
    return div(deltaOut, denom);
  }

  override describe(): string {
    return `SloppySoftsignDense(${this.inFeatures} → ${this.outFeatures})`;
  }
}

/**
 * Swish as an nn activation: `apply` goes through the customVjp op (tape), `derivative` gives
 * swish′ in a plain loop, so nn's closed-form backprop can use the same activation.
 */
export const swishActivation: ElementwiseActivation = {
  name: 'swish',
  apply: (z) => swish(z),
  derivative: (z, _a, out) => {
    for (let i = 0; i < out.length; i++) {
      const v = z[i]!;
      const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      out[i] = s + v * s * (1 - s);
    }
  },
};

/** A module applying swish elementwise. */
export function swishLayer(): Activation {
  return new Activation(swishActivation);
}
