/**
 * Row loops of the comparisons, each writing a 0/1 mask: out[po + j] = a[pa + j·ia] ∘ b[pb + j·ib]
 * ? 1 : 0 (a `BinaryRow` of elementwise.ts). One loop per comparison rather than one loop taking a
 * predicate, for the reason given in elementwise.ts: a shared loop calling a predicate per element
 * goes megamorphic and pays a call per element. They run under relu's vjp, maximum/minimum, max/min
 * and clamp, so they are as hot as arithmetic.
 *
 * The mask is written as +(a ∘ b), not (a ∘ b ? 1 : 0): V8 compiles the ternary to a branch, which
 * on data like relu's inputs is mispredicted half the time (about 4× slower on random signs),
 * while the boolean-to-number conversion compiles without one. Same values, NaN included.
 */
import type { FloatArray } from '../dtype.js';

/** Row loop of a = b (NaN equals nothing). */
export function eqRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! === b[pb]!);
}

/** Row loop of a ≠ b (NaN differs from everything). */
export function neRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! !== b[pb]!);
}

/** Row loop of a > b. */
export function gtRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! > b[pb]!);
}

/** Row loop of a ≥ b. */
export function geRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! >= b[pb]!);
}

/** Row loop of a < b. */
export function ltRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! < b[pb]!);
}

/** Row loop of a ≤ b. */
export function leRow(
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
  for (let j = 0; j < n; j++, pa += ia, pb += ib) out[po + j] = +(a[pa]! <= b[pb]!);
}

/**
 * Row loop of `where`'s second pass, out[po + j] = b[pb + j·ib] where m[pm + j·im] = 0 and
 * unchanged elsewhere. The first pass has already copied the `a` branch into `out`, so driving this
 * through the broadcast walker with (mask, b) selects without materialising broadcast copies of
 * the mask or either branch. NaN in the mask is not 0, so it keeps `a`.
 */
export function selectElseRow(
  m: FloatArray,
  pm: number,
  im: number,
  b: FloatArray,
  pb: number,
  ib: number,
  out: FloatArray,
  po: number,
  n: number,
): void {
  // Indexing a two-slot array by +(m = 0) instead of branching on it: a mask of mixed values makes
  // the branch a coin toss, and the mispredictions cost about twice the whole loop. Float64 slots
  // hold either dtype's values exactly, so the store into `out` rounds just as a direct copy would.
  const pick = PICK;
  for (let j = 0; j < n; j++, pm += im, pb += ib) {
    pick[0] = out[po + j]!;
    pick[1] = b[pb]!;
    out[po + j] = pick[+(m[pm] === 0)]!;
  }
}

/** Scratch of {@link selectElseRow}, shared because kernels never run reentrantly. */
const PICK = new Float64Array(2);
