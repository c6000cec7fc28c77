/** Reductions over axes: each forward kernel beside its vjp. */
import { ArgumentError, ShapeError } from '../errors.js';
import {
  type Shape,
  broadcastsTo,
  checkSize,
  describeValue,
  formatShape,
  normalizeAxes,
  shapesEqual,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { maxAxes, minAxes, reducedShape, sumAxes } from '../kernels/reduce.js';
import { divScalarInto } from '../kernels/unary.js';
import { type Jvp, type OpRules, type Vjp, applyOp, defineOps } from './define.js';
import type { ReduceParams } from './params.js';
import { describeReduction } from './describe.js';
import { expectTensor } from './operands.js';
import { type AxisArg, axisOptions } from '../options.js';
import { broadcastTo, reshape } from './movement.js';
import { div, mul } from './elementwise.js';
import { eq } from './compare.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** The axis or axes to reduce (negative counts from the end); all axes by default. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size-1 dimensions (default false). */
  keepdims?: boolean;
}

const REDUCE_KEYS: readonly (keyof ReduceOptions)[] = ['axis', 'keepdims'];

/**
 * Resolves a reduction's axis argument (a bare axis, a list, or {@link ReduceOptions}) against a
 * tensor, naming the op in errors.
 */
export function reduceParams(op: string, x: Tensor, arg?: AxisArg<ReduceOptions>): ReduceParams {
  const options = axisOptions(op, arg, REDUCE_KEYS);
  const keepdims = options.keepdims ?? false;
  if (typeof keepdims !== 'boolean')
    throw new ArgumentError(`${op}: keepdims must be true or false, got ${describeValue(keepdims)}.`);
  const axes = normalizeAxes(op, options.axis, x.ndim);
  // Reducing an empty tensor can ask for a huge output ([0, 2⁴⁰] over axis 0): refuse it by name.
  if (x.size === 0) checkSize(op, reducedShape(x.shape, axes, keepdims));
  return { axes, keepdims };
}

/** Expands a reduced gradient (or value) back over the reduced axes (sorted, distinct) to `shape`. */
export function expandReduced(g: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  // A 0-d value, one that kept its dims, or one reduced over leading axes only broadcasts as it
  // is; otherwise the reduced axes come back as size-1 dimensions first.
  const aligned =
    g.ndim === 0 ||
    (g.ndim === shape.length && axes.every((a) => g.shape[a] === 1)) ||
    (g.ndim === shape.length - axes.length && axes.every((a, i) => a === i));
  return broadcastTo(aligned ? g : reshape(g, reducedShape(shape, axes, true)), shape);
}

/** Sum over `axis` (all axes by default); `sum(x, 0)` and `sum(x, [0, 1])` name the axes directly. */
export function sum(x: Tensor, options?: AxisArg<ReduceOptions>): Tensor {
  const t = expectTensor('sum', x);
  return applyOp(REDUCE_OPS.sum, [t], reduceParams('sum', t, options));
}

/**
 * Sums a gradient of a broadcast shape back to `shape`: over leading dimensions and over
 * dimensions where `shape` has size 1. The engine calls this for every broadcasting op.
 */
export function sumToShape(g: Tensor, shape: Shape, op = 'sumToShape', inputIndex = 0): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  if (!broadcastsTo(shape, g.shape)) {
    throw new ShapeError(
      `'${op}': cannot sum a gradient of shape ${formatShape(g.shape)} to the shape ${formatShape(shape)} of input ${inputIndex}.`,
    );
  }
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  let inner = false; // whether a size-1 dimension of `shape` is summed over
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) {
      axes.push(i);
      inner = true;
    }
  }
  if (axes.length === 0) return reshape(g, shape);
  // Summing leading dimensions only leaves `shape` itself: the bias gradient of a linear layer
  // needs no reshape after its column sum.
  if (!inner) return applyOp(REDUCE_OPS.sum, [g], { axes, keepdims: false });
  return reshape(applyOp(REDUCE_OPS.sum, [g], { axes, keepdims: true }), shape);
}

/** The number of elements folded into each output element of a reduction. */
function reducedCount(shape: Shape, axes: readonly number[]): number {
  let n = 1;
  // A 0-d tensor accepts axis 0 (as NumPy does) but has no shape[0]: it folds one element.
  for (const a of axes) n *= shape[a] ?? 1;
  return n;
}

