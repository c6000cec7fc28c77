/**
 * Raw loops for the log-sum-exp family (no tape). All three subtract the maximum m over the
 * reduced axes before exponentiating, so nothing overflows. Infinities follow one rule: where
 * x = m the shifted value x − m is taken as 0 (the limit of equal large values). That makes
 * logsumexp(−∞, …, −∞) = −∞ (softmax uniform), and when some x = +∞, logsumexp = +∞ and softmax
 * shares 1 evenly among the +∞ entries, instead of NaN from ∞ − ∞.
 */
import { type FloatArray, allocate, dtypeOfArray } from '../dtype.js';
import { type Shape } from '../shape.js';
import { mapBinary } from './elementwise.js';
import { maxAxes, reducedShape, sumAxes } from './reduce.js';

/** The pieces shared by the three kernels: the kept-dims shape, the max m, and e = exp(x − m). */
interface Shifted {
  keptShape: number[];
  m: FloatArray;
  e: FloatArray;
  s: FloatArray;
}

function shifted(x: FloatArray, shape: Shape, axes: readonly number[]): Shifted {
  const keptShape = reducedShape(shape, axes, true);
  const m = maxAxes(x, shape, axes);
  const e = allocate(dtypeOfArray(x), x.length);
  mapBinary(x, shape, m, keptShape, e, shape, (v, mv) => (v === mv ? 1 : Math.exp(v - mv)));
  const s = sumAxes(e, shape, axes);
  return { keptShape, m, e, s };
}

/** log Σ exp(x) over `axes`, with the reduced axes kept as size 1. */
export function logsumexpKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const { m, s } = shifted(x, shape, axes);
  // m = ±∞ already is the answer; adding log s would turn −∞ into NaN when s is 0 (empty axes).
  for (let i = 0; i < m.length; i++) {
    const mv = m[i]!;
    m[i] = mv === Infinity || mv === -Infinity ? mv : mv + Math.log(s[i]!);
  }
  return m;
}

/** exp(x) / Σ exp(x) over `axes`, same shape as x. */
export function softmaxKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const { keptShape, e, s } = shifted(x, shape, axes);
  mapBinary(e, shape, s, keptShape, e, shape, (v, sv) => v / sv);
  return e;
}

/** x − log Σ exp(x) over `axes`, same shape as x, computed as (x − m) − log Σ exp(x − m). */
export function logSoftmaxKernel(x: FloatArray, shape: Shape, axes: readonly number[]): FloatArray {
  const { keptShape, m, e, s } = shifted(x, shape, axes);
  for (let i = 0; i < s.length; i++) s[i] = Math.log(s[i]!);
  mapBinary(x, shape, m, keptShape, e, shape, (v, mv) => (v === mv ? 0 : v - mv));
  mapBinary(e, shape, s, keptShape, e, shape, (v, ls) => v - ls);
  return e;
}
