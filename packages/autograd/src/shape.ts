import { ArgumentError, ShapeError } from './errors.js';

/** A tensor shape: a list of non-negative integer sizes, row-major. */
export type Shape = readonly number[];

/** Formats a shape the way error messages and listings show it: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when two shapes are identical. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is a list of non-negative integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${op}: shape must be an array of non-negative integers, got ${String(shape)}.`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(
        `${op}: shape ${JSON.stringify(shape)} has an invalid size ${String(d)}; sizes must be non-negative integers.`,
      );
    }
  }
  return shape as number[];
}

/** NumPy broadcasting of two shapes: align on the right, sizes must match or be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(dimension ${i - n} is ${da} vs ${db}); sizes must match or be 1 when aligned from the right.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when `from` broadcasts to `to` (so a gradient of shape `to` can be summed back to `from`). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const off = to.length - from.length;
  for (let i = 0; i < from.length; i++) {
    if (from[i] !== 1 && from[i] !== to[off + i]) return false;
  }
  return true;
}

/**
 * Strides for reading a tensor of shape `shape` as if broadcast to `target`:
 * broadcast dimensions get stride 0.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const off = target.length - shape.length;
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : own[i]!;
  return out;
}

/** Resolves one axis (negative counts from the end) against `ndim`, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= Math.max(ndim, 1)) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor with ${ndim} dimension(s); use an integer in [${-ndim}, ${ndim - 1}].`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Resolves an axis option (undefined = all axes) to a sorted list of distinct axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(op, a, ndim);
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${a} is listed twice in ${JSON.stringify(axis)}.`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}
