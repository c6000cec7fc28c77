import { Tensor, ArgumentError, mul, sum, add, zeros } from '@tapegrad/autograd';
import { Module } from './module.js';
import { Linear } from './layers/linear.js';
import { describeValue, expectNonNegative, expectPositiveInt, expectTensor } from './util.js';
import type { Reduction } from './losses/cost.js';

/**
 * The weights an L2 penalty applies to: the `weight` of every Linear layer, never a bias
 * (Nielsen's chapter 3 leaves the biases out of the regularised sum).
 */
export function regularizedWeights(module: Module): Tensor[] {
  return module
    .modules()
    .filter((m): m is Linear => m instanceof Linear)
    .map((l) => l.weight);
}

/**
 * The divisor d of the L2 term (λ / 2d) Σ W² added to the cost of one batch of `batchSize` rows.
 * The training objective is C = C_0 + (λ / 2n) Σ W² with n the number of training samples (seed
 * 003, Nielsen's book), so λ means the same at any batch size:
 * - a 'mean' batch cost estimates C_0 and carries the whole term: d = n;
 * - a 'sum' batch cost is m times that estimate and so carries m/n of the term: d = n / m.
 * Without `datasetSize` the batch is the whole training set (n = m): d = m for 'mean', 1 for 'sum'.
 */
export function l2Divisor(reduction: Reduction, batchSize: number, datasetSize?: number): number {
  const n = datasetSize === undefined ? batchSize : expectPositiveInt('l2Divisor', 'datasetSize', datasetSize);
  return reduction === 'mean' ? n : n / batchSize;
}

/**
 * The L2 term (λ / 2m) Σ W² over `weights`, on the tape; `m` comes from {@link l2Divisor}.
 */
export function l2Penalty(weights: readonly Tensor[], lambda: number, m: number): Tensor {
  if (!Array.isArray(weights))
    throw new ArgumentError(`l2Penalty: weights must be an array of tensors, got ${describeValue(weights)}.`);
  weights.forEach((w, i) => expectTensor('l2Penalty', `weights[${i}]`, w));
  expectNonNegative('l2Penalty', 'lambda', lambda);
  if (!(m > 0)) throw new ArgumentError(`l2Penalty: m must be positive, got ${m}.`);
  let total: Tensor | null = null;
  for (const w of weights) {
    const s = sum(mul(w, w));
    total = total === null ? s : add(total, s);
  }
  if (total === null) return zeros([]);
  return mul(total, lambda / (2 * m));
}
