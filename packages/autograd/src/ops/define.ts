import type { Tensor } from '../tensor.js';
import { Node } from '../engine/node.js';
import { isAnomalyEnabled, isGradEnabled, swapGradEnabled } from '../engine/mode.js';
import { captureStack, checkForwardAnomaly } from '../engine/anomaly.js';

/** What an op's vjp receives besides the incoming gradient. */
export interface VjpContext<P> {
  /** The op's inputs, as they were at record time (the engine checks they were not edited since). */
  readonly inputs: readonly Tensor[];
  /** The op's output. */
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

/**
 * One primitive op: a name, a forward kernel and its vjp, side by side.
 * Omit `vjp` only for ops with no useful derivative (comparisons, argmax): their outputs never
 * require grad.
 */
export interface OpSpec<P = void> {
  /** The op's name, as shown in errors and tape listings. */
  readonly name: string;
  /** Computes the output from raw inputs; runs with recording off. */
  readonly forward: (inputs: readonly Tensor[], params: P) => Tensor;
  /** The vjp, written in tensor ops so that `createGraph` records it for higher-order gradients. */
  readonly vjp?: Vjp<P>;
  /**
   * False when the vjp is not itself differentiable (for example written with raw kernels);
   * higher-order gradients through the op then throw instead of returning zeros.
   */
  readonly vjpDifferentiable?: boolean;
}

/**
 * Runs an op: computes the forward, checks it in anomaly mode, and records a tape node when
 * grad mode is on and some input requires grad. The single door through which every op passes.
 */
export function applyOp<P>(spec: OpSpec<P>, inputs: readonly Tensor[], params: P): Tensor {
  const recording = isGradEnabled();
  let output: Tensor;
  if (recording) {
    // A forward may call other ops; they must not be recorded (the op's vjp covers them). Swapping
    // the flag inline avoids a closure per op, which showed on chains of tiny ops.
    swapGradEnabled(false);
    try {
      output = spec.forward(inputs, params);
    } finally {
      swapGradEnabled(true);
    }
  } else {
    output = spec.forward(inputs, params);
  }
  const anomaly = isAnomalyEnabled();
  if (anomaly) checkForwardAnomaly(spec.name, inputs, output);
  if (recording && spec.vjp !== undefined && anyRequiresGrad(inputs)) {
    const stack = anomaly ? captureStack() : undefined;
    output._setNode(new Node(spec as OpSpec<any>, inputs, output, params, stack));
  }
  return output;
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) return true;
  return false;
}
