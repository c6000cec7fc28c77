/** Costs, each with its tape form and its analytic ∇_a C. */
import { ArgumentError } from '@tapegrad/autograd';
import { describeValue } from '../util.js';
import type { Cost, CostOptions } from './cost.js';
import { MSECost, QuadraticCost } from './quadratic.js';
import { BCECost, BCEWithLogitsCost, LogLikelihoodCost, SoftmaxCrossEntropyCost } from './cross-entropy.js';

export { type Cost, type CostOptions, type Reduction, ReducedCost, batchDivisor, scaledResidual } from './cost.js';
export { QuadraticCost, MSECost } from './quadratic.js';
export { BCECost, BCEWithLogitsCost, LogLikelihoodCost, SoftmaxCrossEntropyCost } from './cross-entropy.js';
export { oneHotTargets, classIndices } from './targets.js';

/**
 * The built-in costs by name. 'cross-entropy' is the name Nielsen's chapter 3 gives the binary
 * cross-entropy on sigmoid outputs; 'bce' is the same cost under its PyTorch name.
 */
export type CostName =
  'quadratic' | 'mse' | 'cross-entropy' | 'bce' | 'bceWithLogits' | 'softmaxCrossEntropy' | 'logLikelihood';

/** A cost object, or the name of a built-in one (with default options). */
export type CostLike = Cost | CostName;

/** Resolves a {@link CostLike}; names take `options`. */
export function resolveCost(c: CostLike, options?: CostOptions): Cost {
  if (typeof c !== 'string') {
    if (c === null || typeof c !== 'object' || typeof c.forward !== 'function' || typeof c.gradOutput !== 'function') {
      throw new ArgumentError(
        'cost: expected a cost name or an object with forward(output, target) and gradOutput(output, target).',
      );
    }
    return c;
  }
  switch (c) {
    case 'quadratic':
      return new QuadraticCost(options);
    case 'mse':
      return new MSECost(options);
    case 'cross-entropy':
    case 'bce':
      return new BCECost(options);
    case 'bceWithLogits':
      return new BCEWithLogitsCost(options);
    case 'softmaxCrossEntropy':
      return new SoftmaxCrossEntropyCost(options);
    case 'logLikelihood':
      return new LogLikelihoodCost(options);
    default:
      throw new ArgumentError(
        `cost: unknown cost ${describeValue(c)}; use quadratic, mse, cross-entropy (or its alias bce), bceWithLogits, softmaxCrossEntropy or logLikelihood.`,
      );
  }
}
