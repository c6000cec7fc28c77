/**
 * Options and input validation shared by every gradient check.
 * @packageDocumentation
 */
import { ArgumentError, DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { describeValue } from '../shape.js';

/** Options of {@link gradcheck} and the other checks. */
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

const TOLERANCE_KEYS: readonly (keyof GradcheckOptions)[] = ['eps', 'atol', 'rtol', 'allowFloat32'];

/** Only the options of {@link GradcheckOptions}, for a check that hands its own on to gradcheck. */
export function toleranceOptions(options: GradcheckOptions): GradcheckOptions {
  const out: GradcheckOptions = {};
  for (const key of TOLERANCE_KEYS) if (options[key] !== undefined) Object.assign(out, { [key]: options[key] });
  return out;
}

/** Resolved tolerances. */
export interface Tolerances {
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
}

let warnedFloat32 = false;

/** `value` (or `fallback` when undefined), checked to be a finite positive number (or zero when allowed). */
export function positive(
  name: string,
  key: string,
  value: number | undefined,
  fallback: number,
  allowZero: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ArgumentError(
      `${name}: ${key} must be a finite ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}.`,
    );
  }
  return v;
}

/**
 * Validates the inputs (tensors; float64 unless float32 is explicitly allowed, with a one-time
 * warning) and resolves the tolerances to the PyTorch defaults.
 */
export function resolveCheck(
  name: string,
  f: unknown,
  inputs: readonly unknown[],
  given: GradcheckOptions | undefined,
  extraKeys: readonly string[] = [],
): Tolerances {
  if (typeof f !== 'function')
    throw new ArgumentError(`${name}: f must be a function of the input tensors, got ${describeValue(f)}.`);
  const options = checkOptions(name, given, [...TOLERANCE_KEYS, ...extraKeys] as (keyof GradcheckOptions)[]);
  const eps = positive(name, 'eps', options.eps, 1e-6, false);
  const atol = positive(name, 'atol', options.atol, 1e-5, true);
  const rtol = positive(name, 'rtol', options.rtol, 1e-3, true);
  if (!Array.isArray(inputs))
    throw new ArgumentError(`${name}: inputs must be an array of tensors, e.g. ${name}(f, [x, w]).`);
  let float32 = false;
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new ArgumentError(`${name}: input ${i} is not a Tensor (got ${t === null ? 'null' : typeof t}).`);
    if (t.dtype !== 'float32') return;
    float32 = true;
    if (!options.allowFloat32) {
      throw new DTypeError(
        `${name}: input ${i} (shape [${t.shape.join(', ')}]) is float32; finite differences in float32 are not trustworthy at eps ${eps}. ` +
          `Cast it with .to('float64'), or pass {allowFloat32: true} and loosen atol/rtol to about 1e-2.`,
      );
    }
  });
  if (float32 && !warnedFloat32) {
    // Once per process: a loop of checks should not flood the console.
    warnedFloat32 = true;
    console.warn(
      `tapegrad ${name}: checking float32 inputs (allowFloat32). Central differences in float32 carry errors around 1e-3 ` +
        `even for a correct gradient; use eps ≈ 1e-3 and atol/rtol ≈ 1e-2, or check in float64.`,
    );
  }
  return { eps, atol, rtol };
}
