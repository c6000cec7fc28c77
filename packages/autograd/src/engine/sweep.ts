/**
 * The reverse sweep: given planned nodes, what each needs and the seed gradients, it runs every
 * needed vjp once and returns the adjoints asked for. It stores no `.grad`, reads no global mode
 * and keeps no state between calls; backward() and gradients() (backward.ts) set the modes,
 * validate what the caller passed and decide what to do with the adjoints.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { DTypeError, GradError, ShapeError } from '../errors.js';
import { type Shape, formatShape, shapesEqual } from '../shape.js';
import { cast } from '../ops/cast.js';
import { add } from '../ops/elementwise.js';
import { sumToShape } from '../ops/reduce.js';
import type { Node } from '../tape/node.js';
import { checkBackwardAnomaly } from '../tape/anomaly.js';
import { runVjp } from './vjp.js';
import { positionOf } from './plan.js';
import { addInto, ownedGradients } from './in-place.js';

/** The public entry point a sweep runs for, so that its errors name what the caller called. */
export type Caller = 'backward' | 'gradients';

/** What a sweep needs. */
export interface Sweep {
  /** Names the public function in errors. */
  readonly caller: Caller;
  /** The nodes to visit, in descending id order (see reachableNodes). */
  readonly nodes: readonly Node[];
  /** Per node: which inputs need a gradient, or null to skip the node (see planNeeds). */
  readonly needs: readonly (readonly boolean[] | null)[];
  /**
   * The starting adjoints: each root with its seed gradient (a root given twice gets both), and
   * whether the engine made that seed, so that nothing else holds it (default false).
   */
  readonly seeds: readonly (readonly [root: Tensor, seed: Tensor, fresh?: boolean])[];
  /** Whose adjoints to return; every other adjoint is dropped once its node has used it. */
  readonly keep: (t: Tensor) => boolean;
  /** Record the vjps, for higher-order gradients (the caller has switched recording on). */
  readonly createGraph: boolean;
  /** Keep each node's saved tensors; otherwise a node is released once its vjp has run. */
  readonly retainGraph: boolean;
  /** Check every gradient for NaN and Infinity, naming the op that produced it. */
  readonly anomaly: boolean;
  /**
   * Sum gradients into buffers that nothing but the sweep holds instead of allocating each sum,
   * and report which adjoints are such buffers. Only for a pass that records nothing and where no
   * forward-mode tangent or vmap tracer rides on a gradient (an in-place sum would lose it).
   */
  readonly inPlace: boolean;
}

/** What a sweep returns. */
export interface SweepResult {
  /** The adjoints of the tensors `keep` accepts; hooks of kept leaves have run on them. */
  readonly adjoints: Map<Tensor, Tensor>;
  /**
   * The adjoints nothing else holds: no caller's seed, hook or user-defined vjp saw them, and no
   * other tensor shares their buffer. The caller may keep them as they are or edit them in place.
   * Always empty without {@link Sweep.inPlace}.
   */
  readonly owned: Set<Tensor>;
}

/**
 * Seeds the roots, visits the nodes by descending id, calls each needed vjp once with the node's
 * total incoming gradient (after the output's hooks), brings every gradient to its input's shape
 * and dtype, and sums gradients per tensor: in place when one of the two is a buffer the sweep
 * alone holds and {@link Sweep.inPlace} allows it.
 */
