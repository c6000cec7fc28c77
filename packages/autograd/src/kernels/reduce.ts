/** Raw reduction loops over TypedArrays (no tape). */
import type { FloatArray } from '../dtype.js';
import { allocate, dtypeOfArray } from '../dtype.js';
import { type Shape, sizeOf } from '../shape.js';

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
 * One row of a reduction: folds x[px], …, x[px + n − 1] into `out` from offset `po`, stepping
 * the output by `io`: 0 folds the whole row into one slot (the row lies along a reduced axis),
 * 1 folds it elementwise into n slots (the row lies along a kept axis).
 */
type FoldRow = (x: FloatArray, px: number, out: FloatArray, po: number, io: number, n: number) => void;

// One row loop per reduction, for the reason given in elementwise.ts: a shared loop calling a
// `step(acc, v)` callback per element goes megamorphic. A row along a reduced axis accumulates
// in a local (a double), which for float32 rounds once per row instead of once per element.

function sumRow(x: FloatArray, px: number, out: FloatArray, po: number, io: number, n: number): void {
  if (io === 0) {
    let acc = out[po]!;
    for (let j = 0; j < n; j++) acc += x[px + j]!;
    out[po] = acc;
  } else {
    for (let j = 0; j < n; j++) out[po + j] = out[po + j]! + x[px + j]!;
  }
}

function maxRow(x: FloatArray, px: number, out: FloatArray, po: number, io: number, n: number): void {
  if (io === 0) {
    let acc = out[po]!;
    for (let j = 0; j < n; j++) acc = Math.max(acc, x[px + j]!);
    out[po] = acc;
  } else {
    for (let j = 0; j < n; j++) out[po + j] = Math.max(out[po + j]!, x[px + j]!);
  }
}

function minRow(x: FloatArray, px: number, out: FloatArray, po: number, io: number, n: number): void {
  if (io === 0) {
    let acc = out[po]!;
    for (let j = 0; j < n; j++) acc = Math.min(acc, x[px + j]!);
    out[po] = acc;
  } else {
    for (let j = 0; j < n; j++) out[po + j] = Math.min(out[po + j]!, x[px + j]!);
  }
}

/**
 * Folds `x` over `axes` into an array of the kept-dims shape filled with `init`, calling `row`
 * once per input row. Neighbouring dimensions that are both reduced or both kept are merged
 * first (size-1 ones dropped), so that rows are as long as possible: a full reduction is one
 * row, [m, n] over axis 0 is m rows folded elementwise (the bias gradient), over axis 1 m rows
 * folded to one value each. The outer dimensions are walked with an index counter, no recursion.
 */
function foldAxes(x: FloatArray, shape: Shape, axes: readonly number[], init: number, row: FoldRow): FloatArray {
  const out = allocate(dtypeOfArray(x), sizeOf(reducedShape(shape, axes, true)));
  if (init !== 0) out.fill(init); // storage starts zeroed
  if (x.length === 0) return out;
  const sizes: number[] = [];
  const reduced: boolean[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    const r = axes.includes(d);
    if (n === 1) continue;
    if (sizes.length > 0 && reduced[reduced.length - 1] === r) sizes[sizes.length - 1]! *= n;
    else {
      sizes.push(n);
      reduced.push(r);
    }
  }
  const nd = sizes.length;
  if (nd === 0) {
    row(x, 0, out, 0, 0, 1); // a single element
    return out;
  }
  const inner = sizes[nd - 1]!;
  const io = reduced[nd - 1] ? 0 : 1;
  if (nd <= 2) {
    // A full reduction, a column sum (the bias gradient) or row sums: rows one after another, the
    // output moving on by one slot per row only when the rows' own dimension is kept.
    const advance = nd === 2 && !reduced[0] ? 1 : 0;
    for (let px = 0, po = 0; px < x.length; px += inner, po += advance) row(x, px, out, po, io, inner);
    return out;
  }
  const outStrides: number[] = [];
  const index: number[] = [];
  for (let d = 0; d < nd; d++) {
    outStrides.push(0);
    index.push(0);
  }
  for (let d = nd - 1, s = 1; d >= 0; d--) {
    outStrides[d] = reduced[d] ? 0 : s;
    if (!reduced[d]) s *= sizes[d]!;
  }
  let po = 0;
  for (let px = 0; px < x.length; px += inner) {
    row(x, px, out, po, io, inner);
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      po += outStrides[d]!;
      if (index[d]! < sizes[d]!) break;
      po -= outStrides[d]! * sizes[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** Σ of `x` over `axes`, in the kept-dims shape. */
export function sumAxes(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  return foldAxes(x, shape, axes, 0, sumRow);
}

/** Maximum of `x` over `axes` (NaN propagates), in the kept-dims shape. */
export function maxAxes(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  return foldAxes(x, shape, axes, -Infinity, maxRow);
}

/** Minimum of `x` over `axes` (NaN propagates), in the kept-dims shape. */
export function minAxes(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  return foldAxes(x, shape, axes, Infinity, minRow);
}

/**
 * Index of the best element along `axis` by `better(v, best)`, first occurrence on ties, as a
 * float64 array (exact for any index a tensor can have). The tensor is viewed as
 * [outer, shape[axis], inner] so each lane is a strided scan.
 */
export function argReduce(
  x: FloatArray,
  shape: Shape,
  axis: number,
  better: (v: number, best: number) => boolean,
): Float64Array {
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
