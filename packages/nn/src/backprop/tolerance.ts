/**
 * How far two estimates of one tensor are apart, for the reports: max abs, max rel and the worst
 * element. The pass/fail test itself is autograd's one `allclose`.
 * @packageDocumentation
 */
import { allclose, type Tensor } from '@tapegrad/autograd';

/** The element where two estimates differ most. */
export interface WorstElement {
  /** Its index, one entry per axis. */
  readonly index: readonly number[];
  /** The value under check (hand-derived, or the tape's for a tape-only layer). */
  readonly actual: number;
  /** The reference value (the tape's, or central differences'). */
  readonly expected: number;
}

/** How far two estimates of one quantity are apart. */
export interface Discrepancy {
  /** max_i |a_i − b_i|. */
  readonly maxAbs: number;
  /**
   * maxAbs / max_i |b_i|: the largest difference relative to the reference tensor's scale
   * (0 when both are exactly zero). Element-wise ratios would blow up on entries that cancel
   * to nearly 0, which says nothing about the algorithm.
   */
  readonly maxRel: number;
  /** Whether the difference is within the stated tolerance. */
  readonly passed: boolean;
  /** The element with the largest |a_i − b_i| (null for an empty tensor). */
  readonly worst: WorstElement | null;
}

/** The multi-axis index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis]!;
    index[axis] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/**
 * Compares `actual` with the reference `expected` (same shape). Without `atol` the test is
 * scale-relative, maxRel ≤ `rtol` (hand-derived against the tape: the same mathematics in a
 * different rounding order), i.e. `allclose` with atol = rtol · max|expected| and no relative
 * part; with `atol` it is `allclose`'s elementwise atol + rtol·|expected| (against finite
 * differences, PyTorch's gradcheck rule).
 */
export function discrepancy(actual: Tensor, expected: Tensor, rtol: number, atol?: number): Discrepancy {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < actual.size; i++) {
    const e = expected.data[i]!;
    const d = Math.abs(actual.data[i]! - e);
    // NaN must not hide behind a comparison that is always false.
    if (!Number.isNaN(maxAbs) && (d > maxAbs || Number.isNaN(d))) maxAbs = d;
    if (Math.abs(e) > scale) scale = Math.abs(e);
  }
  const maxRel = maxAbs === 0 ? 0 : maxAbs / scale;
  const bound = atol === undefined ? rtol * scale : atol;
  // An infinite reference leaves no finite bound; max rel (then 0 or NaN) decides.
  const finite = Number.isFinite(bound);
  const check = allclose(
    actual,
    expected,
    !finite ? { atol: 0, rtol: 0 } : atol === undefined ? { atol: bound, rtol: 0 } : { atol, rtol },
  );
  const passed = finite ? check.passed : maxRel <= rtol;
  const w = check.worst;
  const worst = w === null ? null : { index: unravel(w.index, actual.shape), actual: w.actual, expected: w.expected };
  return { maxAbs, maxRel, passed, worst };
}
