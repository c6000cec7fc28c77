import {
  Tensor,
  Rng,
  ArgumentError,
  ShapeError,
  formatShape,
  zeros,
  matmul,
  add,
  sum,
  checkDType,
  checkOptions,
  describeValue,
  type DType,
} from '@tapegrad/autograd';
import { Module, type BackpropContext, type LayerBackprop } from '../module.js';
import { Parameter } from '../parameter.js';
import { initLinear, type InitScheme } from '../init.js';
import { expectPositiveInt } from '../util.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** The seeded generator the initial weights are drawn from (required: randomness is never implicit). */
  rng: Rng;
  /** The initialisation scheme (default `'normal'`, N(0, 1) as in Nielsen's book). */
  init?: InitScheme;
  /** Element type of the parameters (default 'float64'). */
  dtype?: DType;
  /** Learn a bias b (default true); false gives z = W a, with `bias` null. */
  bias?: boolean;
}

/**
 * An affine layer z = W a + b in the notation of Nielsen's chapter 2: `weight` has shape [out, in] and `bias`
 * [out]. Inputs are row batches x of shape [m, in], so the forward pass is Z = x Wᵀ + b with one
 * sample per row.
 */
export class Linear extends Module {
  /** W, shape [outFeatures, inFeatures]. */
  readonly weight: Parameter;
  /** b, shape [outFeatures]; null for a layer made with `{bias: false}`. */
  readonly bias: Parameter | null;

  /** @param inFeatures width of the input rows; @param outFeatures number of neurons. */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions,
  ) {
    super();
    expectPositiveInt('Linear', 'inFeatures', inFeatures);
    expectPositiveInt('Linear', 'outFeatures', outFeatures);
    const where = `Linear(${inFeatures} → ${outFeatures})`;
    const given = checkOptions(where, options, ['rng', 'init', 'dtype', 'bias']);
    if (!(given.rng instanceof Rng)) {
      throw new ArgumentError(
        `${where}: pass { rng: new Rng(seed) }; initial weights are drawn from an explicit seeded generator.`,
      );
    }
    if (given.bias !== undefined && typeof given.bias !== 'boolean')
      throw new ArgumentError(`${where}: bias must be true or false, got ${describeValue(given.bias)}.`);
    const dtype = checkDType(where, given.dtype ?? 'float64');
    const w = zeros([outFeatures, inFeatures], { dtype });
    // Drawn even without a bias, so that {bias: false} keeps the weights a seed gives with one.
    const b = zeros([outFeatures], { dtype });
    initLinear(w.data, b.data, inFeatures, outFeatures, given.init ?? 'normal', given.rng);
    this.weight = this.registerParameter('weight', new Parameter(w));
    this.bias = given.bias === false ? null : this.registerParameter('bias', new Parameter(b));
  }

  /** Z = x Wᵀ + b for x of shape [m, inFeatures]; throws a ShapeError naming the layer otherwise. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${this.label()}: input must be a Tensor.`);
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new ShapeError(
        `${this.label()}: input has shape ${formatShape(x.shape)} but this layer expects [m, ${this.inFeatures}] (one sample per row, ` +
          `weight ${formatShape(this.weight.shape)}). ` +
          (x.ndim === 1
            ? 'Reshape a single sample with x.reshape([1, -1]).'
            : "Check the previous layer's width or the data's feature count."),
      );
    }
    const z = matmul(x, this.weight, { transposeB: true });
    return this.bias === null ? z : add(z, this.bias);
  }

  /**
   * Nielsen's equations in row-batch form, for δ = ∂C/∂Z of shape [m, out]:
   * BP2's (W)ᵀ δ is δ W ([m, in]); BP3 gives ∂C/∂b = Σ over samples of δ; BP4 gives
   * ∂C/∂W = δᵀ A^{l−1} ([out, in]), the sum over samples of δ (a^{l−1})ᵀ. A layer without a bias
   * has no BP3.
   */
  override backprop(deltaOut: Tensor, { input, needsDeltaIn }: BackpropContext): LayerBackprop {
    const weight = matmul(deltaOut, input, { transposeA: true });
    return {
      deltaIn: needsDeltaIn ? matmul(deltaOut, this.weight) : null,
      grads: this.bias === null ? { weight } : { weight, bias: sum(deltaOut, { axis: 0 }) },
    };
  }

  /** `Linear(in → out)`, with `, no bias` for a layer without one. */
  describe(): string {
    return `Linear(${this.inFeatures} → ${this.outFeatures}${this.bias === null ? ', no bias' : ''})`;
  }
}
