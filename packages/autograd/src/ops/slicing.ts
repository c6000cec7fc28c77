/**
 * Ops that cut out or join rectangular blocks: slice, pad, concat, stack. slice and pad are each
 * other's vjp, and concat's vjp is a slice per input, so all are differentiable to any order.
 */
import { allocate, promoteTypes } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { checkSize, describeValue, formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { copyBox } from '../kernels/movement.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';
import { unsqueeze } from './movement.js';
import { zerosLike } from '../creation.js';

/**
 * The range kept along one axis: `[start, end]` (end exclusive) or `[start]` (to the end).
 * Negative values count from the end, as in Python. No step: strided views are not supported.
 */
export type SliceRange = readonly [start: number, end?: number];

function sliceBlock(x: Tensor, starts: readonly number[], ends: readonly number[]): Tensor {
  return applyOp(SLICING_OPS.slice, [x], { starts, ends, full: x.shape });
}

function padBlock(x: Tensor, starts: readonly number[], full: readonly number[]): Tensor {
  return applyOp(SLICING_OPS.pad, [x], { starts, full });
}

function checkIndex(op: string, v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ArgumentError(`${op}: ${what} must be an integer, got ${describeValue(v)}.`);
  }
  return v;
}

/**
 * A contiguous block of `x`: `ranges[d]` gives `[start, end]` (end exclusive, negative counts
 * from the end) for axis d, starting at axis 0; axes without an entry (or with `null`) are kept
 * whole. For example `slice(x, [null, [1, 3]])` is NumPy's `x[:, 1:3]`. Ranges must lie inside
 * the axis (no silent clamping). Differentiable: the vjp pads the gradient with zeros.
 */
export function slice(x: Tensor, ranges: readonly (SliceRange | null)[]): Tensor {
  const t = expectTensor('slice', x);
  if (!Array.isArray(ranges) || ranges.length > t.ndim) {
    throw new ShapeError(
      `slice: expected at most ${t.ndim} ranges for a tensor of shape ${formatShape(t.shape)}, got ${describeValue(ranges)}.`,
    );
  }
  const starts: number[] = [];
  const ends: number[] = [];
  t.shape.forEach((size, d) => {
    const r = ranges[d] ?? null;
    if (r === null) {
      starts.push(0);
      ends.push(size);
      return;
    }
    if (!Array.isArray(r) || r.length < 1 || r.length > 2) {
      throw new ArgumentError(`slice: range ${d} must be [start, end] or [start], got ${describeValue(r)}.`);
    }
    const rawStart = checkIndex('slice', r[0], `start of range ${d}`);
    const rawEnd = r[1] === undefined ? size : checkIndex('slice', r[1], `end of range ${d}`);
    const s = rawStart < 0 ? rawStart + size : rawStart;
    const e = rawEnd < 0 ? rawEnd + size : rawEnd;
    if (s < 0 || e > size || s > e) {
      throw new ShapeError(
        `slice: range [${rawStart}, ${rawEnd}] on axis ${d} of shape ${formatShape(t.shape)} resolves to [${s}, ${e}], ` +
          `outside [0, ${size}] or reversed; use 0 ≤ start ≤ end ≤ ${size} (negative values count from the end).`,
      );
    }
    starts.push(s);
    ends.push(e);
  });
  return sliceBlock(t, starts, ends);
}

/**
 * Pads `x` with zeros: `widths[d] = [before, after]` for axis d, starting at axis 0; missing
 * axes get no padding. Differentiable: the vjp slices the gradient back out.
 */
export function pad(x: Tensor, widths: readonly (readonly [before: number, after: number])[]): Tensor {
  const t = expectTensor('pad', x);
  if (!Array.isArray(widths) || widths.length > t.ndim) {
    throw new ShapeError(
      `pad: expected at most ${t.ndim} [before, after] pairs for a tensor of shape ${formatShape(t.shape)}, got ${describeValue(widths)}.`,
    );
  }
  const starts: number[] = [];
  const full: number[] = [];
  t.shape.forEach((size, d) => {
    const w = widths[d] ?? [0, 0];
    if (!Array.isArray(w) || w.length !== 2 || !w.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new ArgumentError(
        `pad: widths[${d}] must be [before, after] with non-negative integers, got ${describeValue(w)}.`,
      );
    }
    starts.push(w[0]);
    full.push(w[0] + size + w[1]);
  });
  checkSize('pad', full);
  return padBlock(t, starts, full);
}

