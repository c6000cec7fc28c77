import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Node } from '../tape/node.js';
import { isAnomalyEnabled, isGradEnabled, swapGradEnabled } from '../tape/mode.js';
import { captureStack, checkForwardAnomaly } from '../tape/anomaly.js';
import { openLevels, pushTangents, swapLevels } from '../tape/forward.js';
import { vmapState } from '../tape/vmap-state.js';
import type { OpName, ParamsOf } from './params.js';

/** What an op's vjp receives besides the incoming gradient. */
export interface VjpContext<P> {
  /** The op's inputs, as they were at record time (the engine checks they were not edited since). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The op's non-tensor parameters. */
  readonly params: P;
  /** Which inputs need a gradient; a vjp may return null for the others and skip their work. */
  readonly needsGrad: readonly boolean[];
}

/**
 * A vector-Jacobian product: given ḡ = ∂C/∂output, return ∂C/∂input for each input
 * (null where the input needs none). Gradients may have the output's broadcast shape:
 * the engine sums them back to each input's shape and checks shape and dtype.
 */
export type Vjp<P> = (g: Tensor, ctx: VjpContext<P>) => readonly (Tensor | null)[];

/** What an op's jvp rule receives besides the input tangents. */
export interface JvpContext<P> {
  /** The op's inputs (the primals). */
  readonly inputs: readonly Tensor[];
  /** The op's output. */
  readonly output: Tensor;
  /** The op's non-tensor parameters. */
  readonly params: P;
}

/**
 * A Jacobian-vector product: given each input's tangent (null where an input has none, i.e. a
 * zero tangent), return the output's tangent, of the output's shape and dtype (null for zero).
 * Written in tensor ops, so that forward mode composes with reverse mode and with itself.
 */
export type Jvp<P> = (tangents: readonly (Tensor | null)[], ctx: JvpContext<P>) => Tensor | null;

/**
 * The rules of one op, side by side: its forward and its derivative rules. Every rule is a
 * required member, so an op cannot be declared without deciding each one (`null` where an op has
 * no derivative). vmap's batching rules sit in their own typed table (ops/batch-rules.ts).
 */
export interface OpRules<P> {
  /**
   * Computes the output from raw inputs; runs with recording off. `name` is the op's name, for
   * error messages.
   */
  readonly forward: (inputs: readonly Tensor[], params: P, name: string) => Tensor;
  /**
   * The vjp, written in tensor ops so that `createGraph` records it for higher-order gradients;
   * `null` for ops with no useful derivative (comparisons, argmax): their outputs never require grad.
   */
  readonly vjp: Vjp<P> | null;
  /**
   * False when the vjp is not itself differentiable (for example written with raw kernels);
   * higher-order gradients through the op then throw instead of returning zeros.
   */
  readonly vjpDifferentiable?: boolean;
  /**
   * Forward mode's rule, in tensor ops: input tangents to the output tangent; `null` for ops
   * with no derivative (their outputs carry no tangent).
   */
  readonly jvp: Jvp<P> | null;
  /**
   * How tape listings (formatTape, toDot) show the op's parameters, given its inputs: for example
   * `axes [1], keepdims` or `transposeB`. Return '' (or omit it) when they add nothing to what the
   * listing shows already.
   */
  readonly describeParams?: (params: P, inputs: readonly Tensor[]) => string;
}

/**
 * One op as recorded on the tape: its name (shown in errors and tape listings) and its rules. A
 * custom op may leave out `jvp`; forward mode through it is then an error that names it.
 */
export interface OpSpec<P = void> extends Omit<OpRules<P>, 'jvp'> {
  /** Identifies the op in tape listings, anomaly reports and every error about it. */
  readonly name: string;
  /** See {@link OpRules.jvp}; undefined when the op has none. */
  readonly jvp?: Jvp<P> | null;
}

/** A built-in op's spec: its name is its key in the op table, and it has every rule. */
export interface BuiltinOp<K extends OpName> extends OpSpec<ParamsOf<K>> {
  /** The op's key in the op table. */
  readonly name: K;
  /** {@inheritDoc OpRules.jvp} */
  readonly jvp: Jvp<ParamsOf<K>> | null;
}

