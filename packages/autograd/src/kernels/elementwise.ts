/**
 * Raw elementwise loops over TypedArrays. No tensors, no tape: a seam where a faster backend can
 * replace the loops without touching ops or the engine.
 *
 * Why each op has its own loop: one shared loop calling `fn(x, y)` per element sees every op's
 * function at that call site, goes megamorphic, and V8 can then neither inline the arithmetic
 * nor avoid a full call per element. Here each hot op has a row loop of its own (monomorphic in
 * the operation), and only the walk over broadcast rows is shared: it calls the row loop once
 * per row, never once per element. Closures would not do: V8 shares feedback between closures
 * made from one function literal, so a kernel factory goes megamorphic the same way.
 */
import type { FloatArray } from '../dtype.js';
import { broadcastStrides, type Shape } from '../shape.js';
import { selectElseRow } from './compare.js';

/**
 * One row of a broadcast binary op: out[po + j] = a[pa + j·ia] ∘ b[pb + j·ib] for j < n. The
 * operand steps `ia` and `ib` are 1, or 0 for an operand broadcast along the row.
 */
export type BinaryRow = (
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
) => void;

/** Row loop of a + b. */
export function addRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = a[pa]! + b[pb]!;
}

/** Row loop of a − b. */
export function subRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = a[pa]! - b[pb]!;
}

/** Row loop of a · b. */
export function mulRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = a[pa]! * b[pb]!;
}

/** Row loop of a / b. */
export function divRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = a[pa]! / b[pb]!;
}

/** Row loop of aᵇ (Math.pow semantics). */
export function powRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = Math.pow(a[pa]!, b[pb]!);
}

/** Row loop of max(a, b) (NaN propagates). */
export function maximumRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = Math.max(a[pa]!, b[pb]!);
}

/** Row loop of min(a, b) (NaN propagates). */
export function minimumRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = Math.min(a[pa]!, b[pb]!);
}

/** Row loop of a · b(1 − b): sigmoid's vjp, with a = ḡ and b = σ. */
export function sigmoidGradRow(
  a: FloatArray,
  pa: number,
  ia: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia, pb += ib) {
    const s = b[pb]!;
    out[po + j] = a[pa]! * (s * (1 - s));
  }
}

/** Row loop that copies `a` and ignores `b` (broadcastTo). */
function copyRow(
  a: FloatArray,
  pa: number,
  ia: number,
  _b: FloatArray,
  _pb: number,
  _ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  for (let j = 0; j < n; j++, pa += ia) out[po + j] = a[pa]!;
}

/**
 * True when an operand of `shape` broadcast to `target` is its own data repeated block after
 * block: `shape` without its leading 1s equals the trailing dimensions of `target` (the bias [n]
 * of a linear layer against activations [m, n]).
 */
function repeatsAsBlock(shape: Shape, target: Shape): boolean {
  const off = target.length - shape.length;
  let k = 0;
  while (k < shape.length && shape[k] === 1) k++;
  for (let i = k; i < shape.length; i++) if (shape[i] !== target[off + i]) return false;
  return true;
}

/**
 * out = a ∘ b with NumPy broadcasting of `aShape` and `bShape` to `outShape`, calling `row` once
 * per contiguous output row. Same-shape and scalar operands make the whole output one row; a
 * row vector over a matrix makes one row per matrix row; anything else walks an index counter
 * over the outer dimensions with per-operand strides (0 on broadcast dimensions), no recursion
 * and no allocation per element.
 */
export function binaryInto(
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
  row: BinaryRow,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return row(a, 0, 1, b, 0, 1, out, 0, n);
  if (a.length === n && b.length === 1) return row(a, 0, 1, b, 0, 0, out, 0, n);
  if (a.length === 1 && b.length === n) return row(a, 0, 0, b, 0, 1, out, 0, n);
  if (a.length === n && repeatsAsBlock(bShape, outShape)) {
    for (let o = 0; o < n; o += b.length) row(a, o, 1, b, 0, 1, out, o, b.length);
    return;
  }
  if (b.length === n && repeatsAsBlock(aShape, outShape)) {
    for (let o = 0; o < n; o += a.length) row(a, 0, 1, b, o, 1, out, o, a.length);
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
    row(a, offA, ia, b, offB, ib, out, o, inner);
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

/** out[i] = fn(x[i]), for the rarely used ops; hot unary ops have their own loops in unary.ts. */
export function mapUnary(x: FloatArray, out: FloatArray, fn: (v: number) => number): void {
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]!);
}

/** Copies `x` (of `shape`) broadcast to `target` into `out`. */
export function broadcastCopy(x: FloatArray, shape: Shape, out: FloatArray, target: Shape): void {
  if (x.length === out.length) out.set(x);
  else if (x.length === 1) out.fill(x[0]!);
  else binaryInto(x, shape, x, shape, out, target, copyRow);
}

/**
 * out = mask ≠ 0 ? a : b, with all three broadcast from their shapes to `outShape`, in two passes
 * over `out`: copy `a` in, then overwrite with `b` where the mask is 0, walking (mask, b) with the
 * broadcast walker. Nothing is allocated: a broadcast operand is read through stride 0.
 */
export function selectInto(
  mask: FloatArray,
  maskShape: Shape,
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
): void {
  broadcastCopy(a, aShape, out, outShape);
  binaryInto(mask, maskShape, b, bShape, out, outShape, selectElseRow);
}
