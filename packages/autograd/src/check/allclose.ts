/**
 * The one closeness test of every check: |actual − expected| ≤ atol + rtol·|expected|, with the
 * expected side (a reference, or a finite-difference estimate) scaling the tolerance.
 * @packageDocumentation
 */
import { ShapeError } from '../errors.js';
import { checkOptions } from '../options.js';
import { formatShape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { positive } from './options.js';

/** Options of {@link allclose}. */
export interface AllcloseOptions {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, a fraction of |expected| (default 1e-3). */
  rtol?: number;
}

/** The element that misses its tolerance by the most (or comes closest to missing it). */
export interface AllcloseWorst {
  /** Flat index of the element. */
  index: number;
  /** The value under test there. */
  actual: number;
  /** The reference value there, which scales the relative tolerance. */
  expected: number;
  /** |actual − expected|. */
  absError: number;
  /** |actual − expected| / |expected| (Infinity when expected is 0 and they differ). */
  relError: number;
}

/** What {@link allclose} found. */
export interface AllcloseResult {
  /** True when every element is within atol + rtol·|expected| (NaN never is). */
  passed: boolean;
  /** The element with the largest error relative to its tolerance (null for no elements). */
  worst: AllcloseWorst | null;
}

/**
 * True when |actual − expected| ≤ atol + rtol·|expected|. NaN on either side fails, and so does
 * an infinite error.
 */
export function isClose(actual: number, expected: number, atol: number, rtol: number): boolean {
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/**
 * How far an error is beyond its tolerance, for ranking elements: error / tolerance (the bare
 * error when the tolerance is 0), Infinity for NaN. An exact element (0 of 0) never outranks a
 * small real error.
 */
export function toleranceExcess(actual: number, expected: number, atol: number, rtol: number): number {
  const absError = Math.abs(actual - expected);
  const tol = atol + rtol * Math.abs(expected);
  return Number.isNaN(absError) ? Infinity : tol > 0 ? absError / tol : absError;
}

/** |actual − expected| / |expected|, 0 when both are equal, Infinity when only expected is 0. */
export function relativeError(actual: number, expected: number): number {
  const absError = Math.abs(actual - expected);
  return expected === 0 ? (absError === 0 ? 0 : Infinity) : absError / Math.abs(expected);
}

function valuesOf(x: Tensor | ArrayLike<number>): ArrayLike<number> {
  return x instanceof Tensor ? x.data : x;
}

/**
 * Compares two tensors (or arrays) element by element: passes when every element is within
 * atol + rtol·|expected|, and reports the worst element so that a failure points at one index.
 * Shapes must match exactly (no broadcasting): a mismatch is a ShapeError.
 */
export function allclose(
  actual: Tensor | ArrayLike<number>,
  expected: Tensor | ArrayLike<number>,
  options: AllcloseOptions = {},
): AllcloseResult {
  checkOptions('allclose', options, ['atol', 'rtol']);
  const atol = positive('allclose', 'atol', options.atol, 1e-5, true);
  const rtol = positive('allclose', 'rtol', options.rtol, 1e-3, true);
  if (actual instanceof Tensor && expected instanceof Tensor && !shapesEqual(actual.shape, expected.shape)) {
    throw new ShapeError(
      `allclose: shapes differ: ${formatShape(actual.shape)} and ${formatShape(expected.shape)}; compare tensors of one shape.`,
    );
  }
  const a = valuesOf(actual);
  const e = valuesOf(expected);
  if (a.length !== e.length) {
    throw new ShapeError(`allclose: ${a.length} values against ${e.length}; compare arrays of one length.`);
  }
  let passed = true;
  let worst: AllcloseWorst | null = null;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (!isClose(x, y, atol, rtol)) passed = false;
    const excess = toleranceExcess(x, y, atol, rtol);
    if (excess > worstExcess || worst === null) {
      worstExcess = excess;
      worst = { index: i, actual: x, expected: y, absError: Math.abs(x - y), relError: relativeError(x, y) };
    }
  }
  return { passed, worst };
}
