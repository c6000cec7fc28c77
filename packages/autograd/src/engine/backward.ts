import { Tensor, type TensorLike } from '../tensor.js';
import { ArgumentError, DTypeError, GradError, ShapeError } from '../errors.js';
import { type Shape, describeValue, formatShape, shapesEqual } from '../shape.js';
import { cast } from '../ops/cast.js';
import { add } from '../ops/elementwise.js';
import { sumToShape } from '../ops/reduce.js';
import { clone } from '../ops/movement.js';
import { onesLike, scalarLike } from '../creation.js';
import type { Node } from './node.js';
import { isAnomalyEnabled, setAnomalyEnabled, setGradEnabled } from './mode.js';
import { checkBackwardAnomaly } from './anomaly.js';
import { runVjp } from './vjp.js';
import { detachKeepingTangents } from './forward.js';
import { checkOptions } from '../options.js';
// engine.walks numbers the graph walks, so that a node's `walkMark`/`neededMark` say "seen in this walk".
import { engine } from './process.js';

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

/** Every node reachable from the roots, in descending id order (a reverse topological order). */
export function reachableNodes(roots: readonly Tensor[]): Node[] {
  const mark = ++engine.walks;
  const found: Node[] = [];
  const stack: Node[] = [];
  const visit = (node: Node | null): void => {
    if (node !== null && node.walkMark !== mark) {
      node.walkMark = mark;
      stack.push(node);
    }
  };
  for (const r of roots) visit(r.gradFn);
  while (stack.length > 0) {
    const node = stack.pop()!;
    found.push(node);
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) visit(inputs[i]!.gradFn);
  }
  // Depth-first order is already nearly descending (a chain comes out sorted), which the sort
  // handles in linear time.
  return found.sort((a, b) => b.id - a.id);
}

/** The public entry point a sweep runs for, so that its errors name what the caller called. */
type Caller = 'backward' | 'gradients';

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

/**
 * Which nodes a gradients() call must run, and for which of their inputs: at each node's position,
 * null when it has no path down to one of `targets` (skipped), else one flag per input saying
 * whether that input is a target or is produced by a needed node. So a needed matmul computes
 * ∂x but not ∂W for a W nobody asked about, and parts of the tape that lead only to other leaves
 * (parameters captured in a closure, say) are neither paid for nor released. Ascending ids are a
 * topological order, so one pass over them decides it without recursion.
 * A released node forgot its inputs, so whether it leads to a target is unknown; it counts as
 * needed (and the sweep throws if a gradient reaches it) unless its id shows it cannot: a node
 * only leads to tensors made before it, so it is newer than the producer of any non-leaf it
 * reaches. The answer is positional rather than left in the nodes' `neededMark`, because vjps and
 * hooks may run nested backward passes over the same nodes before the sweep reads it.
 */
function nodesLeadingTo(nodes: readonly Node[], targets: ReadonlySet<Tensor>): (boolean[] | null)[] {
  const mark = ++engine.walks;
  let oldestTarget = Infinity; // the smallest producer id of a target; 0 when a target is a leaf
  for (const t of targets) oldestTarget = Math.min(oldestTarget, t.gradFn === null ? 0 : t.gradFn.id);
  const plan = new Array<boolean[] | null>(nodes.length).fill(null);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const inputs = node.inputs;
    let leads = node.released && node.id > oldestTarget;
    const wants = new Array<boolean>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      wants[i] = t.requiresGrad && (targets.has(t) || (t.gradFn !== null && t.gradFn.neededMark === mark));
      leads ||= wants[i]!;
    }
    if (leads) {
      node.neededMark = mark;
      plan[k] = wants;
    }
  }
  return plan;
}

/** The error for a gradient that would have to go through a node an earlier pass released. */
function releasedError(caller: Caller, node: Node): GradError {
  return new GradError(
    `${caller}: the tape through '${node.op.name}' (node ${node.id}) was already released by an earlier backward pass. ` +
      `Pass {retainGraph: true} to the earlier backward()/gradients() call to go through the graph more than once.`,
  );
}

/**
 * A gradient to store in a `.grad` field, in a buffer of its own: vjps hand one gradient to
 * several inputs (add returns g twice) and the seed may be the caller's tensor, and `.grad` may be
 * edited in place (clipping, optimizers), so sharing would corrupt the others. With createGraph
 * the copy is the recorded `clone` op, which keeps the gradient on the tape.
 */
function ownedGradient(g: Tensor, createGraph: boolean): Tensor {
  return createGraph ? clone(g) : new Tensor(g.data.slice(), g.shape);
}

/** How propagate() behaves for backward() versus gradients(). */
interface SweepOptions {
  caller: Caller;
  createGraph: boolean;
  retainGraph: boolean;
  /** Only run nodes leading to these tensors (gradients()); null runs every reachable node (backward()). */
  targets: ReadonlySet<Tensor> | null;
  /** Store gradients of non-leaves that called retainGrad() (backward() only: gradients() mutates nothing). */
  storeRetained: boolean;
}

/**
 * The reverse sweep shared by backward() and gradients(): seeds the roots, walks reachable nodes
 * by descending id, calls each vjp once with the node's total incoming gradient, and returns the
 * adjoints of every leaf reached and of every tensor in `targets`.
 */
