/** Raw data movement over TypedArrays (no tape). */
import type { FloatArray } from '../dtype.js';
import { type Shape, stridesOf } from '../shape.js';

/** Writes `x` (of `shape`) with its dimensions reordered by `axes` into `out`. */
export function permuteCopy(x: FloatArray, shape: Shape, axes: readonly number[], out: FloatArray): void {
  const nd = shape.length;
  if (out.length === 0) return; // the tiled transpose would walk the other size, however large
  if (nd === 2 && axes[0] === 1) {
    transpose2d(x, shape[0]!, shape[1]!, out);
    return;
  }
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

/**
 * The matrix transpose, the permute everyone uses (nn's Linear transposes its weight on every
 * forward): tiles of 32×32 keep both the rows read and the rows written in cache, and no index
 * counter is updated per element.
 */
function transpose2d(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(i0 + T, rows);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(j0 + T, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0, src = i * cols + j0; j < j1; j++, src++) out[j * rows + i] = x[src]!;
      }
    }
  }
}

/**
 * Copies the box of size `box` starting at `srcStart` in `src` (of `srcShape`) to `dstStart` in
 * `dst` (of `dstShape`). Slicing, padding and concatenation are all this one loop: the last
 * dimension is copied contiguously and an index counter walks the others.
 */
export function copyBox(
  src: FloatArray,
  srcShape: Shape,
  srcStart: readonly number[],
  dst: FloatArray,
  dstShape: Shape,
  dstStart: readonly number[],
  box: Shape,
): void {
  const nd = box.length;
  let total = 1;
  for (const d of box) total *= d;
  if (total === 0) return;
  if (nd === 0) {
    dst[0] = src[0]!;
    return;
  }
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let so = 0;
  let dOff = 0;
  for (let d = 0; d < nd; d++) {
    so += srcStart[d]! * ss[d]!;
    dOff += dstStart[d]! * ds[d]!;
  }
  const inner = box[nd - 1]!;
  const index = new Array<number>(nd).fill(0);
  for (let done = 0; done < total; done += inner) {
    for (let j = 0; j < inner; j++) dst[dOff + j] = src[so + j]!;
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      so += ss[d]!;
      dOff += ds[d]!;
      if (index[d]! < box[d]!) break;
      so -= ss[d]! * box[d]!;
      dOff -= ds[d]! * box[d]!;
      index[d] = 0;
    }
  }
}
