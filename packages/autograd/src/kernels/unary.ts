/**
 * Raw unary elementwise loops (no tape), one per op: a loop calling a per-op callback would see
 * every op's function at one call site and stop inlining (see elementwise.ts). Each loop writes
 * out[i] = f(x[i]); `out` may be `x` itself.
 */
import type { FloatArray } from '../dtype.js';

/** The logistic function, branching on sign so that neither branch overflows. */
export function stableSigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + eˣ) in the form max(x, 0) + log1p(e^−|x|), which never overflows. */
export function stableSoftplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** A unary kernel: out[i] = f(x[i]). */
export type UnaryKernel = (x: FloatArray, out: FloatArray) => void;

/** out = −x. */
export function negInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
}

/** out = eˣ. */
export function expInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
}

/** out = log x. */
export function logInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!);
}

/** out = σ(x), stable for any x. */
export function sigmoidInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = stableSigmoid(x[i]!);
}

/** out = √x. */
export function sqrtInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!);
}

/** out = |x|. */
export function absInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
}

/** out = x². */
export function squareInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v * v;
  }
}

/** out = tanh x. */
export function tanhInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
}

/** out = max(x, 0), keeping NaN. */
export function reluInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : v === v ? 0 : v;
  }
}

/** out = softplus(x), stable for any x. */
export function softplusInto(x: FloatArray, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = stableSoftplus(x[i]!);
}

/** out = x / s (mean's division by the count; multiplying by 1/s would round differently). */
export function divScalarInto(x: FloatArray, s: number, out: FloatArray): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! / s;
}
