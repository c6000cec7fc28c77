/** Small helpers shared inside the package (not exported from the index). */
import { ArgumentError, ShapeError, Tensor, describeValue, formatShape, shapesEqual } from '@tapegrad/autograd';

// Shared with autograd rather than copied: one rendering of bad values, one shape comparison.
export { describeValue, shapesEqual };

/** Throws unless `t` is a Tensor, naming the caller and the argument. */
export function expectTensor(where: string, what: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) {
    throw new ArgumentError(
      `${where}: ${what} must be a Tensor, got ${describeValue(t)}. Wrap arrays with tensor(...).`,
    );
  }
  return t;
}

/** Throws a ShapeError unless `t` is a matrix [rows, cols] (cols checked when given). */
export function expectMatrix(where: string, what: string, t: Tensor, cols?: number): void {
  expectTensor(where, what, t);
  if (t.ndim !== 2 || (cols !== undefined && t.shape[1] !== cols)) {
    const want = cols === undefined ? '[rows, cols]' : `[rows, ${cols}]`;
    throw new ShapeError(
      `${where}: ${what} has shape ${formatShape(t.shape)} but must be a matrix ${want}, one sample per row. Reshape a single sample with .reshape([1, -1]).`,
    );
  }
}

/** Throws an ArgumentError unless `v` is a positive integer. */
export function expectPositiveInt(where: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new ArgumentError(`${where}: ${what} must be a positive integer, got ${describeValue(v)}.`);
  }
  return v;
}

/** Throws an ArgumentError unless `v` is a finite number ≥ 0. */
export function expectNonNegative(where: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ArgumentError(`${where}: ${what} must be a finite number ≥ 0, got ${describeValue(v)}.`);
  }
  return v;
}

/** Zeroed storage of `size` elements with the dtype of `like`. */
export function allocLike(like: Tensor, size = like.size): Float64Array | Float32Array {
  return like.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** Throws a ShapeError unless `a` and `b` have equal shapes, naming the caller. */
export function expectSameShape(where: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  expectTensor(where, aName, a);
  expectTensor(where, bName, b);
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(
      `${where}: ${aName} has shape ${formatShape(a.shape)} but ${bName} has shape ${formatShape(b.shape)}; they must match.`,
    );
  }
}
