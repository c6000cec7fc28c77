/**
 * JAX-style functional transforms over pytrees: `grad`, `valueAndGrad` and `vjp`. They differentiate
 * a function at a point and return the result; no `.grad` field of any tensor is touched.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, DTypeError, GradError, ShapeError } from '../errors.js';
import { describeValue, formatShape, shapesEqual } from '../shape.js';
import { checkOptions } from '../options.js';
import { zerosLike } from '../creation.js';
import { reshape } from '../ops/movement.js';
import { gradients } from './backward.js';
import { isGradEnabled, setGradEnabled } from '../tape/mode.js';
import { detachKeepingTangents } from '../tape/forward.js';
import { type TreeDef, treeFlatten, treeUnflatten } from './pytree.js';
import { engine } from '../process.js';

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** Which positional argument(s) to differentiate with respect to (default 0). A list gives a list of gradients. */
  argnums?: number | readonly number[];
  /** When true, `f` returns `[value, aux]`; aux is passed through untouched (default false). */
  hasAux?: boolean;
}

/**
 * Runs `fn` one transform deeper. Inside a transform, a leaf that requires grad is the outer
 * transform's variable, not a parameter the caller merely passed in (engine.transformDepth).
 * @internal
 */
export function within<T>(fn: () => T): T {
  engine.transformDepth++;
  try {
    return fn();
  } finally {
    engine.transformDepth--;
  }
}

/**
 * A fresh handle on a primal that the transform can differentiate with respect to.
 * When an outer differentiation can see the primal (recording is on and the primal is either an
 * outer transform's variable or a recorded intermediate), it is a recorded view, so the gradient
 * stays on the tape and transforms nest (grad of grad). Otherwise it is a detached leaf: the
 * caller's tensors (model parameters, say) are neither recorded into nor mutated, and results
 * are plain values.
 */
export function track(x: Tensor, recording: boolean): Tensor {
  if (recording && x.requiresGrad && (engine.transformDepth > 0 || !x.isLeaf)) return reshape(x, x.shape);
  const leaf = detachKeepingTangents(x);
  leaf.requiresGrad = true;
  return leaf;
}

/**
 * Whether a transform must record its own backward pass: when an outer differentiation could see
 * it. That is the case when a traced argument is a recorded view of an outer variable, and also
 * whenever this transform runs inside another one while recording, even with fresh-leaf arguments:
 * `f` may close over the outer transform's variable (grad(w => grad(x => f(x, w))(x0))), and
 * only a recorded pass carries that dependence out. Read it before entering `within`.
 */
export function mustRecord(recording: boolean, leaves: readonly Tensor[]): boolean {
  return (recording && engine.transformDepth > 0) || leaves.some((t) => !t.isLeaf);
}

interface Traced {
  readonly args: unknown[];
  readonly leaves: Tensor[];
  readonly defs: TreeDef[];
  readonly counts: number[];
}

function traceArgs(name: string, args: readonly unknown[], argnums: readonly number[], recording: boolean): Traced {
  const out = [...args];
  const leaves: Tensor[] = [];
  const defs: TreeDef[] = [];
  const counts: number[] = [];
  for (const a of argnums) {
    if (!Number.isInteger(a) || a < 0 || a >= args.length) {
      throw new ArgumentError(
        `${name}: argnums ${a} is out of range for a call with ${args.length} argument(s); use 0..${args.length - 1}.`,
      );
    }
    const [ls, def] = treeFlatten(args[a]);
    const tracked = ls.map((t) => track(t, recording));
    out[a] = treeUnflatten(def, tracked);
    leaves.push(...tracked);
    defs.push(def);
    counts.push(tracked.length);
  }
  return { args: out, leaves, defs, counts };
}

