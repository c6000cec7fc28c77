/** Raw data movement over TypedArrays (no tape). */
import type { FloatArray } from '../dtype.js';
import { type Shape, stridesOf } from '../shape.js';

/** Writes `x` (of `shape`) with its dimensions reordered by `axes` into `out`. */
export function permuteCopy(x: FloatArray, shape: Shape, axes: readonly number[], out: FloatArray): void {
  const nd = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = axes.map((a) => shape[a]!);
  const strides = axes.map((a) => inStrides[a]!); // input stride of each output dim
  const index = new Array<number>(nd).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[src]!;
    for (let d = nd - 1; d >= 0; d--) {
      index[d]!++;
      src += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= strides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
