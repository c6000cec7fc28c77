/**
 * A gradient check that scales: compare uᵀ J v from the tape with a finite difference of the
 * directional derivative along random directions, instead of forming the whole Jacobian.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { Rng } from '../random.js';
import { gradients } from '../engine/backward.js';
import { enableGrad } from '../tape/mode.js';
import { type GradcheckOptions, resolveCheck } from './options.js';
import { type CheckedFunction, centralDifference, evaluate, outputsOf, perturbedInputs } from './numeric.js';
import { isClose, relativeError } from './allclose.js';

/** Options of {@link gradcheckDirectional}. */
export interface DirectionalOptions extends GradcheckOptions {
  /** The seeded generator for the directions (required: the check must be repeatable). */
  rng: Rng;
  /** How many random (u, v) pairs to try (default 4). */
  directions?: number;
}

/** One direction's comparison. */
export interface DirectionCheck {
  /** uᵀ J v from one backward pass. */
  analytic: number;
  /** (uᵀ f(x + εv) − uᵀ f(x − εv)) / 2ε. */
  numeric: number;
  /** |analytic − numeric|. */
  absError: number;
  /** |analytic − numeric| / |numeric| (Infinity when numeric is 0 and they differ). */
  relError: number;
  /** True when absError ≤ atol + rtol·|numeric|. */
  passed: boolean;
}

/** What {@link gradcheckDirectional} found. */
export interface DirectionalResult {
  /** True when every direction passed. */
  passed: boolean;
  /** One entry per direction. */
  directions: DirectionCheck[];
  /** ‖a − n‖ / (‖a‖ + ‖n‖) over the directions (0 when both are zero). */
  normRatio: number;
  /** A readable summary, one line per direction. */
  format(): string;
}

function gaussian(t: Tensor, rng: Rng): Float64Array {
  const out = new Float64Array(t.size);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Checks the tape's gradient of `f` along random directions: for each pair of a random output
 * cotangent u and a random input direction v (over all inputs that require grad at once), it
 * compares uᵀ J v from one backward pass with the central difference of uᵀ f along v. Costs one
 * backward and two evaluations per direction, whatever the sizes; a wrong gradient is caught with
 * probability 1 but not located (use {@link gradcheck} on a smaller case for that).
 */
export function gradcheckDirectional(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  options: DirectionalOptions,
): DirectionalResult {
  const { eps, atol, rtol } = resolveCheck('gradcheckDirectional', f, inputs, options, ['rng', 'directions']);
  const rng = options?.rng;
  if (!(rng instanceof Rng))
    throw new ArgumentError(
      'gradcheckDirectional: pass a seeded generator, e.g. {rng: new Rng(42)}; the directions must be repeatable.',
    );
  const count = options.directions ?? 4;
  if (!Number.isInteger(count) || count < 1)
    throw new ArgumentError(`gradcheckDirectional: directions must be a positive integer, got ${count}.`);
  const checked = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (checked.length === 0)
    throw new ArgumentError('gradcheckDirectional: no input requires grad; create them with {requiresGrad: true}.');
  const leaves = perturbedInputs(inputs);
  // Record even inside noGrad: without a tape every analytic gradient would read as 0.
  const outs = outputsOf(
    'gradcheckDirectional',
    enableGrad(() => f(...leaves)),
  );
  const live = outs.map((_, o) => o).filter((o) => outs[o]!.requiresGrad);
  const results: DirectionCheck[] = [];
  for (let d = 0; d < count; d++) {
    const us = outs.map((o) => gaussian(o, rng));
    const vs = checked.map((i) => gaussian(inputs[i]!, rng));
    const gs = live.length
      ? gradients(
          live.map((o) => outs[o]!),
          checked.map((i) => leaves[i]!),
          {
            gradOutputs: live.map(
              (o) => new Tensor(outs[o]!.dtype === 'float32' ? Float32Array.from(us[o]!) : us[o]!, outs[o]!.shape),
            ),
            retainGraph: true,
            allowUnused: true,
          },
        )
      : checked.map(() => null);
    const analytic = gs.reduce((s, g, c) => s + (g === null ? 0 : dot(g.data, vs[c]!)), 0);
    // uᵀ f(x + h·v)
    const shifted = (h: number): number => {
      let xs = [...inputs];
      checked.forEach((i, c) => {
        xs = perturbedInputs(
          xs,
          i,
          0,
          vs[c]!.map((x) => h * x),
        );
      });
      return evaluate('gradcheckDirectional', f, xs).reduce((s, y, o) => s + dot(y.data, us[o]!), 0);
    };
    const numeric = centralDifference(shifted, eps);
    results.push({
      analytic,
      numeric,
      absError: Math.abs(analytic - numeric),
      relError: relativeError(analytic, numeric),
      passed: isClose(analytic, numeric, atol, rtol),
    });
  }
  let diff2 = 0;
  let a2 = 0;
  let n2 = 0;
  for (const r of results) {
    diff2 += r.absError ** 2;
    a2 += r.analytic ** 2;
    n2 += r.numeric ** 2;
  }
  const denom = Math.sqrt(a2) + Math.sqrt(n2);
  return {
    passed: results.every((r) => r.passed),
    directions: results,
    normRatio: denom === 0 ? 0 : Math.sqrt(diff2) / denom,
    format: () =>
      results
        .map(
          (r, d) =>
            `direction ${d}: ${r.passed ? 'pass' : 'FAIL'}; analytic ${r.analytic}, numeric ${r.numeric}, abs ${r.absError.toExponential(2)}, rel ${r.relError.toExponential(2)}`,
        )
        .join('\n'),
  };
}
