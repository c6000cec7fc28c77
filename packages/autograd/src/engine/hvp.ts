/**
 * Hessian-vector products by double backward: H v = ∇ₓ ⟨∇ₓ f(x), v⟩.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, DTypeError, GradError, ShapeError } from '../errors.js';
import { describeValue, formatShape, shapesEqual } from '../shape.js';
import { zerosLike } from '../creation.js';
import { add, mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { gradients } from './backward.js';
import { isGradEnabled, setGradEnabled } from '../tape/mode.js';
import { mustRecord, track, within } from './transforms.js';

function asList(name: string, x: Tensor | readonly Tensor[]): Tensor[] {
  // Plain-JS callers can pass anything; spreading a non-iterable would be a raw TypeError.
  if (!(x instanceof Tensor) && !Array.isArray(x)) {
    throw new ArgumentError(`hvp: ${name}s must be a Tensor or an array of tensors, got ${describeValue(x)}.`);
  }
  const list = x instanceof Tensor ? [x] : [...x];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`hvp: ${name} ${i} is not a Tensor.`);
  });
  return list;
}

/**
 * The Hessian of the scalar function `f` at `primals`, applied to `tangents` (one per primal, same
 * shapes), without forming the Hessian: two backward passes, the first recorded. Returns one
 * tensor per primal (a single tensor when `primals` is a single tensor). The primals' `.grad`
 * fields are not touched. Like the other transforms, hvp composes: inside grad, vjp or another
 * hvp (or given recorded primals) the second pass is recorded too, so the result can be
 * differentiated again, through the primals, the tangents and anything `f` closes over.
 * Otherwise the primals are detached and the result is a plain value.
 */
export function hvp(f: (...xs: Tensor[]) => Tensor, primals: Tensor, tangents: Tensor): Tensor;
export function hvp(f: (...xs: Tensor[]) => Tensor, primals: readonly Tensor[], tangents: readonly Tensor[]): Tensor[];
export function hvp(
  f: (...xs: Tensor[]) => Tensor,
  primals: Tensor | readonly Tensor[],
  tangents: Tensor | readonly Tensor[],
): Tensor | Tensor[] {
  if (typeof f !== 'function')
    throw new ArgumentError(`hvp: f must be a function (...xs: Tensor[]) => Tensor, got ${describeValue(f)}.`);
  const xs = asList('primal', primals);
  const vs = asList('tangent', tangents);
  if (xs.length !== vs.length)
    throw new ArgumentError(`hvp: ${xs.length} primal(s) but ${vs.length} tangent(s); pass one tangent per primal.`);
  xs.forEach((x, i) => {
    const v = vs[i]!;
    if (!shapesEqual(x.shape, v.shape))
      throw new ShapeError(
        `hvp: tangent ${i} has shape ${formatShape(v.shape)} but primal ${i} has ${formatShape(x.shape)}; they must match.`,
      );
    if (x.dtype !== v.dtype)
      throw new DTypeError(
        `hvp: tangent ${i} is ${v.dtype} but primal ${i} is ${x.dtype}; cast it with .to('${x.dtype}').`,
      );
  });
  const recording = isGradEnabled();
  const result = setGradEnabled(true, () => {
    const leaves = xs.map((x) => track(x, recording));
    const createGraph = mustRecord(recording, leaves);
    const y = within(() => f(...leaves));
    if (!(y instanceof Tensor) || y.size !== 1) {
      throw new GradError(
        `hvp: f must return a one-element tensor, got ${y instanceof Tensor ? `shape ${formatShape(y.shape)}` : typeof y}; reduce it with .sum() or .mean().`,
      );
    }
    if (!y.requiresGrad) return leaves.map(zerosLike);
    const g = gradients(y, leaves, { createGraph: true, allowUnused: true });
    let dot: Tensor | null = null;
    g.forEach((gi, i) => {
      if (gi === null || !gi.requiresGrad) return; // a gradient constant in x contributes no curvature
      const term = sum(mul(gi, vs[i]!));
      dot = dot === null ? term : add(dot, term);
    });
    if (dot === null) return leaves.map(zerosLike);
    return gradients(dot, leaves, { createGraph, allowUnused: true }).map((h, i) => h ?? zerosLike(leaves[i]!));
  });
  return primals instanceof Tensor ? result[0]! : result;
}
