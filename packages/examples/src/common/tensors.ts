/** Small reductions the examples report, done on the raw data (no tape needed). */
import type { Tensor } from '@tapegrad/autograd';

/** Mean of |v| over every element (0 for an empty tensor). */
export function meanAbs(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.size; i++) s += Math.abs(t.data[i]!);
  return t.size === 0 ? 0 : s / t.size;
}

/** max_i |a_i − b_i| over two tensors of the same size. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    // NaN must surface, not lose every comparison.
    m = Number.isNaN(d) ? NaN : Math.max(m, d);
  }
  return m;
}

/** max_i |v_i|. */
export function maxAbs(t: Tensor): number {
  let m = 0;
  for (let i = 0; i < t.size; i++) m = Math.max(m, Math.abs(t.data[i]!));
  return m;
}
