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
function paramsOf(where: string, params: unknown): Tensor[] {
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

/** `g` with `f` applied elementwise, in new storage (a gradient may be shared, so it is never edited). */
function mapTensor(g: Tensor, f: (v: number) => number): Tensor {
  const out = allocLike(g);
  for (let i = 0; i < out.length; i++) out[i] = f(g.data[i]!);
  return new Tensor(out, g.shape);
}

/** Checks clipGradNorm's maxNorm and options; returns the norm type and the non-finite policy. */
function normSettings(where: string, maxNorm: unknown, options: ClipGradNormOptions | undefined): [number, boolean] {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0) || !Number.isFinite(maxNorm))
    throw new ArgumentError(`${where}: maxNorm must be a finite number > 0, got ${describeValue(maxNorm)}.`);
  const o = checkOptions(where, options, ['normType', 'errorIfNonfinite']);
  const p = o.normType ?? 2;
  if (typeof p !== 'number' || !(p > 0))
    throw new ArgumentError(`${where}: normType must be a number > 0 or Infinity, got ${describeValue(p)}.`);
  const strict = o.errorIfNonfinite ?? true;
  if (typeof strict !== 'boolean')
    throw new ArgumentError(`${where}: errorIfNonfinite must be true or false, got ${describeValue(strict)}.`);
  return [p, strict];
}

/** The p-norm of all elements of `grads` taken as one vector. */
function totalNorm(grads: readonly Tensor[], p: number): number {
  // Scaling by the largest |g| first keeps Σ|g|ᵖ from overflowing for large gradients.
  let largest = 0;
  // Math.max propagates NaN, so a NaN anywhere makes the norm NaN.
  for (const g of grads) for (const v of g.data) largest = Math.max(largest, Math.abs(v));
  if (!(largest > 0) || !Number.isFinite(largest) || p === Infinity) return largest;
  let sum = 0;
  for (const g of grads)
    for (const v of g.data) {
      const r = Math.abs(v) / largest;
      sum += p === 2 ? r * r : p === 1 ? r : r ** p;
    }
  return largest * (p === 2 ? Math.sqrt(sum) : p === 1 ? sum : sum ** (1 / p));
}

/**
 * The clipGradNorm rule on a list of gradients (null entries skipped): returns the total norm and
 * the gradients to use, scaled by maxNorm / (norm + 1e-6) when that is below 1. Shared by
 * {@link clipGradNorm} (on `.grad`) and training loops that hold gradients in a list.
 */
export function clipNormOf(
  where: string,
  grads: readonly (Tensor | null)[],
  maxNorm: number,
  options?: ClipGradNormOptions,
): { norm: number; grads: (Tensor | null)[] } {
  const [p, strict] = normSettings(where, maxNorm, options);
  const norm = totalNorm(
    grads.filter((g): g is Tensor => g !== null),
    p,
  );
  if (!Number.isFinite(norm)) {
    if (strict) {
      throw new ArgumentError(
        `${where}: the total ${p}-norm of the gradients is ${norm} (a gradient holds NaN or ±Infinity); find the op that produced it with detectAnomaly, or pass {errorIfNonfinite: false} to get the norm back and leave the gradients unclipped.`,
      );
    }
    return { norm, grads: [...grads] };
  }
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return { norm, grads: [...grads] };
  return { norm, grads: grads.map((g) => (g === null ? null : mapTensor(g, (v) => v * coef))) };
}

/** The clipGradValue rule on a list of gradients (null entries skipped). */
export function clipValueOf(where: string, grads: readonly (Tensor | null)[], clipValue: number): (Tensor | null)[] {
  if (typeof clipValue !== 'number' || !(clipValue > 0) || !Number.isFinite(clipValue))
    throw new ArgumentError(`${where}: clipValue must be a finite number > 0, got ${describeValue(clipValue)}.`);
  return grads.map((g) =>
    g === null ? null : mapTensor(g, (v) => (v > clipValue ? clipValue : v < -clipValue ? -clipValue : v)),
  );
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
  const list = paramsOf('clipGradNorm', params);
  const { norm, grads } = clipNormOf(
    'clipGradNorm',
    list.map((t) => t.grad),
    maxNorm,
    options,
  );
  list.forEach((t, i) => {
    if (grads[i] !== t.grad) t.grad = grads[i]!;
  });
  return norm;
}

/**
 * Clamps every gradient element of `params` to [−clipValue, clipValue] (PyTorch's
 * clip_grad_value_). Parameters without a gradient are skipped; NaN stays NaN.
 */
export function clipGradValue(params: Module | Tensor | Iterable<Tensor>, clipValue: number): void {
  const list = paramsOf('clipGradValue', params);
  const grads = clipValueOf(
    'clipGradValue',
    list.map((t) => t.grad),
    clipValue,
  );
  list.forEach((t, i) => {
    t.grad = grads[i]!;
  });
}
