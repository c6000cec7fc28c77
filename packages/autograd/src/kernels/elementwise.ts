/**
 * Raw elementwise loops over TypedArrays. No tensors, no tape: a seam where a faster backend can
 * replace the loops without touching ops or the engine.
 */
import type { FloatArray } from '../dtype.js';
import { broadcastStrides, type Shape } from '../shape.js';

/** out[i] = fn(x[i]). */
export function mapUnary(x: FloatArray, out: FloatArray, fn: (v: number) => number): void {
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]!);
}

/**
 * out = fn(a, b) with NumPy broadcasting of `aShape` and `bShape` to `outShape`. Same-shape and
 * scalar operands take a flat loop; the general case walks an index counter with per-operand
 * strides (0 on broadcast dimensions), no recursion and no allocation per element.
 */
export function mapBinary(
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
  fn: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = fn(a[i]!, b[i]!);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0]!;
    for (let i = 0; i < n; i++) out[i] = fn(a[i]!, y);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0]!;
    for (let i = 0; i < n; i++) out[i] = fn(x, b[i]!);
    return;
  }
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const index = new Array<number>(nd).fill(0);
  const inner = outShape[nd - 1]!;
  const ia = sa[nd - 1]!;
  const ib = sb[nd - 1]!;
  let offA = 0;
  let offB = 0;
  for (let o = 0; o < n; o += inner) {
    let pa = offA;
    let pb = offB;
    for (let j = 0; j < inner; j++, pa += ia, pb += ib) out[o + j] = fn(a[pa]!, b[pb]!);
    // advance the outer index counter (all dims but the last)
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      offA += sa[d]!;
      offB += sb[d]!;
      if (index[d]! < outShape[d]!) break;
      offA -= sa[d]! * outShape[d]!;
      offB -= sb[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** Copies `x` (of `shape`) broadcast to `target` into `out`. */
export function broadcastCopy(x: FloatArray, shape: Shape, out: FloatArray, target: Shape): void {
  mapBinary(x, shape, x.subarray(0, 1), [], out, target, (v) => v);
}

/**
 * out = mask ≠ 0 ? a : b, with all three broadcast from their shapes to `outShape`. Each operand
 * is materialised at the output shape once, which keeps the selection loop flat.
 */
export function selectInto(
  mask: FloatArray, maskShape: Shape,
  a: FloatArray, aShape: Shape,
  b: FloatArray, bShape: Shape,
  out: FloatArray, outShape: Shape,
): void {
  const n = out.length;
  const m = new Float64Array(n);
  const bv = new Float64Array(n);
  broadcastCopy(mask, maskShape, m, outShape);
  broadcastCopy(a, aShape, out, outShape);
  broadcastCopy(b, bShape, bv, outShape);
  for (let i = 0; i < n; i++) if (m[i] === 0) out[i] = bv[i]!;
}
