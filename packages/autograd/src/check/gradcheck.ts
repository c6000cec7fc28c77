import { ArgumentError, DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { gradients } from '../engine/backward.js';
import { noGrad } from '../engine/mode.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against |numeric| (default 1e-3). */
  rtol?: number;
  /** Allow float32 inputs; their finite differences are only good to about 1e-3 (default false). */
  allowFloat32?: boolean;
}

/** The worst-matching element of one input's Jacobian block. */
export interface WorstElement {
  /** Flat index into the input. */
  inputIndex: number;
  /** Flat index into the output. */
  outputIndex: number;
  /** ∂out/∂in from the tape. */
  analytic: number;
  /** ∂out/∂in from central differences. */
  numeric: number;
  /** |analytic − numeric|. */
  absError: number;
  /** |analytic − numeric| / |numeric| (Infinity when numeric is 0 and they differ). */
  relError: number;
}

/** The check of one input. */
export interface InputCheck {
  /** Position of the input in the argument list. */
  index: number;
  /** True when every element is within atol + rtol·|numeric|. */
  passed: boolean;
  /** The element with the largest excess over its tolerance (null when the input has no elements). */
  worst: WorstElement | null;
  /** ‖a − n‖ / (‖a‖ + ‖n‖) over the whole block (0 when both are zero). */
  normRatio: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  /** True when every checked input passed. */
  passed: boolean;
  /** One entry per input that requires grad. */
  inputs: InputCheck[];
  /** A readable summary, one line per input. */
  format(): string;
}

/** Copies of the inputs as fresh leaves, with `value` written at element `at` of input `which`. */
function perturbedInputs(inputs: readonly Tensor[], which: number, at: number, value: number): Tensor[] {
  return inputs.map((t, i) => {
    const data = t.data.slice();
    if (i === which) data[at] = value;
    return new Tensor(data, t.shape, { requiresGrad: t.requiresGrad });
  });
}

/**
 * Compares the tape's Jacobian of `f` with central finite differences, element by element, for
 * every input that requires grad. Works in float64; float32 inputs are refused unless
 * `allowFloat32` (their differences are too coarse for these tolerances).
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`gradcheck: input ${i} is not a Tensor.`);
    if (t.dtype === 'float32' && !options.allowFloat32) {
      throw new DTypeError(
        `gradcheck: input ${i} is float32; finite differences in float32 are not trustworthy at eps ${eps}. ` +
          `Cast it with .to('float64'), or pass {allowFloat32: true} and loosen atol/rtol to about 1e-2.`,
      );
    }
  });
  const checked = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const leaves = perturbedInputs(inputs, -1, 0, 0);
  const out = f(...leaves);
  if (!(out instanceof Tensor)) throw new ArgumentError('gradcheck: f must return a Tensor.');
  const m = out.size;
  // analytic[j][i] = rows of the Jacobian, one backward per output element
  const analytic: (Tensor | null)[][] = [];
  for (let j = 0; j < m; j++) {
    const seed = new Tensor(new (out.data.constructor as Float64ArrayConstructor)(m), out.shape);
    seed.data[j] = 1;
    const gs = out.requiresGrad
      ? gradients(out, checked.map((i) => leaves[i]!), { gradOutputs: [seed], retainGraph: true, allowUnused: true })
      : checked.map(() => null);
    analytic.push(gs);
  }
  const reports: InputCheck[] = checked.map((inputIdx, c) => {
    const t = inputs[inputIdx]!;
    let worst: WorstElement | null = null;
    let worstExcess = -Infinity;
    let passed = true;
    let diff2 = 0;
    let a2 = 0;
    let n2 = 0;
    for (let k = 0; k < t.size; k++) {
      const x0 = t.data[k]!;
      const plus = noGrad(() => f(...perturbedInputs(inputs, inputIdx, k, x0 + eps)));
      const minus = noGrad(() => f(...perturbedInputs(inputs, inputIdx, k, x0 - eps)));
      for (let j = 0; j < m; j++) {
        const numeric = (plus.data[j]! - minus.data[j]!) / (2 * eps);
        const analyticValue = analytic[j]![c]?.data[k] ?? 0;
        const absError = Math.abs(analyticValue - numeric);
        const tol = atol + rtol * Math.abs(numeric);
        const excess = Number.isNaN(absError) ? Infinity : absError - tol;
        if (!(absError <= tol)) passed = false;
        diff2 += absError * absError;
        a2 += analyticValue * analyticValue;
        n2 += numeric * numeric;
        if (excess > worstExcess) {
          worstExcess = excess;
          const relError = numeric === 0 ? (absError === 0 ? 0 : Infinity) : absError / Math.abs(numeric);
          worst = { inputIndex: k, outputIndex: j, analytic: analyticValue, numeric, absError, relError };
        }
      }
    }
    const denom = Math.sqrt(a2) + Math.sqrt(n2);
    return { index: inputIdx, passed, worst, normRatio: denom === 0 ? 0 : Math.sqrt(diff2) / denom };
  });
  return {
    passed: reports.every((r) => r.passed),
    inputs: reports,
    format: () =>
      reports
        .map((r) => {
          const w = r.worst;
          const detail = w
            ? `worst at input[${w.inputIndex}] / output[${w.outputIndex}]: analytic ${w.analytic}, numeric ${w.numeric}, abs ${w.absError.toExponential(2)}, rel ${w.relError.toExponential(2)}`
            : 'no elements';
          return `input ${r.index}: ${r.passed ? 'pass' : 'FAIL'}; ${detail}; norm ratio ${r.normRatio.toExponential(2)}`;
        })
        .join('\n'),
  };
}
