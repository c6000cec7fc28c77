import { Tensor, mul, sub, sum } from '@tapegrad/autograd';
import { ReducedCost, batchDivisor, scaledResidual } from './cost.js';
import { expectMatrix, expectSameShape } from '../util.js';

function check(where: string, output: Tensor, target: Tensor): void {
  expectMatrix(where, 'output', output);
  expectSameShape(where, 'output', output, 'target', target);
}

/**
 * The quadratic cost of Nielsen's chapter 1: C = ½‖y − a^L‖² per sample, summed over output units, then averaged
 * (or summed) over the m samples of the batch. ∇_a C = (a − y) / m.
 */
export class QuadraticCost extends ReducedCost {
  readonly name = 'quadratic';
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
    return scaledResidual(output, target, 1, divisor);
  }
}

/**
 * Mean squared error over every element (PyTorch's MSELoss): Σ (a − y)² / (m · n) for 'mean',
 * Σ (a − y)² for 'sum'. Unlike the quadratic cost there is no ½ and 'mean' also divides by the
 * number of output units.
 */
export class MSECost extends ReducedCost {
  readonly name = 'mse';
  /** Σ (a − y)² / (m n). */
  forward(output: Tensor, target: Tensor): Tensor {
    check('MSECost', output, target);
    const d = sub(output, target);
    return mul(sum(mul(d, d)), 1 / batchDivisor(this.reduction, output.size));
  }

  /** 2 (a − y) / (m n). */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    check('MSECost.gradOutput', output, target);
    const divisor = batchDivisor(this.reduction, output.size);
    return scaledResidual(output, target, 2, divisor);
  }
}
