/**
 * Indexing with integer-valued tensors: gather (NumPy's take / TensorFlow's gather: one list of
 * indices applied to every lane, e.g. an embedding lookup) and takeAlongAxis (one index per lane,
 * PyTorch's torch.gather: picking logits[i, label[i]]). Both are one op; its vjp is a scatter-add
 * op whose vjp is the gather again, so both are differentiable to any order in `x` (never in the
 * indices, which are validated and copied to integers when the op is called).
 */
import { allocate } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { describeValue, formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { type LaneLayout, gatherLanes, scatterAddLanes } from '../kernels/gather.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';

/** Integer indices: a tensor of integer values, or a plain list (taken as 1-D). */
export type Indices = Tensor | readonly number[];

/** Gather and its vjp, scatter-add: each is the vjp of the other. */
export const GATHER_OPS = defineOps({
  gather: {
    forward: ([x], p) => {
      const out = allocate(x!.dtype, sizeOf(p.small));
      gatherLanes(x!.data, p.index, p.layout, out);
      return new Tensor(out, p.small);
    },
    vjp: (g, { params }): Tensor[] => [applyOp(GATHER_OPS.scatterAdd, [g], params)],
    jvp: ([t], { params }): Tensor => applyOp(GATHER_OPS.gather, [t!], params),
  },
  scatterAdd: {
    forward: ([g], p) => {
      const out = allocate(g!.dtype, sizeOf(p.large));
      scatterAddLanes(g!.data, p.index, p.layout, out);
      return new Tensor(out, p.large);
    },
    vjp: (g, { params }): Tensor[] => [applyOp(GATHER_OPS.gather, [g], params)],
    jvp: ([t], { params }): Tensor => applyOp(GATHER_OPS.scatterAdd, [t!], params),
  },
});

/** Validates the indices (integers in [0, n)) and copies them to an Int32Array. */
function readIndices(
  op: string,
  indices: Indices,
  x: Tensor,
  axis: number,
): { index: Int32Array; shape: readonly number[] } {
  let values: ArrayLike<number>;
  let shape: readonly number[];
  if (indices instanceof Tensor) {
    values = indices.data;
    shape = indices.shape;
  } else if (Array.isArray(indices)) {
    values = indices;
    shape = [indices.length];
  } else {
    throw new ArgumentError(
      `${op}: indices must be a Tensor or an array of integers, got ${indices === null ? 'null' : typeof indices}.`,
    );
  }
  const n = x.shape[axis]!;
  const index = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ArgumentError(
        `${op}: index ${describeValue(v)} at flat position ${i} is not an integer; indices must be integer-valued.`,
      );
    }
    if (v < 0 || v >= n) {
      throw new ArgumentError(
        `${op}: index ${v} at flat position ${i} is out of range for axis ${axis} of shape ${formatShape(x.shape)}; use 0 ≤ index < ${n}.`,
      );
    }
    index[i] = v;
  }
  return { index, shape };
}

function lanes(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * Selects entries of `x` along `axis` (default 0) by a list of integer indices, the same list for
 * every lane (NumPy's take, TensorFlow's gather): the result has shape
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. `gather(table, [3, 1, 3], 0)` picks rows 3,
 * 1 and 3. Indices repeat freely; their gradients add up. Indices must be integers in
 * [0, x.shape[axis]) (ArgumentError otherwise). For one index per row (class labels), use
 * {@link takeAlongAxis}.
 */
export function gather(x: Tensor, indices: Indices, axis = 0): Tensor {
  const t = expectTensor('gather', x);
  if (t.ndim === 0) throw new ShapeError(`gather: cannot index a 0-d tensor; it has no axis ${describeValue(axis)}.`);
  const ax = normalizeAxis('gather', axis, t.ndim);
  const { index, shape } = readIndices('gather', indices, t, ax);
  const { outer, inner } = lanes(t.shape, ax);
  const small = [...t.shape.slice(0, ax), ...shape, ...t.shape.slice(ax + 1)];
  const layout: LaneLayout = { outer, n: t.shape[ax]!, inner, k: index.length, along: false };
  return applyOp(GATHER_OPS.gather, [t], { layout, index, small, large: t.shape });
}

/**
 * Picks one entry of `x` per index along `axis` (NumPy's take_along_axis, PyTorch's gather):
 * `indices` has the same number of dimensions as `x` and the same sizes on every other axis, and
 * the result has the shape of `indices`, with result[…, j, …] = x[…, indices[…, j, …], …].
 * Class-label picking, logits[i, label[i]] for logits of shape [N, C]:
 * `takeAlongAxis(logits, unsqueeze(tensor(labels), 1), 1)` gives shape [N, 1]. Indices must be
 * integers in [0, x.shape[axis]) (ArgumentError otherwise). Differentiable in `x`.
 */
export function takeAlongAxis(x: Tensor, indices: Indices, axis: number): Tensor {
  const t = expectTensor('takeAlongAxis', x);
  if (t.ndim === 0)
    throw new ShapeError(`takeAlongAxis: cannot index a 0-d tensor; it has no axis ${describeValue(axis)}.`);
  const ax = normalizeAxis('takeAlongAxis', axis, t.ndim);
  const { index, shape } = readIndices('takeAlongAxis', indices, t, ax);
  if (shape.length !== t.ndim || shape.some((n, d) => d !== ax && n !== t.shape[d])) {
    throw new ShapeError(
      `takeAlongAxis: indices of shape ${formatShape(shape)} do not fit x of shape ${formatShape(t.shape)} along axis ${ax}: ` +
        `they need ${t.ndim} dimensions with the sizes of x on every axis but ${ax} (for one index per row, unsqueeze the labels at axis ${ax}).`,
    );
  }
  const { outer, inner } = lanes(t.shape, ax);
  const layout: LaneLayout = { outer, n: t.shape[ax]!, inner, k: shape[ax]!, along: true };
  return applyOp(GATHER_OPS.gather, [t], { layout, index, small: shape, large: t.shape });
}