function regroup(traced: Traced, grads: readonly (Tensor | null)[]): unknown[] {
  const out: unknown[] = [];
  let at = 0;
  traced.defs.forEach((def, i) => {
    const n = traced.counts[i]!;
    const slice = grads.slice(at, at + n).map((g, k) => g ?? zerosLike(traced.leaves[at + k]!));
    out.push(treeUnflatten(def, slice));
    at += n;
  });
  return out;
}

/** Throws unless the function to transform is one (a non-function would fail later, as a raw TypeError). */
function checkTransformed(name: string, f: unknown): void {
  if (typeof f !== 'function')
    throw new ArgumentError(`${name}: f must be a function of tensors (or pytrees of them), got ${describeValue(f)}.`);
}

/** Resolves `argnums` to a list, and whether the caller asked for one argument (not a list). */
export function normalizeArgnums(name: string, argnums: number | readonly number[] | undefined): [number[], boolean] {
  if (argnums === undefined) return [[0], true];
  if (typeof argnums === 'number') return [[argnums], true];
  if (!Array.isArray(argnums) || argnums.length === 0) {
    throw new ArgumentError(
      `${name}: argnums must be a number or a non-empty array of numbers, got ${JSON.stringify(argnums)}.`,
    );
  }
  return [[...argnums], false];
}

function scalarValue(name: string, result: unknown, hasAux: boolean): [Tensor, unknown] {
  let value = result;
  let aux: unknown;
  if (hasAux) {
    if (!Array.isArray(result) || result.length !== 2) {
      throw new ArgumentError(
        `${name}: with {hasAux: true}, f must return a pair [value, aux]; it returned ${Array.isArray(result) ? `an array of ${result.length}` : typeof result}.`,
      );
    }
    [value, aux] = result;
  }
  if (!(value instanceof Tensor) || value.size !== 1) {
    const got = value instanceof Tensor ? `a tensor of shape ${formatShape(value.shape)}` : typeof value;
    throw new GradError(
      `${name}: f must return a one-element tensor (a scalar loss), got ${got}. Reduce it with .sum() or .mean(), ` +
        `use vjp() for non-scalar outputs${hasAux ? '' : ', or pass {hasAux: true} if f returns [value, aux]'}.`,
    );
  }
  return [value, aux];
}

/**
 * Returns a function computing `[value, gradient]` of the scalar function `f`; see {@link grad}.
 * With `hasAux`, the first element is `[value, aux]`. The gradient has the structure (and so the
 * type) of the differentiated argument.
 */
export function valueAndGrad<A extends [unknown, ...unknown[]]>(
  f: (...args: A) => Tensor,
): (...args: A) => [Tensor, A[0]];
export function valueAndGrad<A extends unknown[], N extends number>(
  f: (...args: A) => Tensor,
  options: { argnums: N; hasAux?: false },
): (...args: A) => [Tensor, A[N]];
export function valueAndGrad<A extends [unknown, ...unknown[]], Aux>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: { hasAux: true; argnums?: undefined },
): (...args: A) => [[Tensor, Aux], A[0]];
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => unknown,
  options?: GradOptions,
): (...args: A) => [unknown, unknown];
export function valueAndGrad<A extends unknown[]>(
  f: (...args: A) => unknown,
  given?: GradOptions,
): (...args: A) => [unknown, unknown] {
  checkTransformed('valueAndGrad', f);
  const options = checkOptions('valueAndGrad', given, ['argnums', 'hasAux']);
  const [argnums, single] = normalizeArgnums('valueAndGrad', options.argnums);
  const hasAux = options.hasAux ?? false;
  return (...args: A) => {
    // Record even under noGrad: the transform needs a tape; keep it only when an outer pass does.
    const recording = isGradEnabled();
    return setGradEnabled(true, () => {
      const traced = traceArgs('grad', args, argnums, recording);
      const createGraph = mustRecord(recording, traced.leaves);
      const [value, aux] = scalarValue(
        'grad',
        within(() => f(...(traced.args as A))),
        hasAux,
      );
      const grads = value.requiresGrad
        ? gradients(value, traced.leaves, { createGraph, allowUnused: true })
        : traced.leaves.map(() => null);
      const tree = regroup(traced, grads);
      const v = createGraph ? value : detachKeepingTangents(value);
      return [hasAux ? [v, aux] : v, single ? tree[0] : tree];
    });
  };
}

