/**
 * Forward mode: `jvp` and `linearize`, JAX's names and semantics. Tangents flow with the forward
 * computation through each op's jvp rule (ops/define.ts), with no tape; the rules are tensor ops,
 * so forward mode composes with reverse mode in both directions and with itself.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { formatShape, shapesEqual } from '../shape.js';
import { zerosLike } from '../creation.js';
import { reshape } from '../ops/movement.js';
import { type TangentLevel, withNewLevel } from '../tape/forward.js';
import { treeFlatten, treeUnflatten } from './pytree.js';

function checkFunction(name: string, f: unknown): void {
  if (typeof f !== 'function') {
    throw new ArgumentError(`${name}: f must be a function of tensors (or pytrees of them), got ${typeof f}.`);
  }
}

/**
 * Runs `f(...args)` with `tangents[i]` attached to the tensor leaf `leaves[i]` (null: none), and
 * returns the output with one tangent per output leaf (zeros where the output does not depend on
 * the inputs). Each leaf enters `f` as a fresh recorded view, so one tensor passed twice carries
 * two tangents, and reverse mode still sees through to the caller's tensor.
 */
export function pushForward(
  f: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  leafArgs: readonly number[],
  tangents: readonly (readonly (Tensor | null)[])[],
): [unknown, Tensor[], (leaves: readonly Tensor[]) => unknown] {
  const level: TangentLevel = { tangents: new WeakMap() };
  const traced = [...args];
  leafArgs.forEach((a, k) => {
    const [leaves, def] = treeFlatten(args[a]);
    const views = leaves.map((x, i) => {
      const view = reshape(x, x.shape);
      const t = tangents[k]![i];
      if (t) level.tangents.set(view, t);
      return view;
    });
    traced[a] = treeUnflatten(def, views);
  });
  const out = withNewLevel(level, () => f(...traced));
  const [outs, outDef] = treeFlatten(out);
  const outTangents = outs.map((o) => level.tangents.get(o) ?? zerosLike(o));
  return [out, outTangents, (leaves) => treeUnflatten(outDef, leaves)];
}

/** Checks that `tangent` fits `primal` leaf by leaf, naming the argument and leaf otherwise. */
function checkTangents(name: string, index: number, primal: unknown, tangent: unknown): Tensor[] {
  const [ps] = treeFlatten(primal);
  const [ts] = treeFlatten(tangent);
  if (ps.length !== ts.length) {
    throw new ArgumentError(
      `${name}: tangent ${index} has ${ts.length} tensor(s) but primal ${index} has ${ps.length}; give a tangent of the primal's structure.`,
    );
  }
  ps.forEach((p, i) => {
    const t = ts[i]!;
    const where = ps.length === 1 ? `tangent ${index}` : `tangent ${index}, leaf ${i}`;
    if (!shapesEqual(p.shape, t.shape)) {
      throw new ShapeError(
        `${name}: ${where} has shape ${formatShape(t.shape)}, but its primal has shape ${formatShape(p.shape)}; a tangent has its primal's shape.`,
      );
    }
    if (p.dtype !== t.dtype) {
      throw new DTypeError(
        `${name}: ${where} is ${t.dtype}, but its primal (shape ${formatShape(p.shape)}) is ${p.dtype}; cast the tangent with .to('${p.dtype}').`,
      );
    }
  });
  return ts;
}

/**
 * JAX's `jvp`: evaluates `f` at `primals` and its directional derivative along `tangents`, in
 * one forward pass. `primals` and `tangents` are arrays with one entry per argument of `f`, each a
 * pytree of tensors; a tangent has its primal's structure, shapes and dtypes. Returns
 * `[output, outputTangent]`, the tangent of the output's structure.
 *
 * Forward mode composes with reverse mode both ways: `jvp` of a function that calls `grad` is
 * forward-over-reverse (Hessian-vector products), and `grad` of a function that calls `jvp` works
 * too. A custom op without a jvp rule throws when a tangent reaches it.
 *
 * @example
 * ```ts
 * const [y, dy] = jvp((x: Tensor) => x.exp(), [tensor([0, 1])], [tensor([1, 0])]); // dy = eˣ ⊙ v = [1, 0]
 * ```
 */
export function jvp<A extends unknown[], R>(
  f: (...primals: A) => R,
  primals: readonly [...A],
  tangents: readonly [...A],
): [R, R] {
  checkFunction('jvp', f);
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length) {
    throw new ArgumentError(
      `jvp: pass primals and tangents as arrays of the same length, one tangent per argument of f, e.g. jvp(f, [x], [v]); ` +
        `got ${Array.isArray(primals) ? primals.length : typeof primals} primal(s) and ${Array.isArray(tangents) ? tangents.length : typeof tangents} tangent(s).`,
    );
  }
  const ts = primals.map((p, i) => checkTangents('jvp', i, p, tangents[i]));
  const [out, outTangents, rebuild] = pushForward(
    f as (...args: unknown[]) => unknown,
    primals,
    primals.map((_, i) => i),
    ts,
  );
  return [out as R, rebuild(outTangents) as R];
}

/**
 * JAX's `linearize`: returns `[f(...primals), jvpFn]`, where `jvpFn(...tangents)` is the
 * Jacobian of `f` at `primals` applied to the tangents (one per primal). Each call of `jvpFn`
 * re-runs `f` in forward mode: there is no staged linear program to replay, which keeps the
 * result exact for any `f` at the cost of one forward pass per call.
 */
export function linearize<A extends unknown[], R>(f: (...primals: A) => R, ...primals: A): [R, (...tangents: A) => R] {
  checkFunction('linearize', f);
  const out = f(...primals);
  const jvpFn = (...tangents: A): R => {
    if (tangents.length !== primals.length) {
      throw new ArgumentError(
        `linearize: the linear map takes one tangent per primal (${primals.length}), got ${tangents.length}.`,
      );
    }
    return jvp(f, primals, tangents)[1];
  };
  return [out, jvpFn];
}
