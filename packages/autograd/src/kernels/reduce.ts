/** Raw reduction loops over TypedArrays (no tape). */
import type { FloatArray } from '../dtype.js';
import { allocate, dtypeOfArray } from '../dtype.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';

/** The shape left after reducing `axes` (kept as size-1 dims when `keepdims`). */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/**
 * Folds `x` over `axes` with `step(acc, value)` starting from `init`. Walks the input once in
 * memory order, moving an output offset through strides that are 0 on reduced axes.
 */
export function reduceAxes(
  x: FloatArray,
  shape: Shape,
  axes: readonly number[],
  init: number,
  step: (acc: number, v: number) => number,
): FloatArray {
  const keptShape = reducedShape(shape, axes, true);
  const out = allocate(dtypeOfArray(x), sizeOf(keptShape)).fill(init);
  const nd = shape.length;
  if (x.length === 0) return out;
  if (nd === 0) {
    // A 0-d tensor folds its single element; the strided walk below needs at least one dim.
    out[0] = step(init, x[0]!);
    return out;
  }
  const outStrides = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const index = new Array<number>(nd).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    out[o] = step(out[o]!, x[i]!);
    for (let d = nd - 1; d >= 0; d--) {
      index[d]!++;
      o += outStrides[d]!;
      if (index[d]! < shape[d]!) break;
      o -= outStrides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Index of the best element along `axis` by `better(v, best)`, first occurrence on ties, as a
 * float64 array (exact for any index a tensor can have). The tensor is viewed as
 * [outer, shape[axis], inner] so each lane is a strided scan.
 */
export function argReduce(x: FloatArray, shape: Shape, axis: number, better: (v: number, best: number) => boolean): Float64Array {
  const n = shape[axis]!;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const outer = n === 0 ? 0 : x.length / (n * inner);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let at = 0;
      for (let k = 1; k < n; k++) {
        const v = x[base + k * inner]!;
        if (better(v, best)) {
          best = v;
          at = k;
        }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}