/** The block ops (slice, pad, concat), each forward beside its vjp. */
export const SLICING_OPS = defineOps({
  slice: {
    describeParams: ({ starts, ends }) => `[${starts.map((s, d) => `${s}:${ends[d]}`).join(', ')}]`,
    forward: ([x], { starts, ends }) => {
      const shape = starts.map((s, d) => ends[d]! - s);
      const out = allocate(x!.dtype, sizeOf(shape));
      copyBox(
        x!.data,
        x!.shape,
        starts,
        out,
        shape,
        shape.map(() => 0),
        shape,
      );
      return new Tensor(out, shape);
    },
    vjp: (g, { params: { starts, full } }) => [padBlock(g, starts, full)],
    jvp: ([t], { params: { starts, ends } }) => sliceBlock(t!, starts, ends),
  },
  pad: {
    describeParams: ({ starts, full }, [x]) =>
      x === undefined ? '' : `widths [${starts.map((s, d) => `[${s}, ${full[d]! - s - x.shape[d]!}]`).join(', ')}]`,
    forward: ([x], { starts, full }) => {
      const out = allocate(x!.dtype, sizeOf(full));
      copyBox(
        x!.data,
        x!.shape,
        x!.shape.map(() => 0),
        out,
        full,
        starts,
        x!.shape,
      );
      return new Tensor(out, full);
    },
    vjp: (g, { inputs: [x], params: { starts } }) => [
      sliceBlock(
        g,
        starts,
        starts.map((s, d) => s + x!.shape[d]!),
      ),
    ],
    jvp: ([t], { params: { starts, full } }) => padBlock(t!, starts, full),
  },
  concat: {
    describeParams: (axis) => `axis ${axis}`,
    forward: (xs, axis) => {
      const first = xs[0]!;
      const shape = [...first.shape];
      shape[axis] = xs.reduce((n, t) => n + t.shape[axis]!, 0);
      const out = allocate(xs.map((t) => t.dtype).reduce(promoteTypes), sizeOf(shape));
      const at = shape.map(() => 0);
      for (const t of xs) {
        copyBox(
          t.data,
          t.shape,
          at.map(() => 0),
          out,
          shape,
          at,
          t.shape,
        );
        at[axis]! += t.shape[axis]!;
      }
      return new Tensor(out, shape);
    },
    vjp: (g, { inputs, params: axis, needsGrad }) => {
      let offset = 0;
      return inputs.map((t, i) => {
        const starts = g.shape.map((_, d) => (d === axis ? offset : 0));
        const ends = g.shape.map((n, d) => (d === axis ? offset + t.shape[axis]! : n));
        offset += t.shape[axis]!;
        return needsGrad[i] ? sliceBlock(g, starts, ends) : null;
      });
    },
    // Linear: concatenate the tangents, zeros standing in for inputs without one.
    jvp: (tangents, { inputs, params: axis }): Tensor =>
      applyOp(
        SLICING_OPS.concat,
        inputs.map((x, i) => tangents[i] ?? zerosLike(x)),
        axis,
      ),
  },
});

function expectTensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(
      `${op}: expected a non-empty array of tensors, got ${Array.isArray(tensors) ? 'an empty array' : describeValue(tensors)}.`,
    );
  }
  return tensors.map((t, i) => expectTensor(op, t, i));
}

/**
 * Joins tensors along an existing `axis` (default 0). Shapes must agree on every other axis;
 * dtypes promote. Differentiable: each input gets its slice of the gradient.
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const ts = expectTensorList('concat', tensors);
  const first = ts[0]!;
  if (first.ndim === 0) throw new ShapeError(`concat: cannot concatenate 0-d tensors; use stack to make a new axis.`);
  const ax = normalizeAxis('concat', axis, first.ndim);
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((n, d) => d !== ax && n !== first.shape[d])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${formatShape(t.shape)}, which does not match tensor 0's ${formatShape(first.shape)} ` +
          `outside axis ${ax}; all shapes must be equal except along the concatenation axis.`,
      );
    }
  });
  return applyOp(SLICING_OPS.concat, ts, ax);
}

/**
 * Joins equally-shaped tensors along a new `axis` (default 0; from −(ndim+1) to ndim).
 * Differentiable (it is unsqueeze then concat).
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const ts = expectTensorList('stack', tensors);
  const first = ts[0]!;
  ts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((n, d) => n !== first.shape[d])) {
      throw new ShapeError(
        `stack: tensor ${i} has shape ${formatShape(t.shape)} but tensor 0 has ${formatShape(first.shape)}; stacked tensors must have equal shapes.`,
      );
    }
  });
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    ts.map((t) => unsqueeze(t, ax)),
    ax,
  );
}
