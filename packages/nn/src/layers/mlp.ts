import { Rng, ArgumentError, type DType, checkOptions } from '@tapegrad/autograd';
import { Module } from '../module.js';
import type { Parameter } from '../parameter.js';
import { Linear } from './linear.js';
import {
  Activation,
  identityActivation,
  resolveActivation,
  type ActivationName,
  type ElementwiseActivation,
} from './activations.js';
import { Sequential } from './sequential.js';
import type { InitScheme } from '../init.js';
import { expectPositiveInt, describeValue } from '../util.js';

/** A Linear layer that has its bias b^l (the closed-form equations, BP3 included, need one). */
export type BiasedLinear = Linear & HasBias;

/** The bias part of {@link BiasedLinear}. */
export interface HasBias {
  /** b^l, shape [out]. */
  readonly bias: Parameter;
}

/** One layer l of a feed-forward net in Nielsen's sense: z^l = W^l a^{l−1} + b^l, a^l = σ(z^l). */
export interface DenseLayer {
  /** The affine part (W^l, b^l). */
  readonly linear: BiasedLinear;
  /** σ for this layer (identity when the Linear is not followed by an activation). */
  readonly activation: ElementwiseActivation;
}

/**
 * Reads a Sequential of `Linear` layers, each optionally followed by one elementwise
 * {@link Activation}, as a list of dense layers (a view for code that wants W^l and σ of layer l).
 * Throws an ArgumentError naming the first stage that does not fit.
 */
export function denseLayers(net: Sequential): DenseLayer[] {
  const out: DenseLayer[] = [];
  const stages = net.stages();
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]!;
    if (!(s instanceof Linear)) {
      throw new ArgumentError(
        `denseLayers: stage ${i} of ${net.describe()} is ${s.describe()}, but a dense network alternates Linear layers with optional elementwise activations.`,
      );
    }
    if (s.bias === null) {
      throw new ArgumentError(
        `denseLayers: stage ${i} of ${net.describe()} is ${s.describe()}; the closed-form equations (z = W a + b, BP3: ∂C/∂b = δ) need a bias. ` +
          `Build it with {bias: true} (the default), or train it on the tape (backprop: 'tape').`,
      );
    }
    const biased = s as BiasedLinear;
    const next = stages[i + 1];
    if (next instanceof Activation) {
      out.push({ linear: biased, activation: next.activation });
      i++;
    } else out.push({ linear: biased, activation: identityActivation });
  }
  if (out.length === 0) throw new ArgumentError(`denseLayers: ${net.describe()} has no Linear layer.`);
  return out;
}

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** The seeded generator for the initial weights (required). */
  rng: Rng;
  /** σ of the hidden layers (default 'sigmoid', as in Nielsen's book). */
  activation?: ActivationName | ElementwiseActivation;
  /** σ of the output layer (default: same as `activation`; use 'identity' to output logits). */
  outputActivation?: ActivationName | ElementwiseActivation;
  /** Initialisation scheme (default 'normal', N(0, 1)). */
  init?: InitScheme;
  /** Parameter dtype (default 'float64'). */
  dtype?: DType;
}

/** A fully connected network built by {@link mlp}: a Sequential that also knows its dense layers. */
export class MLP extends Sequential {
  /** The layer widths [n_0, n_1, ..., n_L]. */
  readonly sizes: readonly number[];

  /** Builds Linear(n_{l−1} → n_l) + activation for l = 1..L, drawing weights from `options.rng`. */
  constructor(sizes: readonly number[], options: MlpOptions) {
    super(...buildStages(sizes, options));
    this.sizes = Object.freeze([...sizes]);
  }

  /** The dense layers l = 1..L. */
  layers(): DenseLayer[] {
    return denseLayers(this);
  }

  /** `MLP(2-3-1, sigmoid)`. */
  override describe(): string {
    return `MLP(${this.sizes.join('-')})`;
  }
}

function buildStages(sizes: readonly number[], given: MlpOptions): Module[] {
  const options = checkOptions('mlp', given, ['rng', 'activation', 'outputActivation', 'init', 'dtype']);
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ArgumentError(
      `mlp: sizes must list at least an input and an output width, e.g. mlp([2, 3, 1], {rng}); got ${describeValue(sizes)}.`,
    );
  }
  sizes.forEach((n, i) => expectPositiveInt('mlp', `sizes[${i}]`, n));
  if (options === undefined || !(options.rng instanceof Rng)) {
    throw new ArgumentError(
      `mlp: pass { rng: new Rng(seed) }; initial weights are drawn from an explicit seeded generator.`,
    );
  }
  const hidden = resolveActivation(options.activation ?? 'sigmoid', 'mlp');
  const last = resolveActivation(options.outputActivation ?? hidden, 'mlp');
  const stages: Module[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const lin = new Linear(sizes[l - 1]!, sizes[l]!, {
      rng: options.rng,
      init: options.init ?? 'normal',
      dtype: options.dtype ?? 'float64',
    });
    stages.push(lin);
    const act = l === sizes.length - 1 ? last : hidden;
    // An identity output is left out so that the network's stages say what they compute.
    if (act !== identityActivation) stages.push(new Activation(act));
  }
  return stages;
}

/**
 * A fully connected network with layer widths `sizes` ([n_0, ..., n_L]): Linear layers with
 * weight [n_l, n_{l−1}], each followed by `activation` (sigmoid by default), the last by
 * `outputActivation`.
 */
export function mlp(sizes: readonly number[], options: MlpOptions): MLP {
  return new MLP(sizes, options);
}