/** The specs made by {@link defineOps}: the library's own ops, as opposed to user-defined ones. */
const BUILTIN_OPS = new WeakSet<object>();

/**
 * Names a family of built-in ops by their keys: `defineOps({ sum: { forward, vjp } })` gives
 * `{ sum: { name: 'sum', forward, vjp } }`, each rule typed by the parameters its op records
 * (ops/params.ts).
 */
export function defineOps<N extends OpName>(rules: { readonly [K in N]: OpRules<ParamsOf<K>> }): {
  readonly [K in N]: BuiltinOp<K>;
} {
  const named: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const spec = { ...(rule as object), name };
    BUILTIN_OPS.add(spec);
    named[name] = spec;
  }
  return named as { readonly [K in N]: BuiltinOp<K> };
}

/**
 * True for the library's own ops. Run without recording, their vjps keep no reference to what they
 * are given or compute, and every gradient they return lives in a buffer they allocated, unless
 * it shares the buffer of the incoming gradient or of the op's inputs or output (the backward
 * sweep checks those).
 * A user-defined vjp may keep what it is given or return a tensor it holds, so the sweep never
 * edits its gradients in place.
 */
export function isBuiltinOp(spec: OpSpec<any>): boolean {
  return BUILTIN_OPS.has(spec);
}

/**
 * Runs an op: computes the forward, checks it in anomaly mode, and records a tape node when
 * grad mode is on and some input requires grad. The single door through which every op passes.
 */
export function applyOp<P>(spec: OpSpec<P>, inputs: readonly Tensor[], params: P): Tensor {
  const recording = isGradEnabled();
  const levels = openLevels();
  // Inside vmap, an op on batched tensors runs its batching rule on the whole batch instead.
  const batched = vmapState.depth === 0 ? null : vmapState.apply!(spec, inputs, params);
  let output: Tensor;
  if (batched !== null) {
    output = batched;
    if (levels.length !== 0) pushTangents(spec, inputs, output, params, levels);
  } else if (levels.length === 0) {
    output = runForward(spec, inputs, params, recording);
  } else {
    // Forward mode: the forward's own inner ops must not push tangents (the op's jvp covers them).
    swapLevels([]);
    try {
      output = runForward(spec, inputs, params, recording);
    } finally {
      swapLevels(levels);
    }
    pushTangents(spec, inputs, output, params, levels);
  }
  const anomaly = isAnomalyEnabled();
  // A batched output's values are checked by the ops of its batching rule.
  if (anomaly && batched === null) checkForwardAnomaly(spec.name, inputs, output);
  // `vjp` is null for ops without a derivative (and may be missing on a spec built in plain JS).
  if (recording && spec.vjp && anyRequiresGrad(inputs)) {
    const stack = anomaly ? captureStack() : undefined;
    output._setNode(new Node(spec, inputs, output, params, stack));
  }
  return output;
}

function runForward<P>(spec: OpSpec<P>, inputs: readonly Tensor[], params: P, recording: boolean): Tensor {
  try {
    if (!recording) return spec.forward(inputs, params, spec.name);
    // A forward may call other ops; they must not be recorded (the op's vjp covers them). Swapping
    // the flag inline avoids a closure per op, which showed on chains of tiny ops.
    swapGradEnabled(false);
    try {
      return spec.forward(inputs, params, spec.name);
    } finally {
      swapGradEnabled(true);
    }
  } catch (e) {
    throw e instanceof RangeError ? allocationFailure(spec.name, inputs, e) : e;
  }
}

/**
 * A forward that ran out of room (an output too large to allocate, or too deep a computation) gets
 * a named error that says which op and which input shapes, instead of the engine's raw RangeError.
 */
function allocationFailure(op: string, inputs: readonly Tensor[], e: RangeError): ShapeError {
  return new ShapeError(
    `${op}: the engine could not compute the result for inputs of shape ${inputs.map((t) => formatShape(t.shape)).join(', ')} (${e.message}); the result is too large.`,
  );
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) return true;
  return false;
}
