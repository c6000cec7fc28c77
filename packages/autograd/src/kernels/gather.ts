/**
 * Raw gather / scatter-add loops (no tape). The data tensor is viewed as [outer, n, inner] around
 * the indexed axis and the result as [outer, k, inner]. In "along" mode every output element has
 * its own index (indices shaped like the result); otherwise one list of k indices serves every
 * lane (NumPy's take).
 */
import type { FloatArray } from '../dtype.js';

/** The [outer, n, inner] view of an indexed axis, and k indices per lane. */
export interface LaneLayout {
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
  readonly k: number;
  /** True when `index` holds one index per output element, false for one shared list of k. */
  readonly along: boolean;
}

/** out[o, j, i] = x[o, index[…], i]. */
export function gatherLanes(x: FloatArray, index: Int32Array, layout: LaneLayout, out: FloatArray): void {
  const { outer, n, inner, k, along } = layout;
  if (out.length === 0) return; // an empty result: the lane loops would walk the other sizes
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const row = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) {
        const at = index[along ? row + i : j]!;
        out[row + i] = x[(o * n + at) * inner + i]!;
      }
    }
  }
}

/** out[o, index[…], i] += g[o, j, i]: the adjoint of {@link gatherLanes}; `out` must start zeroed. */
export function scatterAddLanes(g: FloatArray, index: Int32Array, layout: LaneLayout, out: FloatArray): void {
  const { outer, n, inner, k, along } = layout;
  if (g.length === 0) return; // nothing to scatter, however large the other sizes
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const row = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) {
        const at = (o * n + index[along ? row + i : j]!) * inner + i;
        out[at] = out[at]! + g[row + i]!;
      }
    }
  }
}
