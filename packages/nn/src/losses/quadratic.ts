import { Tensor, mul, sub, sum } from '@tapegrad/autograd';
import { type Cost, type CostOptions, type Reduction, batchDivisor, checkReduction } from './cost.js';
import { allocLike, expectMatrix, expectSameShape } from '../util.js';

function check(where: string, output: Tensor, target: Tensor): void {
  expectMatrix(where, 'output', output);
  expectSameShape(where, 'output', output, 'target', target);
}

/**
 * The seeds' quadratic cost: C = ½‖y − a^L‖² per sample, summed over output units, then averaged
 * (or summed) over the m samples of the batch. ∇_a C = (a − y) / m.
 */
export class QuadraticCost implements Cost {
  /** 'quadratic'. */
  readonly name = 'quadratic';
  /** The batch reduction. */
  readonly reduction: Reduction;

  /** @param options `{reduction}` (default 'mean'). */
  constructor(options: CostOptions = {}) {
    this.reduction = checkReduction('QuadraticCost', options.reduction);
  }

  /** ½ Σ (a − y)² / m (or without / m for 'sum'). */
  forward(output: Tensor, target: Tensor): Tensor {
    check('QuadraticCost', output, target);
    const d = sub(output, target);
    return mul(sum(mul(d, d)), 0.5 / batchDivisor(this.reduction, output.shape[0]!));
  }

  /** (a − y) / m. */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    check('QuadraticCost.gradOutput', output, target);
    const divisor = batchDivisor(this.reduction, output.shape[0]!);
    const out = allocLike(output);
    const a = output.data;
    const y = target.data;
    for (let i = 0; i < out.length; i++) out[i] = (a[i]! - y[i]!) / divisor;
    return new Tensor(out, output.shape);
  }
}

/**
 * Mean squared error over every element (PyTorch's MSELoss): Σ (a − y)² / (m · n) for 'mean',
 * Σ (a − y)² for 'sum'. Unlike the quadratic cost there is no ½ and 'mean' also divides by the
 * number of output units.
 */
export class MSECost implements Cost {
  /** 'mse'. */
  readonly name = 'mse';
  /** The batch reduction. */
  readonly reduction: Reduction;

  /** @param options `{reduction}` (default 'mean'). */
  constructor(options: CostOptions = {}) {
    this.reduction = checkReduction('MSECost', options.reduction);
  }

  /** Σ (a − y)² / (m n). */
  forward(output: Tensor, target: Tensor): Tensor {
    check('MSECost', output, target);
    const d = sub(output, target);
    return mul(sum(mul(d, d)), 1 / (this.reduction === 'mean' ? output.size : 1));
  }

  /** 2 (a − y) / (m n). */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    check('MSECost.gradOutput', output, target);
    const divisor = this.reduction === 'mean' ? output.size : 1;
    const out = allocLike(output);
    const a = output.data;
    const y = target.data;
    for (let i = 0; i < out.length; i++) out[i] = (2 * (a[i]! - y[i]!)) / divisor;
    return new Tensor(out, output.shape);
  }
}
