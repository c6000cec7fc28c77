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
  if (nd === 0 || x.length === 0) return out;
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
