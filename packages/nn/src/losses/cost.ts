import { ArgumentError, Tensor, checkOptions, ShapeError } from '@tapegrad/autograd';
import { allocLike, describeValue } from '../util.js';
import type { Module } from '../module.js';

/**
 * How per-sample costs combine over a batch of m samples: `'mean'` divides the sum by m (the
 * averaged mini-batch gradient of Nielsen's chapters 1–2), `'sum'` does not.
 */
export type Reduction = 'mean' | 'sum';

/** Options shared by every cost. */
export interface CostOptions {
  /** Batch reduction (default 'mean'). */
  reduction?: Reduction;
}

/**
 * A cost C(a^L, y) over a row batch, in two forms: `forward` builds it from autograd ops (so the
 * tape can differentiate it) and `gradOutput` gives the analytic ∇_a C with plain loops (so the
 * closed-form backprop needs no tape). Both use the same reduction.
 */
export interface Cost {
  /** A name such as 'quadratic'. */
  readonly name: string;
  /** The batch reduction. */
  readonly reduction: Reduction;
  /** C as a scalar tensor, recorded on the tape when `output` requires grad. */
  forward(output: Tensor, target: Tensor): Tensor;
  /** ∇_a C, the same shape as `output`, computed without the tape. */
  gradOutput(output: Tensor, target: Tensor): Tensor;
  /**
   * ∂C/∂(input of `layer`) in closed form when this cost and the network's last layer simplify
   * together (BP1 with the σ′ cancelled: sigmoid + cross-entropy, and softmax + log-likelihood,
   * give δ^L = a − y, Nielsen chapter 3); null to run the layer's own backprop on ∇_a C instead.
   * `output` is the layer's output a^L.
   */
  outputDelta?(layer: Module, output: Tensor, target: Tensor): Tensor | null;
}

/** Validates a reduction option. */
export function checkReduction(where: string, r: unknown): Reduction {
  if (r === undefined) return 'mean';
  if (r === 'mean' || r === 'sum') return r;
  throw new ArgumentError(`${where}: reduction must be 'mean' or 'sum', got ${describeValue(r)}.`);
}

/** The divisor of a batch of `m` samples under `reduction`; a 'mean' of none is a ShapeError, not NaN. */
export function batchDivisor(reduction: Reduction, m: number): number {
  // The mean of no samples is undefined: refuse it rather than return NaN (0 / 0).
  if (reduction === 'mean' && m === 0)
    throw new ShapeError(
      `cost: a 'mean' cost over an empty batch is undefined (there is nothing to average); pass at least one row, or use {reduction: 'sum'}.`,
    );
  return reduction === 'mean' ? m : 1;
}

/** What the built-in costs share: a validated batch reduction, named after the class in errors. */
export abstract class ReducedCost implements Cost {
  /** A name such as 'quadratic'. */
  abstract readonly name: string;
  /** The batch reduction. */
  readonly reduction: Reduction;

  /** @param options `{reduction}` (default 'mean'). */
  constructor(options?: CostOptions) {
    this.reduction = checkReduction(new.target.name, checkOptions(new.target.name, options, ['reduction']).reduction);
  }

  /** C as a scalar tensor, recorded on the tape when `output` requires grad. */
  abstract forward(output: Tensor, target: Tensor): Tensor;
  /** ∇_a C, the same shape as `output`, computed without the tape. */
  abstract gradOutput(output: Tensor, target: Tensor): Tensor;
}

/**
 * factor · (a − y) / divisor per element: the analytic gradient of the quadratic cost and MSE, and
 * the sigmoid + cross-entropy δ^L. Dividing (rather than multiplying by 1/divisor) keeps the
 * rounding of the textbook formula.
 */
export function scaledResidual(a: Tensor, y: Tensor, factor: number, divisor: number): Tensor {
  const out = allocLike(a);
  const ad = a.data;
  const yd = y.data;
  for (let i = 0; i < out.length; i++) out[i] = (factor * (ad[i]! - yd[i]!)) / divisor;
  return new Tensor(out, a.shape);
}
