/**
 * Evaluating the checked function at perturbed points, and the pieces every check shares.
 * @packageDocumentation
 */
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { describeValue } from '../shape.js';
import { noGrad } from '../tape/mode.js';

/** A function under check: tensors in, one tensor or a list of tensors out. */
export type CheckedFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/**
 * Copies of the inputs as fresh leaves (keeping requiresGrad), with `delta` added to input
 * `which`: at flat index `at` when `delta` is a number, elementwise when it is a tensor's data.
 * Fresh leaves mean the check never records onto, or accumulates into, the caller's tensors.
 */
export function perturbedInputs(
  inputs: readonly Tensor[],
  which = -1,
  at = 0,
  delta: number | ArrayLike<number> = 0,
): Tensor[] {
  return inputs.map((t, i) => {
    const data = t.data.slice();
    if (i === which) {
      if (typeof delta === 'number') data[at] = data[at]! + delta;
      else for (let k = 0; k < data.length; k++) data[k] = data[k]! + delta[k]!;
    }
    return new Tensor(data, t.shape, { requiresGrad: t.requiresGrad });
  });
}

/** The outputs of `f` as a list, checking that they are tensors. */
export function outputsOf(name: string, result: unknown): Tensor[] {
  const outs = result instanceof Tensor ? [result] : Array.isArray(result) ? [...result] : null;
  if (outs === null || outs.length === 0 || !outs.every((o) => o instanceof Tensor)) {
    throw new ArgumentError(
      `${name}: f must return a Tensor or a non-empty array of Tensors, got ${result === null ? 'null' : typeof result}.`,
    );
  }
  return outs as Tensor[];
}

/** f evaluated without recording (the finite-difference side needs values only). */
export function evaluate(name: string, f: CheckedFunction, inputs: readonly Tensor[]): Tensor[] {
  return noGrad(() => outputsOf(name, f(...inputs)));
}

/** A one-hot tensor of `like`'s shape and dtype: the seed that extracts one Jacobian row. */
export function oneHot(like: Tensor, index: number): Tensor {
  const data = new (like.data.constructor as Float64ArrayConstructor)(like.size);
  data[index] = 1;
  return new Tensor(data, like.shape);
}

/**
 * The central difference (f(+eps) − f(−eps)) / 2eps of a function of one step h, where f
 * evaluates the quantity of interest at x + h·v for the caller's point x and direction v: a
 * number, or an array of them (one difference per element). Its error is O(eps²) in exact
 * arithmetic, plus about machine epsilon · |f| / eps of rounding.
 */
export function centralDifference(f: (h: number) => number, eps: number): number;
export function centralDifference(f: (h: number) => ArrayLike<number>, eps: number): Float64Array;
export function centralDifference(f: (h: number) => number | ArrayLike<number>, eps: number): number | Float64Array {
  const plus = f(eps);
  const minus = f(-eps);
  if (typeof plus === 'number' && typeof minus === 'number') return (plus - minus) / (2 * eps);
  if (typeof plus === 'number' || typeof minus === 'number' || plus.length !== minus.length) {
    throw new ArgumentError(
      `centralDifference: f returned ${describeValue(plus)} at +eps and ${describeValue(minus)} at −eps; it must return numbers, or arrays of one length, at both.`,
    );
  }
  const p = plus;
  const m = minus;
  const out = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) out[j] = (p[j]! - m[j]!) / (2 * eps);
  return out;
}

/** The data of several tensors end to end, as one float64 array. */
export function concatData(ts: readonly Tensor[]): Float64Array {
  const out = new Float64Array(ts.reduce((n, t) => n + t.size, 0));
  let offset = 0;
  for (const t of ts) {
    out.set(t.data, offset);
    offset += t.size;
  }
  return out;
}