/**
 * JAX's `grad`: returns a function with the same arguments as `f` that returns the gradient of
 * `f`'s scalar result with respect to argument `argnums` (a pytree of tensors, gradient of the same
 * structure), or a list of them when `argnums` is a list. With `hasAux` it returns `[gradient, aux]`.
 */
export function grad<A extends [unknown, ...unknown[]]>(f: (...args: A) => Tensor): (...args: A) => A[0];
export function grad<A extends unknown[], N extends number>(
  f: (...args: A) => Tensor,
  options: { argnums: N; hasAux?: false },
): (...args: A) => A[N];
export function grad<A extends [unknown, ...unknown[]], Aux>(
  f: (...args: A) => readonly [Tensor, Aux],
  options: { hasAux: true; argnums?: undefined },
): (...args: A) => [A[0], Aux];
export function grad<A extends unknown[]>(f: (...args: A) => unknown, options?: GradOptions): (...args: A) => unknown;
export function grad<A extends unknown[]>(f: (...args: A) => unknown, given?: GradOptions): (...args: A) => unknown {
  checkTransformed('grad', f);
  const options = checkOptions('grad', given, ['argnums', 'hasAux']);
  const vg = valueAndGrad<A>(f, options);
  return (...args: A) => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as [unknown, unknown])[1]] : g;
  };
}

/**
 * JAX's `vjp`: evaluates `f` at `primals` (each a pytree) and returns `[output, vjpFn]`, where
 * `vjpFn(cotangent)` maps a cotangent of the output's structure to one gradient per primal.
 * `vjpFn` can be called any number of times.
 */
export function vjp<A extends unknown[], R>(f: (...primals: A) => R, ...primals: A): [R, (cotangent: R) => A] {
  checkTransformed('vjp', f);
  const recording = isGradEnabled();
  return setGradEnabled(true, () => {
    const argnums = primals.map((_, i) => i);
    const traced = traceArgs('vjp', primals, argnums, recording);
    const createGraph = mustRecord(recording, traced.leaves);
    const result = within(() => f(...(traced.args as A)));
    const [outs, outDef] = treeFlatten(result);
    const vjpFn = (cotangent: R): A =>
      setGradEnabled(true, () => {
        const [cts] = treeFlatten(cotangent);
        if (cts.length !== outs.length) {
          throw new ArgumentError(
            `vjp: the cotangent has ${cts.length} tensor(s) but f's output has ${outs.length}; pass one per output, in the output's structure.`,
          );
        }
        outs.forEach((o, i) => {
          const c = cts[i]!;
          if (!shapesEqual(c.shape, o.shape))
            throw new ShapeError(
              `vjp: cotangent ${i} has shape ${formatShape(c.shape)} but output ${i} has shape ${formatShape(o.shape)}; they must match.`,
            );
          if (c.dtype !== o.dtype)
            throw new DTypeError(
              `vjp: cotangent ${i} is ${c.dtype} but output ${i} is ${o.dtype}; cast it with .to('${o.dtype}').`,
            );
        });
        const live = outs.map((o, i) => i).filter((i) => outs[i]!.requiresGrad);
        const grads = live.length
          ? gradients(
              live.map((i) => outs[i]!),
              traced.leaves,
              { gradOutputs: live.map((i) => cts[i]!), retainGraph: true, createGraph, allowUnused: true },
            )
          : traced.leaves.map(() => null);
        return regroup(traced, grads) as A;
      });
    const output = createGraph
      ? result
      : (treeUnflatten(
          outDef,
          outs.map((o) => detachKeepingTangents(o)),
        ) as R);
    return [output, vjpFn];
  });
}
