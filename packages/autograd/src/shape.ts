import { ArgumentError, ShapeError } from './errors.js';

/** A tensor shape: a list of non-negative integer sizes, row-major. */
export type Shape = readonly number[];

/** Formats a shape the way error messages and listings show it: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  // An indexed loop: for-of over the frozen shape arrays of tensors was measurably slower here,
  // and every op output's constructor calls this.
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
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

/**
 * Renders any value for an error message: strings quoted, numbers as written (NaN stays NaN),
 * arrays and plain objects in full. `String(v)` and `JSON.stringify(v)` alone throw a raw
 * TypeError on symbols, bigints and prototype-less objects, which would hide the named error
 * being built.
 */
export function describeValue(v: unknown): string {
  return describeAt(v, 0);
}

/** How deep describeValue renders nested arrays before eliding them (deeper ones cannot be read anyway). */
const DESCRIBE_DEPTH = 8;
/** How many elements of one array describeValue renders. */
const DESCRIBE_LENGTH = 100;

function describeAt(v: unknown, depth: number): string {
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (depth >= DESCRIBE_DEPTH) return '[…]';
    const shown = v.slice(0, DESCRIBE_LENGTH).map((e) => describeAt(e, depth + 1));
    if (v.length > DESCRIBE_LENGTH) shown.push(`… ${v.length - DESCRIBE_LENGTH} more`);
    return `[${shown.join(', ')}]`;
  }
  if (typeof v !== 'object' || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/**
 * The most elements a tensor may hold: the longest TypedArray V8 can allocate (2³² − 1). Larger
 * requests are refused with a named error up front instead of a raw RangeError from the engine.
 */
export const MAX_SIZE = 2 ** 32 - 1;

/** Throws an ArgumentError naming `op` unless a shape's element count is at most {@link MAX_SIZE}. */
export function checkSize(op: string, shape: Shape): void {
  const n = sizeOf(shape);
  if (n > MAX_SIZE) {
    throw new ArgumentError(
      `${op}: shape ${formatShape(shape)} holds ${n} elements, too large to allocate (the limit is ${MAX_SIZE}).`,
    );
  }
}

/** Throws unless `shape` is a list of non-negative integers whose product can be allocated. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) {
    throw new ArgumentError(`${op}: shape must be an array of non-negative integers, got ${describeValue(shape)}.`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(
        `${op}: shape ${describeValue(shape)} has an invalid size ${describeValue(d)}; sizes must be non-negative integers.`,
      );
    }
  }
  checkSize(op, shape);
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
  // Two small operands ([n, 1] and [1, n]) can broadcast to a result too large to allocate.
  checkSize(op, out);
  return out;
}

/**
 * The output shape of an elementwise op on two operands: `a`'s own shape array when the shapes are
 * equal (the common case; a tensor's shape is frozen, so the output can share it instead of
 * copying and freezing a new one), else their broadcast ({@link broadcastShapes}).
 */
export function elementwiseShape(op: string, a: Shape, b: Shape): Shape {
  return shapesEqual(a, b) ? a : broadcastShapes(op, a, b);
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

/**
 * Resolves one axis (negative counts from the end) against `ndim`, or throws naming the op.
 * A 0-d tensor accepts axis 0 or −1 (NumPy and PyTorch treat it as having one size-1 axis); both
 * resolve to 0, and callers reading a size there must treat the missing dimension as 1.
 */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new ShapeError(
      `${op}: axis ${describeValue(axis)} is out of range for a tensor with ${ndim} dimension(s); use an integer in [${-n}, ${n - 1}].`,
    );
  }
  return axis < 0 ? axis + n : axis;
}

/** Resolves an axis option (undefined = all axes) to a sorted list of distinct axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ArgumentError(`${op}: axis must be an integer or an array of integers, got ${describeValue(axis)}.`);
  }
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(op, a, ndim);
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${a} is listed twice in ${describeValue(axis)}.`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}
