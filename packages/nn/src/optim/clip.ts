import { ArgumentError, Tensor, checkOptions } from '@tapegrad/autograd';
import { Module } from '../module.js';
import { allocLike, describeValue } from '../util.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm, > 0, or Infinity for the largest |g| (default 2). */
  normType?: number;
  /**
   * Throw when the total norm is NaN or ±Infinity (default true). With false, the gradients are
   * left as they are and the non-finite norm is returned for the caller to act on.
   */
  errorIfNonfinite?: boolean;
}

/** The gradients of `params` that are set, checking the argument. */
function gradsOf(where: string, params: unknown): Tensor[] {
  let list: unknown[];
  if (params instanceof Module) list = params.parameters();
  else if (params instanceof Tensor) list = [params];
  else if (params !== null && typeof params === 'object' && Symbol.iterator in params)
    list = [...(params as Iterable<unknown>)];
  else
    throw new ArgumentError(
      `${where}: params must be a Module, a Tensor or an iterable of Tensors, got ${describeValue(params)}; pass model or model.parameters().`,
    );
  return list.map((p, i) => {
    if (!(p instanceof Tensor))
      throw new ArgumentError(`${where}: parameter ${i} is ${describeValue(p)}, not a Tensor.`);
    return p;
  });
}

/** Replaces each set `.grad` with `f` applied elementwise (never editing a gradient another tensor may share). */
function mapGrads(params: readonly Tensor[], f: (g: number) => number): void {
  for (const p of params) {
    const g = p.grad;
    if (g === null) continue;
    const out = allocLike(g);
    for (let i = 0; i < out.length; i++) out[i] = f(g.data[i]!);
    p.grad = new Tensor(out, g.shape);
  }
}

/**
 * Scales the gradients of `params` together so that their total p-norm (the norm of all their
 * elements as one vector) is at most `maxNorm`, as PyTorch's clip_grad_norm_ does: each gradient
 * is multiplied by maxNorm / (norm + 1e-6) when that is below 1. Parameters without a gradient are
 * skipped. Returns the total norm before clipping.
 */
export function clipGradNorm(
  params: Module | Tensor | Iterable<Tensor>,
  maxNorm: number,
  options?: ClipGradNormOptions,
): number {
  const where = 'clipGradNorm';
  const list = gradsOf(where, params);
  if (typeof maxNorm !== 'number' || !(maxNorm > 0) || !Number.isFinite(maxNorm))
    throw new ArgumentError(`${where}: maxNorm must be a finite number > 0, got ${describeValue(maxNorm)}.`);
  const o = checkOptions(where, options, ['normType', 'errorIfNonfinite']);
  const p = o.normType ?? 2;
  if (typeof p !== 'number' || !(p > 0))
    throw new ArgumentError(`${where}: normType must be a number > 0 or Infinity, got ${describeValue(p)}.`);
  const strict = o.errorIfNonfinite ?? true;
  if (typeof strict !== 'boolean')
    throw new ArgumentError(`${where}: errorIfNonfinite must be true or false, got ${describeValue(strict)}.`);
  const grads = list.map((t) => t.grad).filter((g): g is Tensor => g !== null);
  // Scaling by the largest |g| first keeps Σ|g|ᵖ from overflowing for large gradients.
  let largest = 0;
  // Math.max propagates NaN, so a NaN anywhere makes the norm NaN.
  for (const g of grads) for (const v of g.data) largest = Math.max(largest, Math.abs(v));
  let total: number;
  if (!(largest > 0) || !Number.isFinite(largest) || p === Infinity) total = largest;
  else {
    let sum = 0;
    for (const g of grads)
      for (const v of g.data) {
        const r = Math.abs(v) / largest;
        sum += p === 2 ? r * r : p === 1 ? r : r ** p;
      }
    total = largest * (p === 2 ? Math.sqrt(sum) : p === 1 ? sum : sum ** (1 / p));
  }
  if (!Number.isFinite(total)) {
    if (strict) {
      throw new ArgumentError(
        `${where}: the total ${p}-norm of the gradients is ${total} (a gradient holds NaN or ±Infinity); find the op that produced it with detectAnomaly, or pass {errorIfNonfinite: false} to get the norm back and leave the gradients unclipped.`,
      );
    }
    return total;
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) mapGrads(list, (g) => g * coef);
  return total;
}

/**
 * Clamps every gradient element of `params` to [−clipValue, clipValue] (PyTorch's
 * clip_grad_value_). Parameters without a gradient are skipped; NaN stays NaN.
 */
export function clipGradValue(params: Module | Tensor | Iterable<Tensor>, clipValue: number): void {
  const where = 'clipGradValue';
  const list = gradsOf(where, params);
  if (typeof clipValue !== 'number' || !(clipValue > 0) || !Number.isFinite(clipValue))
    throw new ArgumentError(`${where}: clipValue must be a finite number > 0, got ${describeValue(clipValue)}.`);
  mapGrads(list, (g) => (g > clipValue ? clipValue : g < -clipValue ? -clipValue : g));
}
