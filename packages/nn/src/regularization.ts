import { Tensor, ArgumentError, mul, sum, add, zeros } from '@tapegrad/autograd';
import { Module } from './module.js';
import { Linear } from './layers/linear.js';
import { expectNonNegative, allocLike } from './util.js';

/**
 * The weights an L2 penalty applies to: the `weight` of every Linear layer, never a bias
 * (seed 003 leaves the bias column j = 0 out of the regularised sum).
 */
export function regularizedWeights(module: Module): Tensor[] {
  return module.modules().filter((m): m is Linear => m instanceof Linear).map((l) => l.weight);
}

/**
 * The L2 term (λ / 2m) Σ W² over `weights`, on the tape. `m` is the number of samples the data
 * cost averages over (the batch size for a 'mean' cost, 1 for 'sum'), so the penalty and the
 * data cost keep the same scale.
 */
export function l2Penalty(weights: readonly Tensor[], lambda: number, m: number): Tensor {
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

/** ∂/∂W of (λ / 2m) Σ W², i.e. (λ / m) W, computed without the tape. */
export function l2Gradient(weight: Tensor, lambda: number, m: number): Tensor {
  const out = allocLike(weight);
  const s = lambda / m;
  for (let i = 0; i < out.length; i++) out[i] = weight.data[i]! * s;
  return new Tensor(out, weight.shape);
}