/** Refuses a reduction with no identity over an empty axis instead of returning ±Infinity or NaN. */
function checkNonEmpty(op: string, x: Tensor, axes: readonly number[]): void {
  if (reducedCount(x.shape, axes) === 0) {
    throw new ShapeError(
      `${op}: cannot reduce over a zero-size axis of a tensor of shape ${formatShape(x.shape)} (axes ${describeValue(axes)}); the result would be undefined.`,
    );
  }
}

/** Arithmetic mean over `axis` (all axes by default). */
export function mean(x: Tensor, options?: AxisArg<ReduceOptions>): Tensor {
  const t = expectTensor('mean', x);
  const params = reduceParams('mean', t, options);
  checkNonEmpty('mean', t, params.axes);
  return applyOp(REDUCE_OPS.mean, [t], params);
}

/**
 * The vjp of max and min: the gradient is split evenly among the elements equal to the result
 * (mask / count), so ties share it and the total is kept. Written in tensor ops; the mask is
 * piecewise constant, so higher derivatives are 0 as they should be.
 */
/** Where x attains its extremum, each place weighted 1/(number of ties), so ties share evenly. */
function extremumWeights(x: Tensor, output: Tensor, axes: readonly number[]): Tensor {
  const mask = eq(x, expandReduced(output, x.shape, axes));
  return div(mask, sum(mask, { axis: axes, keepdims: true }));
}

const extremumVjp: Vjp<ReduceParams> = (g, { inputs: [x], output, params: { axes } }) => [
  mul(expandReduced(g, x!.shape, axes), extremumWeights(x!, output, axes)),
];

const extremumJvp: Jvp<ReduceParams> = ([t], { inputs: [x], output, params: { axes, keepdims } }) =>
  sum(mul(t!, extremumWeights(x!, output, axes)), { axis: axes, keepdims });

/** The rules of max or min, which differ only in their kernel: ties share the gradient evenly. */
function extremum(kernel: typeof maxAxes): OpRules<ReduceParams> {
  return {
    describeParams: describeReduction,
    forward: ([x], { axes, keepdims }) =>
      new Tensor(kernel(x!.data, x!.shape, axes), reducedShape(x!.shape, axes, keepdims)),
    vjp: extremumVjp,
    jvp: extremumJvp,
  };
}

/** The reductions, each forward beside its derivative rules. */
export const REDUCE_OPS = defineOps({
  sum: {
    describeParams: describeReduction,
    forward: ([x], { axes, keepdims }) =>
      new Tensor(sumAxes(x!.data, x!.shape, axes), reducedShape(x!.shape, axes, keepdims)),
    vjp: (g, { inputs: [x], params }) => [expandReduced(g, x!.shape, params.axes)],
    jvp: ([t], { params: { axes, keepdims } }) => sum(t!, { axis: axes, keepdims }),
  },
  mean: {
    describeParams: describeReduction,
    forward: ([x], { axes, keepdims }) => {
      const out = sumAxes(x!.data, x!.shape, axes);
      const n = reducedCount(x!.shape, axes);
      divScalarInto(out, n, out);
      return new Tensor(out, reducedShape(x!.shape, axes, keepdims));
    },
    vjp: (g, { inputs: [x], params }) => [
      div(expandReduced(g, x!.shape, params.axes), reducedCount(x!.shape, params.axes)),
    ],
    jvp: ([t], { params: { axes, keepdims } }) => mean(t!, { axis: axes, keepdims }),
  },
  max: extremum(maxAxes),
  min: extremum(minAxes),
});

/** Largest value over `axis` (all axes by default); NaN propagates. Ties share the gradient evenly. */
export function max(x: Tensor, options?: AxisArg<ReduceOptions>): Tensor {
  const t = expectTensor('max', x);
  const params = reduceParams('max', t, options);
  checkNonEmpty('max', t, params.axes);
  return applyOp(REDUCE_OPS.max, [t], params);
}

/** Smallest value over `axis` (all axes by default); NaN propagates. Ties share the gradient evenly. */
export function min(x: Tensor, options?: AxisArg<ReduceOptions>): Tensor {
  const t = expectTensor('min', x);
  const params = reduceParams('min', t, options);
  checkNonEmpty('min', t, params.axes);
  return applyOp(REDUCE_OPS.min, [t], params);
}