function propagate(
  roots: readonly Tensor[],
  seeds: readonly (TensorLike | undefined)[],
  sweep: SweepOptions,
): Map<Tensor, Tensor> {
  roots.forEach((r, i) => {
    if (!r.requiresGrad) {
      throw new GradError(
        `${sweep.caller}: output ${i} (shape ${formatShape(r.shape)}) does not require grad: no input that produced it had requiresGrad, or it was computed inside noGrad.`,
      );
    }
  });
  // Forward checks would fire on the helper ops inside vjps and blame them; the backward check
  // below covers gradients and names the forward op that recorded them instead.
  const anomaly = isAnomalyEnabled();
  setAnomalyEnabled(false);
  try {
    return sweepNodes(roots, seeds, sweep, anomaly);
  } finally {
    setAnomalyEnabled(anomaly);
  }
}

function sweepNodes(
  roots: readonly Tensor[],
  seeds: readonly (TensorLike | undefined)[],
  sweep: SweepOptions,
  anomaly: boolean,
): Map<Tensor, Tensor> {
  const { caller, createGraph, retainGraph, targets, storeRetained } = sweep;
  return setGradEnabled(createGraph, () => {
    const adjoints = new Map<Tensor, Tensor>();
    const accumulate = (t: Tensor, g: Tensor): void => {
      const prev = adjoints.get(t);
      adjoints.set(t, prev === undefined ? g : add(prev, g));
    };
    roots.forEach((r, i) => accumulate(r, recordedSeed(seedFor(caller, r, seeds[i], i), createGraph)));
    const nodes = reachableNodes(roots);
    const plan = targets === null ? null : nodesLeadingTo(nodes, targets);
    // backward() runs every reachable node, so any released one is an error before anything runs.
    if (plan === null) for (const node of nodes) if (node.released) throw releasedError(caller, node);
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const out = node.output;
      const incoming = adjoints.get(out);
      if (incoming === undefined) continue;
      const g = runHooks(out, incoming);
      if (storeRetained && out.retainsGradient)
        out.grad = out.grad === null ? ownedGradient(g, createGraph) : add(out.grad, g);
      if (targets?.has(out)) adjoints.set(out, g);
      else adjoints.delete(out);
      const planned = plan === null ? undefined : plan[k];
      if (planned === null) continue;
      // A gradient reaching a released node that may lead to a target: skipping it would return a
      // partial sum of the paths, so refuse as backward() does.
      if (node.released) throw releasedError(caller, node);
      checkVersions(caller, node);
      const inputs = node.inputs;
      // gradients() follows its plan; backward() wants every input that requires grad.
      let needsGrad = planned;
      if (needsGrad === undefined) {
        needsGrad = new Array<boolean>(inputs.length);
        for (let i = 0; i < inputs.length; i++) needsGrad[i] = inputs[i]!.requiresGrad;
      }
      const grads = runVjp(node, g, needsGrad, createGraph);
      if (!Array.isArray(grads) || grads.length !== inputs.length) {
        throw new GradError(
          `'${node.op.name}': the vjp returned ${Array.isArray(grads) ? `${grads.length} gradient(s)` : typeof grads} for ${inputs.length} input(s) ` +
            `(shapes ${inputs.map((t) => formatShape(t.shape)).join(', ')}); return an array with one entry per input, null where there is none.`,
        );
      }
      for (let i = 0; i < inputs.length; i++) {
        const gi: unknown = grads[i];
        if (!needsGrad[i] || gi === null || gi === undefined) continue;
        const fitted = fitGradient(node, i, gi);
        if (anomaly) checkBackwardAnomaly(node, i, fitted, g);
        accumulate(inputs[i]!, fitted);
      }
      if (!retainGraph) node.release();
    }
    // Leaf hooks run for the leaves whose gradient this call delivers: all of them for backward(),
    // only the requested inputs for gradients().
    for (const [t, g] of adjoints)
      if (t.isLeaf && (targets === null || targets.has(t))) adjoints.set(t, runHooks(t, g));
    return adjoints;
  });
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
  const adjoints = propagate(roots, seeds ?? [], {
    caller: 'backward',
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    targets: null,
    storeRetained: true,
  });
  setGradEnabled(createGraph, () => {
    for (const [t, g] of adjoints) {
      if (!t.isLeaf || !t.requiresGrad) continue;
      // The first gradient stored gets its own buffer; accumulating with add makes a new one anyway.
      t.grad = t.grad === null ? ownedGradient(g, createGraph) : add(t.grad, g);
    }
  });
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
  const adjoints = propagate(outs, options.gradOutputs ?? [], {
    caller: 'gradients',
    createGraph,
    retainGraph: options.retainGraph ?? createGraph,
    targets: new Set(ins),
    storeRetained: false,
  });
  const result = ins.map((t, i) => {
    const g = adjoints.get(t);
    if (g !== undefined) return createGraph ? g : detachKeepingTangents(g);
    if (options.allowUnused) return null;
    throw new GradError(
      `gradients: input ${i} (shape ${formatShape(t.shape)}) was not used to compute the outputs. Pass {allowUnused: true} to get null for it.`,
    );
  });
  return inputs instanceof Tensor ? result[0]! : result;
}
