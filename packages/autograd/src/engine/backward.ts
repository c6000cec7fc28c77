/**
 * backward() and gradients(): they validate what the caller passed, set the modes, plan the pass
 * (plan.ts), run the sweep (sweep.ts), and then store `.grad` (backward) or return the adjoints
 * (gradients).
 * @packageDocumentation
 */
import { Tensor, type TensorLike } from '../tensor.js';
import { DTypeError, GradError, ShapeError } from '../errors.js';
import { describeValue, formatShape, shapesEqual } from '../shape.js';
import { add } from '../ops/elementwise.js';
import { clone } from '../ops/movement.js';
import { onesLike, scalarLike } from '../creation.js';
import { isAnomalyEnabled, setAnomalyEnabled, setGradEnabled } from '../tape/mode.js';
import { allNeeds, planNeeds, reachableNodes } from './plan.js';
import { type Caller, type SweepResult, releasedError, sweep } from './sweep.js';
import { addInto } from './in-place.js';
import { detachKeepingTangents, openLevels } from '../tape/forward.js';
import { vmapState } from '../tape/vmap-state.js';
import { checkOptions } from '../options.js';

/** Options of `tensor.backward()`. */
export interface BackwardOptions {
  /** Keep the tape so that another backward can go through it (default false). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false; implies retainGraph). */
  createGraph?: boolean;
}

/** Options of {@link gradients}. */
export interface GradientsOptions extends BackwardOptions {
  /** Seed gradients ∂C/∂output, one per output (default: ones for one-element outputs). */
  gradOutputs?: readonly TensorLike[];
  /** Return null for inputs the outputs do not depend on, instead of throwing (default false). */
  allowUnused?: boolean;
}

function seedFor(caller: Caller, root: Tensor, seed: TensorLike | undefined, index: number): Tensor {
  if (seed === undefined) {
    if (root.size !== 1) {
      throw new GradError(
        `${caller}: output ${index} has shape ${formatShape(root.shape)}, so a gradient can only be implicit for one-element outputs. ` +
          `Reduce it first (e.g. loss.sum() or loss.mean()), pass a seed gradient of shape ${formatShape(root.shape)}, or compute a Jacobian row by row.`,
      );
    }
    return onesLike(root);
  }
  if (typeof seed !== 'number' && !(seed instanceof Tensor)) {
    throw new GradError(
      `${caller}: the seed gradient for output ${index} is ${describeValue(seed)}, not a Tensor or a number; pass a tensor of shape ${formatShape(root.shape)}.`,
    );
  }
  const g = typeof seed === 'number' ? scalarLike(seed, root).broadcastTo(root.shape) : seed;
  if (!shapesEqual(g.shape, root.shape)) {
    throw new ShapeError(
      `${caller}: the seed gradient for output ${index} has shape ${formatShape(g.shape)} but the output has shape ${formatShape(root.shape)}; they must match.`,
    );
  }
  if (g.dtype !== root.dtype) {
    throw new DTypeError(
      `${caller}: the seed gradient for output ${index} is ${g.dtype} but the output is ${root.dtype}; cast it with .to('${root.dtype}').`,
    );
  }
  return g;
}

/** A copy of a gradient in a buffer of its own, off the tape. */
function copyOf(g: Tensor): Tensor {
  return new Tensor(g.data.slice(), g.shape);
}

/**
 * Adds a pass's gradient `g` into `t.grad`. Every `.grad` gets a buffer of its own: vjps hand one
 * gradient to several inputs (add returns g twice), the seed may be the caller's tensor, and
 * `.grad` may be edited in place (clipping, optimizers), so sharing would corrupt the others. A
 * gradient nothing else holds (`owned`, see SweepResult.owned) is stored as it is, and a stored
 * gradient nobody has read since backward stored it is summed into in place; anything else is
 * copied or summed into a new buffer. With createGraph every step is a recorded op (`clone`,
 * `add`), which keeps the gradient on the tape.
 */
