/** Ops that move or reshape data: each forward beside its vjp. */
import { allocate } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { broadcastsTo, checkShape, describeValue, formatShape, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastCopy } from '../kernels/elementwise.js';
import { permuteCopy } from '../kernels/movement.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';

/** The same data in a new shape with the same number of elements; one size may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const t = expectTensor('reshape', x);
  if (!Array.isArray(shape))
    throw new ArgumentError(`reshape: shape must be an array of integers, got ${describeValue(shape)}.`);
  let inferAt = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1 && inferAt < 0) inferAt = i;
    else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `reshape: invalid size ${describeValue(d)} at position ${i} of ${describeValue(shape)}; sizes are non-negative integers, with at most one −1.`,
      );
    } else known *= d;
  });
  const resolved = [...shape];
  if (inferAt >= 0) {
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(t.shape)} (${t.size} elements) to ${describeValue(shape)}: ${t.size} is not divisible by ${known}.`,
      );
    }
    resolved[inferAt] = t.size / known;
  }
  if (sizeOf(resolved) !== t.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(t.shape)} (${t.size} elements) to ${formatShape(resolved)} (${sizeOf(resolved)} elements); the sizes must multiply to the same count.`,
    );
  }
  return applyOp(MOVEMENT_OPS.reshape, [t], resolved);
}

/** Broadcasts `x` to `shape` by NumPy rules (size-1 and missing leading dims repeat). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const t = expectTensor('broadcastTo', x);
  // A target with negative, fractional or huge sizes would reach the allocator as a raw RangeError.
  checkShape('broadcastTo', shape);
  if (!broadcastsTo(t.shape, shape)) {
    throw new ShapeError(
      `broadcastTo: shape ${formatShape(t.shape)} cannot be broadcast to ${formatShape(shape)}; each size must match or be 1, aligned from the right.`,
    );
  }
  return applyOp(MOVEMENT_OPS.broadcastTo, [t], [...shape]);
}

/** Reorders dimensions: output dimension i is input dimension axes[i]. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const t = expectTensor('permute', x);
  if (!Array.isArray(axes) || axes.length !== t.ndim) {
    throw new ShapeError(
      `permute: expected ${t.ndim} axes for a tensor of shape ${formatShape(t.shape)}, got ${describeValue(axes)}.`,
    );
  }
  const resolved = axes.map((a) => normalizeAxis('permute', a, t.ndim));
  if (new Set(resolved).size !== resolved.length) {
    throw new ShapeError(
      `permute: axes ${describeValue(axes)} repeat a dimension; each of 0..${t.ndim - 1} must appear once.`,
    );
  }
  return applyOp(MOVEMENT_OPS.permute, [t], resolved);
}

/** Swaps two dimensions (the last two by default). */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const t = expectTensor('transpose', x);
  if (t.ndim < 2) {
    throw new ShapeError(
      `transpose: needs at least 2 dimensions, got shape ${formatShape(t.shape)}; a 1-D tensor is its own transpose (use .T).`,
    );
  }
  const a = normalizeAxis('transpose', dim0, t.ndim);
  const b = normalizeAxis('transpose', dim1, t.ndim);
  const axes = t.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(t, axes);
}

/** The ops that move or reshape data, each forward beside its vjp. */
export const MOVEMENT_OPS = defineOps({
  reshape: {
    // A view: shares storage and the version counter, so an edit through either is seen by both.
    forward: ([x], shape) => new Tensor(x!.data, shape, { shareVersionWith: x! }),
    vjp: (g, { inputs: [x] }) => [reshape(g, x!.shape)],
    jvp: ([t], { params: shape }) => reshape(t!, shape),
  },
  broadcastTo: {
    forward: ([x], shape) => {
      const out = allocate(x!.dtype, sizeOf(shape));
      broadcastCopy(x!.data, x!.shape, out, shape);
      return new Tensor(out, shape);
    },
    vjp: (g) => [g], // the engine sums it back over the broadcast dimensions
    jvp: ([t], { params: shape }) => broadcastTo(t!, shape),
  },
  permute: {
    describeParams: (axes) => `axes [${axes.join(', ')}]`,
    forward: ([x], axes) => {
      const out = allocate(x!.dtype, x!.size);
      permuteCopy(x!.data, x!.shape, axes, out);
      return new Tensor(
        out,
        axes.map((a) => x!.shape[a]!),
      );
    },
    vjp: (g, { params: axes }) => {
      const inverse = new Array<number>(axes.length);
      axes.forEach((a, i) => (inverse[a] = i));
      return [permute(g, inverse)];
    },
    jvp: ([t], { params: axes }) => permute(t!, axes),
  },
  clone: {
    forward: ([x]) => new Tensor(x!.data.slice(), x!.shape),
    vjp: (g) => [g],
    jvp: ([t]) => t!,
  },
});

/** A copy with its own storage. */
export function clone(x: Tensor): Tensor {
  return applyOp(MOVEMENT_OPS.clone, [expectTensor('clone', x)], undefined);
}

/**
 * Removes size-1 dimensions: the one at `axis` (or each listed axis), or every size-1 dimension
 * when `axis` is omitted. Naming an axis whose size is not 1 is a ShapeError. A reshape, so it
 * shares storage and is differentiable.
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const t = expectTensor('squeeze', x);
  let drop: number[];
  if (axis === undefined) {
    drop = t.shape.flatMap((n, d) => (n === 1 ? [d] : []));
  } else {
    if (typeof axis !== 'number' && !Array.isArray(axis)) {
      throw new ArgumentError(`squeeze: axis must be an integer or an array of integers, got ${describeValue(axis)}.`);
    }
    drop = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis('squeeze', a, t.ndim));
    for (const d of drop) {
      // A 0-d tensor's only axis (0 or −1) counts as size 1: squeezing it returns the scalar.
      if ((t.shape[d] ?? 1) !== 1) {
        throw new ShapeError(
          `squeeze: axis ${d} of shape ${formatShape(t.shape)} has size ${t.shape[d]}, not 1; only size-1 dimensions can be removed.`,
        );
      }
    }
  }
  return reshape(
    t,
    t.shape.filter((_, d) => !drop.includes(d)),
  );
}

/**
 * Inserts a size-1 dimension at `axis` (from −(ndim+1) to ndim; negative counts from the end of
 * the result). A reshape, so it shares storage and is differentiable.
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const t = expectTensor('unsqueeze', x);
  const ax = normalizeAxis('unsqueeze', axis, t.ndim + 1);
  const shape = [...t.shape];
  shape.splice(ax, 0, 1);
  return reshape(t, shape);
}