export function sweep(s: Sweep): SweepResult {
  const { nodes, needs, inPlace } = s;
  // A non-leaf tensor is the output of exactly one node, so its adjoint waits in that node's slot
  // until the node runs: no map operations per node. Leaves (and a tensor whose producer is not
  // among the nodes) are summed in `adjoints`, which also gets each kept output once its node ran.
  // Which adjoints only the sweep holds: per slot for the pending ones, in `owned` for the others.
  const pending = new Array<Tensor | undefined>(nodes.length);
  const pendingOwned = new Uint8Array(nodes.length);
  const adjoints = new Map<Tensor, Tensor>();
  const owned = new Set<Tensor>();
  // prev + g, in whichever buffer only the sweep holds, else in a new one (which it then holds).
  const plus = (prev: Tensor, prevOwned: boolean, g: Tensor, gOwned: boolean): Tensor => {
    if (prevOwned) addInto(prev, g);
    else if (gOwned)
      addInto(g, prev); // floating-point addition commutes: the same values as prev + g
    else return add(prev, g);
    return prevOwned ? prev : g;
  };
  // `after`: the position of the node handing the gradient on; a producer comes after its consumers.
  const accumulate = (t: Tensor, g: Tensor, gOwned: boolean, after: number): void => {
    const producer = t.gradFn;
    const p = producer === null ? -1 : positionOf(nodes, producer, after);
    if (p >= 0) {
      const prev = pending[p];
      pending[p] = prev === undefined ? g : plus(prev, pendingOwned[p] === 1, g, gOwned);
      pendingOwned[p] = prev === undefined ? (gOwned ? 1 : 0) : inPlace ? 1 : 0;
    } else {
      const prev = adjoints.get(t);
      const total = prev === undefined ? g : plus(prev, owned.has(prev), g, gOwned);
      adjoints.set(t, total);
      if (prev === undefined ? gOwned : inPlace) owned.add(total);
    }
  };
  for (const [root, seed, fresh] of s.seeds) accumulate(root, seed, inPlace && fresh === true, -1);
  // Per node, reused (entries past the node's inputs are stale): the fitted gradients, then which
  // of them nothing else holds.
  const fitted: (Tensor | null)[] = [];
  const ownedFitted: boolean[] = [];
  for (let k = 0; k < nodes.length; k++) {
    const incoming = pending[k];
    if (incoming === undefined) continue;
    pending[k] = undefined;
    const node = nodes[k]!;
    const out = node.output;
    // A hook sees the gradient and may keep it or return one of its own.
    const gOwned = pendingOwned[k] === 1 && out.gradHooks.length === 0;
    const g = runHooks(out, incoming);
    const kept = s.keep(out);
    if (kept) adjoints.set(out, g);
    const needsGrad = needs[k];
    if (needsGrad === null || needsGrad === undefined) {
      if (kept && gOwned) owned.add(g);
      continue;
    }
    // A gradient reaching a released node: skipping it would return a partial sum of the paths.
    if (node.released) throw releasedError(s.caller, node);
    checkVersions(s.caller, node);
    const inputs = node.inputs;
    const grads = runVjp(node, g, needsGrad, s.createGraph);
    if (!Array.isArray(grads) || grads.length !== inputs.length) {
      throw new GradError(
        `'${node.op.name}': the vjp returned ${Array.isArray(grads) ? `${grads.length} gradient(s)` : typeof grads} for ${inputs.length} input(s) ` +
          `(shapes ${inputs.map((t) => formatShape(t.shape)).join(', ')}); return an array with one entry per input, null where there is none.`,
      );
    }
    // Every gradient is fitted and checked before any sum edits a buffer in place.
    for (let i = 0; i < inputs.length; i++) {
      const gi: unknown = grads[i];
      fitted[i] = null;
      if (!needsGrad[i] || gi === null || gi === undefined) continue;
      const f = fitGradient(node, i, gi);
      if (s.anomaly) checkBackwardAnomaly(node, i, f, g);
      fitted[i] = f;
    }
    const gStillOwned = inPlace && ownedGradients(node, g, gOwned, kept, fitted, ownedFitted);
    if (kept && gStillOwned) owned.add(g);
    for (let i = 0; i < inputs.length; i++) {
      const f = fitted[i];
      if (f) accumulate(inputs[i]!, f, inPlace && ownedFitted[i]!, k);
    }
    if (!s.retainGraph) node.release();
  }
  for (const [t, g] of adjoints) {
    const keep = s.keep(t);
    if (keep && t.isLeaf && t.gradHooks.length !== 0) {
      owned.delete(g);
      adjoints.set(t, runHooks(t, g));
    } else if (!keep) {
      owned.delete(g);
      adjoints.delete(t);
    }
  }
  return { adjoints, owned };
}

