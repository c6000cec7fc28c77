/**
 * Raw loops for the log-sum-exp family (no tape). All three subtract the maximum m over the
 * reduced axes before exponentiating, so nothing overflows. Infinities follow one rule: where
 * x = m the shifted value x − m is taken as 0 (the limit of equal large values). That makes
 * logsumexp(−∞, …, −∞) = −∞ (softmax uniform), and when some x = +∞, logsumexp = +∞ and softmax
 * shares 1 evenly among the +∞ entries, instead of NaN from ∞ − ∞.
 *
 * When the reduced axes form one contiguous block (every single axis, and adjacent axes), x is
 * viewed as [outer, n, inner] and each kernel runs its own loops over the lanes: no call per
 * element, no temporaries beyond two rows of `inner` values. A lane with inner = 1 is contiguous
 * and processed whole; with inner > 1 the lanes of one outer block are processed side by side,
 * row after row, so memory is read in order rather than at stride `inner`. Other axis sets fall
 * back to reductions plus the broadcast walker, with a row loop per step.
 *
 * Every variant rounds exactly where the original reduce-then-broadcast formulation stored to an
 * array of x's dtype (e, Σ e, log Σ e), and sums each lane in memory order, so results are the
 * same bit for bit whichever path runs.
 */
import { type FloatArray, allocate, dtypeOfArray } from '../dtype.js';
import { type Shape, sizeOf } from '../shape.js';
import { binaryInto, divRow, subRow } from './elementwise.js';
import { maxAxes, reducedShape, sumAxes } from './reduce.js';

/** x viewed as [outer, n, inner] with the reduced axes as the middle dimension. */
interface Lanes {
  outer: number;
  n: number;
  inner: number;
}

/** The [outer, n, inner] view of `shape` reduced over `axes`, or null if the axes are split by a kept one. */
function lanesOf(shape: Shape, axes: readonly number[]): Lanes | null {
  // Size-1 dimensions lie anywhere without changing the layout, so only the others decide.
  let first = -1;
  let last = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] !== 1 && axes.includes(d)) {
      if (first < 0) first = d;
      last = d;
    }
  }
  let size = 1;
  for (const d of shape) size *= d;
  if (first < 0) return { outer: size, n: 1, inner: 1 };
  let outer = 1;
  let n = 1;
  let inner = 1;
  for (let d = 0; d < shape.length; d++) {
    const k = shape[d]!;
    if (d < first) outer *= k;
    else if (d > last) inner *= k;
    else if (k !== 1 && !axes.includes(d)) return null;
    else n *= k;
  }
  return { outer, n, inner };
}

/** out = v = m ? 1 : exp(v − m): the shifted exponential, with ∞ − ∞ read as 0. */
function expShiftRow(
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
    const v = a[pa]!;
    const mv = b[pb]!;
    out[po + j] = v === mv ? 1 : Math.exp(v - mv);
  }
}

/** out = v = m ? 0 : v − m: the shift itself, with ∞ − ∞ read as 0. */
function shiftRow(
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
    const v = a[pa]!;
    const mv = b[pb]!;
    out[po + j] = v === mv ? 0 : v - mv;
  }
}

/** General axes: m = max, e = exp(x − m) into `e`, returning m and Σ e in the kept-dims shape. */
function shiftedGeneral(
  x: FloatArray,
  shape: Shape,
  axes: readonly number[],
  e: FloatArray,
): { keptShape: number[]; m: FloatArray; s: FloatArray } {
  const keptShape = reducedShape(shape, axes, true);
  const m = maxAxes(x, shape, axes);
  binaryInto(x, shape, m, keptShape, e, shape, expShiftRow);
  return { keptShape, m, s: sumAxes(e, shape, axes) };
}

/** The largest of x[base], …, x[base + n − 1]: the max of one contiguous lane. */
function laneMax(x: FloatArray, base: number, n: number): number {
  let m = -Infinity;
  for (let k = 0; k < n; k++) m = Math.max(m, x[base + k]!);
  return m;
}

/**
 * mb[i] = max over k of x[base + k·inner + i]: the maxima of `inner` interleaved lanes, read row
 * by row so memory is walked in order.
 */
function blockMax(x: FloatArray, base: number, n: number, inner: number, mb: Float64Array): void {
  mb.fill(-Infinity);
  for (let k = 0, row = base; k < n; k++, row += inner)
    for (let i = 0; i < inner; i++) mb[i] = Math.max(mb[i]!, x[row + i]!);
}