function storeGradient(t: Tensor, g: Tensor, owned: boolean, createGraph: boolean): void {
  if (createGraph) {
    t.grad = t.grad === null ? clone(g) : add(t.grad, g);
    return;
  }
  const unread = t._unreadGrad();
  if (unread !== null) {
    addInto(unread, g);
    return;
  }
  // The stored gradient (if any) may be the caller's: reading it changes nothing.
  const stored = t.grad;
  if (stored === null) {
    t._storeGrad(owned ? g : copyOf(g), true);
  } else if (owned) {
    addInto(g, stored); // floating-point addition commutes: the same values as stored + g
    t._storeGrad(g, true);
  } else {
    t._storeGrad(add(stored, g), true);
  }
}

/**
 * Whether a pass may keep and edit gradient buffers it alone holds (see Sweep.inPlace): not when
 * it records (createGraph), nor when forward-mode tangents or vmap's tracers ride on the gradient
 * tensors themselves.
 */
function inPlaceAllowed(createGraph: boolean): boolean {
  return !createGraph && openLevels().length === 0 && vmapState.depth === 0;
}

/** How a pass runs for backward() versus gradients(). */
interface PassOptions {
  caller: Caller;
  createGraph: boolean;
  retainGraph: boolean;
  /** Only run nodes leading to these tensors and return their adjoints (gradients()); null runs every reachable node (backward()). */
  targets: ReadonlySet<Tensor> | null;
}

/**
 * One backward pass: checks the roots and seeds, plans, and sweeps with recording set to
 * `createGraph` and forward anomaly checks off (they would fire on the helper ops inside vjps and
 * blame them; the sweep's own check names the forward op instead). Returns the adjoints of the
 * targets, or for backward() of every leaf and every tensor that retains its gradient.
 */
function propagate(
  roots: readonly Tensor[],
  seeds: readonly (TensorLike | undefined)[],
  pass: PassOptions,
): SweepResult {
  const { caller, createGraph, retainGraph, targets } = pass;
  roots.forEach((r, i) => {
    if (!r.requiresGrad) {
      throw new GradError(
        `${caller}: output ${i} (shape ${formatShape(r.shape)}) does not require grad: no input that produced it had requiresGrad, or it was computed inside noGrad.`,
      );
    }
  });
  const anomaly = isAnomalyEnabled();
  setAnomalyEnabled(false);
  try {
    return setGradEnabled(createGraph, () => {
      // A seed the engine made (ones, or a number broadcast) is a buffer nobody else holds.
      const seeded = roots.map(
        (r, i) =>
          [r, recordedSeed(seedFor(caller, r, seeds[i], i), createGraph), !(seeds[i] instanceof Tensor)] as const,
      );
      const nodes = reachableNodes(roots);
      // backward() runs every reachable node, so any released one is an error before anything runs.
      if (targets === null) for (const node of nodes) if (node.released) throw releasedError(caller, node);
      return sweep({
        caller,
        nodes,
        needs: targets === null ? allNeeds(nodes) : planNeeds(nodes, targets),
        seeds: seeded,
        keep: targets === null ? (t) => t.isLeaf || t.retainsGradient : (t) => targets.has(t),
        createGraph,
        retainGraph,
        anomaly,
        inPlace: inPlaceAllowed(createGraph),
      });
    });
  } finally {
    setAnomalyEnabled(anomaly);
  }
}

/**
 * Backpropagates from `roots` and accumulates gradients into `.grad` of every leaf that requires
 * grad (and of non-leaves that called retainGrad). Releases the tape unless `retainGraph`.
 */
export function backward(
  roots: readonly Tensor[],
  seeds: readonly TensorLike[] | undefined,
  given?: BackwardOptions,
): void {
  const options = checkOptions('backward', given, ['retainGraph', 'createGraph']);
  const createGraph = options.createGraph ?? false;
  const { adjoints, owned } = propagate(roots, seeds ?? [], {
    caller: 'backward',
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    targets: null,
  });
  setGradEnabled(createGraph, () => {
    for (const [t, g] of adjoints) {
      if (t.isLeaf ? !t.requiresGrad : !t.retainsGradient) continue;
      storeGradient(t, g, owned.has(g), createGraph);
    }
  });
}

