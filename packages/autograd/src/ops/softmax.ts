/**
 * The log-sum-exp family: logsumexp, softmax and logSoftmax, stable for any input (see
 * kernels/softmax.ts for how ±Infinity is handled). Each vjp is written in tensor ops, so all
 * three are twice differentiable.
 */
import { Tensor } from '../tensor.js';
import { logSoftmaxKernel, logsumexpKernel, softmaxKernel } from '../kernels/softmax.js';
import { reducedShape } from '../kernels/reduce.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';
import { mul, sub } from './elementwise.js';
import { exp } from './elementwise.js';
import { type AxisArg, axisOptions } from '../options.js';
import { type ReduceOptions, expandReduced, reduceParams, sum } from './reduce.js';
import type { ReduceParams } from './params.js';
import { describeLanes, describeReduction } from './describe.js';

/** Options of {@link softmax} and {@link logSoftmax}. */
export interface SoftmaxOptions {
  /** The axis or axes the distribution runs over (negative counts from the end); default −1. */
  axis?: number | readonly number[];
}

/**
 * log Σ exp(x) over `axis` (all axes by default), computed as m + log Σ exp(x − m) with m the
 * maximum. Never overflows: logsumexp([800, 800]) = 800 + log 2. Infinity: all −Infinity gives
 * −Infinity (gradient shared evenly, the limit of equal values); any +Infinity gives +Infinity
 * (gradient shared evenly among the +Infinity entries, 0 elsewhere). NaN propagates.
 */
export function logsumexp(x: Tensor, options?: AxisArg<ReduceOptions>): Tensor {
  const t = expectTensor('logsumexp', x);
  return applyOp(SOFTMAX_OPS.logsumexp, [t], reduceParams('logsumexp', t, options));
}

/** The log-sum-exp family, each forward beside its vjp. */
export const SOFTMAX_OPS = defineOps({
  logsumexp: {
    describeParams: describeReduction,
    forward: ([x], { axes, keepdims }) =>
      new Tensor(logsumexpKernel(x!.data, x!.shape, axes), reducedShape(x!.shape, axes, keepdims)),
    // ∂ lse / ∂x = softmax(x): the softmax op keeps this finite at ±Infinity and differentiable again.
    vjp: (g, { inputs: [x], params: { axes } }) => [mul(expandReduced(g, x!.shape, axes), softmax(x!, { axis: axes }))],
    jvp: ([t], { inputs: [x], params: { axes, keepdims } }) =>
      sum(mul(t!, softmax(x!, { axis: axes })), { axis: axes, keepdims }),
  },
  softmax: {
    describeParams: describeLanes,
    forward: ([x], { axes }) => new Tensor(softmaxKernel(x!.data, x!.shape, axes), x!.shape),
    // J = diag(y) − y yᵀ per lane, so ḡJ = y·(ḡ − Σ ḡ·y).
    vjp: (g, { output: y, params: { axes } }) => [mul(y, sub(g, sum(mul(g, y), { axis: axes, keepdims: true })))],
    // J is symmetric, so the jvp is the vjp's formula with the tangent in the cotangent's place.
    jvp: ([t], { output: y, params: { axes } }) => mul(y, sub(t!, sum(mul(t!, y), { axis: axes, keepdims: true }))),
  },
  logSoftmax: {
    describeParams: describeLanes,
    forward: ([x], { axes }) => new Tensor(logSoftmaxKernel(x!.data, x!.shape, axes), x!.shape),
    // J = I − 1·softmaxᵀ per lane, so ḡJ = ḡ − softmax·Σ ḡ; softmax = exp(output) needs no recompute.
    vjp: (g, { output, params: { axes } }) => [sub(g, mul(exp(output), sum(g, { axis: axes, keepdims: true })))],
    // J ṫ = ṫ − 1·(softmaxᵀ ṫ) per lane.
    jvp: ([t], { output, params: { axes } }) => sub(t!, sum(mul(exp(output), t!), { axis: axes, keepdims: true })),
  },
});

function softmaxParams(op: string, x: Tensor, arg: AxisArg<SoftmaxOptions> | undefined): ReduceParams {
  const options = axisOptions(op, arg, ['axis']);
  // A 0-d tensor is a distribution over one outcome; reducing over no axes gives exactly that.
  const axis = options.axis ?? (x.ndim === 0 ? [] : -1);
  return reduceParams(op, x, { axis, keepdims: true });
}

/**
 * exp(x) / Σ exp(x) over `axis` (default the last), stable for any input: the maximum is
 * subtracted first. Lanes of all −Infinity give a uniform distribution; lanes with +Infinity
 * share 1 among those entries. Gradients stay finite in both cases.
 */
export function softmax(x: Tensor, options?: AxisArg<SoftmaxOptions>): Tensor {
  const t = expectTensor('softmax', x);
  return applyOp(SOFTMAX_OPS.softmax, [t], softmaxParams('softmax', t, options));
}

/**
 * x − logsumexp(x) over `axis` (default the last), computed as (x − m) − log Σ exp(x − m), so it
 * is exact where softmax underflows to 0 (logSoftmax([0, −800]) = [0, −800]). −Infinity entries
 * beside finite ones give −Infinity; see {@link softmax} for lanes of infinities.
 */
export function logSoftmax(x: Tensor, options?: AxisArg<SoftmaxOptions>): Tensor {
  const t = expectTensor('logSoftmax', x);
  return applyOp(SOFTMAX_OPS.logSoftmax, [t], softmaxParams('logSoftmax', t, options));
}