/** The error for a gradient that would have to go through a node an earlier pass released. */
export function releasedError(caller: Caller, node: Node): GradError {
  return new GradError(
    `${caller}: the tape through '${node.op.name}' (node ${node.id}) was already released by an earlier backward pass. ` +
      `Pass {retainGraph: true} to the earlier backward()/gradients() call to go through the graph more than once.`,
  );
}

function checkVersions(caller: Caller, node: Node): void {
  const { inputs, output } = node;
  for (let i = 0; i <= inputs.length; i++) {
    const t = i < inputs.length ? inputs[i]! : output;
    if (t.version !== node.versionAt(i)) {
      const which = i < inputs.length ? `input ${i}` : 'its output';
      throw new GradError(
        `${caller}: ${which} of '${node.op.name}' (node ${node.id}, shape ${formatShape(t.shape)}) was modified in place after it was recorded ` +
          `(version ${node.versionAt(i)} at record time, ${t.version} now), so its gradient would use stale values. ` +
          `Run backward before editing it (e.g. before optimizer.step()), or edit a .clone().`,
      );
    }
  }
}

/**
 * Whether a gradient of shape `grad` for an input of shape `input` is that input broadcast along
 * the output: the output's rank, and each size either the input's own or, where the input has 1
 * (or no dimension), the output's. Any other size (a [2] gradient for a [1] input of a [1]
 * output) is a vjp bug that summing would hide.
 */
function isBroadcastGradient(input: Shape, grad: Shape, output: Shape): boolean {
  if (grad.length !== output.length || input.length > grad.length) return false;
  const lead = grad.length - input.length;
  for (let i = 0; i < grad.length; i++) {
    const own = i < lead ? 1 : input[i - lead]!;
    if (grad[i] !== own && !(own === 1 && grad[i] === output[i])) return false;
  }
  return true;
}

/**
 * Brings a vjp's gradient for input `i` to that input's shape and dtype, the work shared by every
 * op: sums over broadcast dimensions, casts back across dtype promotion, rejects anything else.
 */
function fitGradient(node: Node, i: number, g: unknown): Tensor {
  const input = node.inputs[i]!;
  const op = node.op.name;
  if (!(g instanceof Tensor)) {
    throw new GradError(
      `'${op}': the vjp returned ${g === undefined ? 'undefined' : typeof g} as the gradient of input ${i}; expected a Tensor (or null for no gradient).`,
    );
  }
  let grad = g;
  if (grad.dtype !== input.dtype) {
    if (grad.dtype !== node.output.dtype) {
      throw new DTypeError(
        `'${op}': the vjp returned a ${grad.dtype} gradient for input ${i}, which is ${input.dtype}; gradients must have their input's dtype.`,
      );
    }
    grad = cast(grad, input.dtype);
  }
  if (!shapesEqual(grad.shape, input.shape)) {
    // A broadcast input may get a gradient of the broadcast shape (same rank as the output).
    if (!isBroadcastGradient(input.shape, grad.shape, node.output.shape)) {
      throw new ShapeError(
        `'${op}': the vjp returned a gradient of shape ${formatShape(grad.shape)} for input ${i}, which has shape ${formatShape(input.shape)}; ` +
          `a gradient must have its input's shape (or, for an input that was broadcast, a shape it broadcasts to with the output's rank ${node.output.ndim}).`,
      );
    }
    grad = sumToShape(grad, input.shape, op, i);
  }
  return grad;
}

function runHooks(t: Tensor, g: Tensor): Tensor {
  const hooks = t.gradHooks;
  if (hooks.length === 0) return g;
  let grad = g;
  for (const hook of hooks) {
    const replaced = hook(grad);
    if (replaced !== undefined) {
      if (!(replaced instanceof Tensor) || !shapesEqual(replaced.shape, grad.shape) || replaced.dtype !== grad.dtype) {
        throw new GradError(
          `registerHook: a hook on a ${formatShape(t.shape)} tensor returned something other than a ${grad.dtype} tensor of shape ${formatShape(grad.shape)}.`,
        );
      }
      grad = replaced;
    }
  }
  return grad;
}
