/**
 * How far two estimates of one tensor are apart, with the element that is furthest. Issue 12's
 * shared `allclose` in autograd's check module is to replace this file's element loop.
 * @packageDocumentation
 */
import type { Tensor } from '@tapegrad/autograd';

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
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis]!;
    index[axis] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/**
 * Compares `actual` with the reference `expected` (same shape). Passes when maxRel ≤ `rtol` if
 * `atol` is undefined (tape against hand-derived: same mathematics, different rounding order), or
 * when every element is within atol + rtol·|expected| (against finite differences, PyTorch's
 * gradcheck rule).
 */
export function discrepancy(actual: Tensor, expected: Tensor, rtol: number, atol?: number): Discrepancy {
  let maxAbs = 0;
  let scale = 0;
  let worstAt = -1;
  let elementwise = true;
  for (let i = 0; i < actual.size; i++) {
    const b = expected.data[i]!;
    const d = Math.abs(actual.data[i]! - b);
    // NaN must not hide behind a comparison that is always false: it becomes the worst element.
    if (worstAt < 0 || d > maxAbs || (Number.isNaN(d) && !Number.isNaN(maxAbs))) {
      worstAt = i;
      maxAbs = d;
    }
    scale = Math.max(scale, Math.abs(b));
    if (atol !== undefined && !(d <= atol + rtol * Math.abs(b))) elementwise = false;
  }
  const maxRel = maxAbs === 0 ? 0 : maxAbs / scale;
  const passed = atol === undefined ? maxRel <= rtol : elementwise && !Number.isNaN(maxAbs);
  const worst =
    worstAt < 0
      ? null
      : { index: unravel(worstAt, actual.shape), actual: actual.data[worstAt]!, expected: expected.data[worstAt]! };
  return { maxAbs, maxRel, passed, worst };
}