/**
 * Under createGraph, the seed as a variable of the recorded pass. Every gradient a vjp computes in
 * tensor ops then depends on it, so a gradient that does not is known to be computed off the tape
 * (see runVjp), where it would silently act as a constant and give zero higher-order gradients.
 */
function recordedSeed(seed: Tensor, createGraph: boolean): Tensor {
  if (!createGraph || seed.requiresGrad) return seed;
  const leaf = seed.detach();
  leaf.requiresGrad = true;
  return leaf;
}

/**
 * ∂outputs/∂inputs for any recorded tensors, leaves and intermediates alike, without touching
 * any `.grad` field (PyTorch's `torch.autograd.grad`). With several outputs, their seeded
 * gradients are summed. Returns one gradient per input; null only with `allowUnused`.
 */
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  options?: GradientsOptions,
): (Tensor | null)[];
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor,
  options?: GradientsOptions,
): Tensor | null;
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  given?: GradientsOptions,
): (Tensor | null)[] | Tensor | null {
  const options = checkOptions('gradients', given, ['retainGraph', 'createGraph', 'gradOutputs', 'allowUnused']);
  // Plain-JS callers can pass anything; spreading a non-iterable would be a raw TypeError.
  if (options.gradOutputs !== undefined && !Array.isArray(options.gradOutputs))
    throw new GradError(
      `gradients: gradOutputs must be an array with one seed gradient per output, got ${describeValue(options.gradOutputs)}.`,
    );
  // Plain-JS callers can pass anything; spreading a non-iterable would be a raw TypeError.
  if (!(outputs instanceof Tensor) && !Array.isArray(outputs))
    throw new GradError(`gradients: outputs must be a Tensor or an array of tensors, got ${describeValue(outputs)}.`);
  if (!(inputs instanceof Tensor) && !Array.isArray(inputs))
    throw new GradError(`gradients: inputs must be a Tensor or an array of tensors, got ${describeValue(inputs)}.`);
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  outs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new GradError(`gradients: output ${i} is ${describeValue(t)}, not a Tensor.`);
  });
  if (options.gradOutputs !== undefined && options.gradOutputs.length !== outs.length) {
    throw new GradError(
      `gradients: ${options.gradOutputs.length} gradOutputs given for ${outs.length} output(s); pass one per output.`,
    );
  }
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new GradError(`gradients: input ${i} is not a Tensor.`);
    if (!t.requiresGrad) {
      throw new GradError(
        `gradients: input ${i} (shape ${formatShape(t.shape)}) does not require grad; create it with {requiresGrad: true} or set .requiresGrad = true before the forward pass.`,
      );
    }
  });
  const createGraph = options.createGraph ?? false;
  const { adjoints, owned } = propagate(outs, options.gradOutputs ?? [], {
    caller: 'gradients',
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    targets: new Set(ins),
  });
  const result = ins.map((t, i) => {
    const g = adjoints.get(t);
    if (g !== undefined) {
      if (createGraph) return g;
      // A gradient nothing else holds is handed out as it is, once (an input named twice gets a
      // copy the second time); any other gets a buffer of its own, so that no two results and
      // no result and seed share one. With tangents or tracers riding on it, it stays a view.
      if (owned.delete(g)) return g;
      return inPlaceAllowed(createGraph) ? copyOf(g) : detachKeepingTangents(g);
    }
    if (options.allowUnused) return null;
    throw new GradError(
      `gradients: input ${i} (shape ${formatShape(t.shape)}) was not used to compute the outputs. Pass {allowUnused: true} to get null for it.`,
    );
  });
  return inputs instanceof Tensor ? result[0]! : result;
}
