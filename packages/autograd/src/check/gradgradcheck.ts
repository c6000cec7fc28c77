/**
 * Checking second derivatives: the gradient of the gradient, against finite differences of the
 * gradient itself.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { Rng } from '../random.js';
import { zerosLike } from '../creation.js';
import { gradients } from '../engine/backward.js';
import { enableGrad, noGrad } from '../tape/mode.js';
import { type GradcheckOptions, resolveCheck, toleranceOptions } from './options.js';
import type { GradcheckResult } from './report.js';
import { gradcheck } from './gradcheck.js';
import { type CheckedFunction, outputsOf, perturbedInputs } from './numeric.js';

/** Options of {@link gradgradcheck}. */
export interface GradgradcheckOptions extends GradcheckOptions {
  /** The cotangents v, one per output of f (default: standard normal draws from `rng`). */
  gradOutputs?: readonly Tensor[];
  /** The generator for the random cotangents (default `new Rng(0)`, so runs repeat exactly). */
  rng?: Rng;
}

function randomLike(t: Tensor, rng: Rng): Tensor {
  const data = new (t.data.constructor as Float64ArrayConstructor)(t.size);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return new Tensor(data, t.shape, { requiresGrad: true });
}

/**
 * Checks second derivatives of `f`: the function g(x, v) = vᵀ ∂f/∂x (the first-order gradient for
 * a cotangent v, computed with `createGraph`) is itself put through {@link gradcheck}, with respect
 * to x and to v. Every op in `f` must have a differentiable vjp.
 *
 * The result lists the inputs of `f` that require grad at their own indices, followed by the
 * cotangents at indices `inputs.length + k` (one per output of `f`).
 */
export function gradgradcheck(
  f: CheckedFunction,
  inputs: readonly Tensor[],
  userOptions?: GradgradcheckOptions,
): GradcheckResult {
  resolveCheck('gradgradcheck', f, inputs, userOptions, ['rng', 'gradOutputs']);
  const options: GradgradcheckOptions = userOptions ?? {};
  const rng = options.rng ?? new Rng(0);
  if (!(rng instanceof Rng)) throw new ArgumentError('gradgradcheck: rng must be an Rng, e.g. {rng: new Rng(1)}.');
  const outs = noGrad(() => outputsOf('gradgradcheck', f(...perturbedInputs(inputs))));
  const given = options.gradOutputs;
  if (given !== undefined && given.length !== outs.length) {
    throw new ArgumentError(
      `gradgradcheck: ${given.length} gradOutputs for ${outs.length} output(s) of f; pass one per output.`,
    );
  }
  const cotangents = outs.map((o, k) => {
    const v = given?.[k];
    if (v === undefined) return randomLike(o, rng);
    if (!shapesEqual(v.shape, o.shape))
      throw new ShapeError(
        `gradgradcheck: gradOutputs[${k}] has shape ${formatShape(v.shape)} but output ${k} has ${formatShape(o.shape)}.`,
      );
    if (v.dtype !== o.dtype)
      throw new DTypeError(`gradgradcheck: gradOutputs[${k}] is ${v.dtype} but output ${k} is ${o.dtype}.`);
    return new Tensor(v.data.slice(), v.shape, { requiresGrad: true });
  });
  const n = inputs.length;
  const checked = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (checked.length === 0)
    throw new ArgumentError(
      'gradgradcheck: no input requires grad, so there is no gradient to check; create them with {requiresGrad: true}.',
    );
  // The first-order gradient, recorded so that gradcheck can differentiate it again. enableGrad:
  // gradcheck evaluates its finite differences under noGrad, but this function needs a tape.
  const firstOrder = (...all: Tensor[]): Tensor[] =>
    enableGrad(() => {
      const xs = all.slice(0, n);
      const vs = all.slice(n);
      const ys = outputsOf('gradgradcheck', f(...xs));
      const live = ys.map((_, k) => k).filter((k) => ys[k]!.requiresGrad);
      const targets = checked.map((i) => xs[i]!);
      const gs = live.length
        ? gradients(
            live.map((k) => ys[k]!),
            targets,
            { gradOutputs: live.map((k) => vs[k]!), createGraph: true, allowUnused: true },
          )
        : targets.map(() => null);
      return gs.map((g, c) => g ?? zerosLike(targets[c]!));
    });
  return gradcheck(firstOrder, [...inputs, ...cotangents], toleranceOptions(options));
}