/** log Σ exp(x) over `axes`, with the reduced axes kept as size 1. */
export function logsumexpKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  // No output (a zero-size kept dimension): nothing to compute, however large the other sizes.
  if (sizeOf(reducedShape(shape, axes, true)) === 0) return allocate(dtypeOfArray(x), 0);
  const lanes = lanesOf(shape, axes);
  if (lanes === null) {
    const { m, s } = shiftedGeneral(x, shape, axes, allocate(dtypeOfArray(x), x.length));
    // m = ±∞ already is the answer; adding log s would turn −∞ into NaN when s is 0 (empty axes).
    for (let i = 0; i < m.length; i++) {
      const mv = m[i]!;
      m[i] = mv === Infinity || mv === -Infinity ? mv : mv + Math.log(s[i]!);
    }
    return m;
  }
  const { outer, n, inner } = lanes;
  const f32 = x instanceof Float32Array;
  const out = allocate(dtypeOfArray(x), outer * inner);
  if (inner === 1) {
    for (let o = 0, base = 0; o < outer; o++, base += n) {
      const mv = laneMax(x, base, n);
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const v = x[base + k]!;
        const t = v === mv ? 1 : Math.exp(v - mv);
        acc += f32 ? Math.fround(t) : t; // e is rounded to x's dtype before it is summed
      }
      if (f32) acc = Math.fround(acc);
      out[o] = mv === Infinity || mv === -Infinity ? mv : mv + Math.log(acc);
    }
    return out;
  }
  const mb = new Float64Array(inner);
  const sb = allocate(dtypeOfArray(x), inner); // x's dtype: the running sum rounds per step, as before
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    blockMax(x, base, n, inner, mb);
    sb.fill(0);
    for (let k = 0, row = base; k < n; k++, row += inner) {
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const mv = mb[i]!;
        const t = v === mv ? 1 : Math.exp(v - mv);
        sb[i] = sb[i]! + (f32 ? Math.fround(t) : t);
      }
    }
    for (let i = 0; i < inner; i++) {
      const mv = mb[i]!;
      out[o * inner + i] = mv === Infinity || mv === -Infinity ? mv : mv + Math.log(sb[i]!);
    }
  }
  return out;
}

/** exp(x) / Σ exp(x) over `axes`, same shape as x. */
export function softmaxKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const e = allocate(dtypeOfArray(x), x.length);
  if (x.length === 0) return e; // the lane loops would walk the other sizes, however large
  const lanes = lanesOf(shape, axes);
  if (lanes === null) {
    const { keptShape, s } = shiftedGeneral(x, shape, axes, e);
    binaryInto(e, shape, s, keptShape, e, shape, divRow);
    return e;
  }
  const { outer, n, inner } = lanes;
  if (inner === 1) {
    const f32 = x instanceof Float32Array;
    for (let o = 0, base = 0; o < outer; o++, base += n) {
      const mv = laneMax(x, base, n);
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const v = x[base + k]!;
        e[base + k] = v === mv ? 1 : Math.exp(v - mv);
        acc += e[base + k]!; // read back: the stored value is what gets summed
      }
      const sv = f32 ? Math.fround(acc) : acc;
      for (let k = 0; k < n; k++) e[base + k] = e[base + k]! / sv;
    }
    return e;
  }
  const mb = new Float64Array(inner);
  const sb = allocate(dtypeOfArray(x), inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    blockMax(x, base, n, inner, mb);
    sb.fill(0);
    for (let k = 0, row = base; k < n; k++, row += inner) {
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const mv = mb[i]!;
        e[row + i] = v === mv ? 1 : Math.exp(v - mv);
        sb[i] = sb[i]! + e[row + i]!;
      }
    }
    for (let k = 0, row = base; k < n; k++, row += inner)
      for (let i = 0; i < inner; i++) e[row + i] = e[row + i]! / sb[i]!;
  }
  return e;
}

/** x − log Σ exp(x) over `axes`, same shape as x, computed as (x − m) − log Σ exp(x − m). */
export function logSoftmaxKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const e = allocate(dtypeOfArray(x), x.length);
  if (x.length === 0) return e; // the lane loops would walk the other sizes, however large
  const lanes = lanesOf(shape, axes);
  if (lanes === null) {
    const { keptShape, m, s } = shiftedGeneral(x, shape, axes, e);
    for (let i = 0; i < s.length; i++) s[i] = Math.log(s[i]!);
    binaryInto(x, shape, m, keptShape, e, shape, shiftRow);
    binaryInto(e, shape, s, keptShape, e, shape, subRow);
    return e;
  }
  const { outer, n, inner } = lanes;
  const f32 = x instanceof Float32Array;
  if (inner === 1) {
    for (let o = 0, base = 0; o < outer; o++, base += n) {
      const mv = laneMax(x, base, n);
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const v = x[base + k]!;
        const t = v === mv ? 1 : Math.exp(v - mv);
        acc += f32 ? Math.fround(t) : t;
      }
      let ls = Math.log(f32 ? Math.fround(acc) : acc);
      if (f32) ls = Math.fround(ls);
      for (let k = 0; k < n; k++) {
        const v = x[base + k]!;
        const t = v === mv ? 0 : v - mv;
        e[base + k] = (f32 ? Math.fround(t) : t) - ls; // the shift was stored (rounded) before
      }
    }
    return e;
  }
  const mb = new Float64Array(inner);
  const sb = allocate(dtypeOfArray(x), inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    blockMax(x, base, n, inner, mb);
    sb.fill(0);
    for (let k = 0, row = base; k < n; k++, row += inner) {
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const mv = mb[i]!;
        const t = v === mv ? 1 : Math.exp(v - mv);
        sb[i] = sb[i]! + (f32 ? Math.fround(t) : t);
      }
    }
    for (let i = 0; i < inner; i++) sb[i] = Math.log(sb[i]!);
    for (let k = 0, row = base; k < n; k++, row += inner) {
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const mv = mb[i]!;
        const t = v === mv ? 0 : v - mv;
        e[row + i] = (f32 ? Math.fround(t) : t) - sb[i]!;
      }
    }
  }
  return e;
}
