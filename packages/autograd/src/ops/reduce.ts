/** Reductions over axes: each forward kernel beside its vjp. */
import { ShapeError } from '../errors.js';
import { type Shape, broadcastsTo, formatShape, normalizeAxes, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reduceAxes, reducedShape } from '../kernels/reduce.js';
import { applyOp, type OpSpec } from './define.js';
import { expectTensor } from './operands.js';
import { broadcastTo, reshape } from './movement.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** The axis or axes to reduce (negative counts from the end); all axes by default. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size-1 dimensions (default false). */
  keepdims?: boolean;
}

/** Resolved reduction parameters, as recorded on the tape. */
export interface ReduceParams {
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/** Resolves {@link ReduceOptions} against a tensor, naming the op in errors. */
export function reduceParams(op: string, x: Tensor, options: ReduceOptions = {}): ReduceParams {
  return { axes: normalizeAxes(op, options.axis, x.ndim), keepdims: options.keepdims ?? false };
}

/** Expands a reduced gradient (or value) back over the reduced axes to `shape`. */
export function expandReduced(g: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, reducedShape(shape, axes, true)), shape);
}

const SUM: OpSpec<ReduceParams> = {
  name: 'sum',
  forward: ([x], { axes, keepdims }) =>
    new Tensor(reduceAxes(x!.data, x!.shape, axes, 0, (acc, v) => acc + v), reducedShape(x!.shape, axes, keepdims)),
  vjp: (g, { inputs: [x], params }) => [expandReduced(g, x!.shape, params.axes)],
};

/** Sum over `axis` (all axes by default). */
export function sum(x: Tensor, options?: ReduceOptions): Tensor {
  const t = expectTensor('sum', x);
  return applyOp(SUM, [t], reduceParams('sum', t, options));
}

/**
 * Sums a gradient of a broadcast shape back to `shape`: over leading dimensions and over
 * dimensions where `shape` has size 1. The engine calls this for every broadcasting op.
 */
export function sumToShape(g: Tensor, shape: Shape, op = 'sumToShape', inputIndex = 0): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  if (!broadcastsTo(shape, g.shape)) {
    throw new ShapeError(`'${op}': cannot sum a gradient of shape ${formatShape(g.shape)} to the shape ${formatShape(shape)} of input ${inputIndex}.`);
  }
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const summed = axes.length ? sum(g, { axis: axes, keepdims: true }) : g;
  return reshape(summed, shape);
}
