/**
 * Calling an op's vjp, including for ops whose vjp cannot itself be differentiated.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { GradError } from '../errors.js';
import { formatShape } from '../shape.js';
import { applyOp, type OpSpec } from '../ops/define.js';
import type { Node } from '../tape/node.js';
import { setGradEnabled } from '../tape/mode.js';

interface Opaque {
  /** The gradient computed with recording off. */
  readonly value: Tensor;
  /** The forward op whose vjp produced it, and for which input. */
  readonly op: string;
  readonly input: number;
  /** Why the gradient cannot be differentiated, as the error will say. */
  readonly reason: string;
}

/**
 * Stands for a gradient produced by a non-differentiable vjp inside a createGraph pass. It is
 * connected to the incoming gradient and the op's inputs, so that a later backward through it
 * fails loudly instead of silently treating the gradient as a constant (zero second derivative).
 */
const OPAQUE_GRADIENT: OpSpec<Opaque> = {
  name: 'nonDifferentiableVjp',
  // A fresh header over the same storage: the value may be a recorded tensor whose node must stay.
  forward: (_inputs, { value }) => new Tensor(value.data, value.shape),
  vjp: (_g, { params }) => {
    throw new GradError(
      `'${params.op}': ${params.reason}, so a higher-order gradient through it (the gradient for its input ${params.input}, ` +
        `shape ${formatShape(params.value.shape)}, computed with {createGraph: true}) cannot be taken. ` +
        `Write the vjp in differentiable tensor ops, or stop at first order.`,
    );
  },
};

const MARKED = 'its vjp is not differentiable (marked vjpDifferentiable: false)';
const OFF_TAPE =
  'its vjp returned a gradient that is not on the tape although the incoming gradient is ' +
  '(computed from raw data or inside noGrad), so the gradient is a constant to the tape';

function opaque(node: Node, g: Tensor, grads: readonly unknown[], reason: string, offTapeOnly: boolean): unknown[] {
  const involved = [g, ...node.inputs];
  return grads.map((gi: unknown, i) =>
    gi instanceof Tensor && !(offTapeOnly && gi.requiresGrad)
      ? applyOp(OPAQUE_GRADIENT, involved, { value: gi, op: node.op.name, input: i, reason })
      : gi,
  );
}

/**
 * Runs `node`'s vjp. With createGraph, an op marked `vjpDifferentiable: false` still gives its
 * first-order gradient, but each result is wrapped so that differentiating it again throws,
 * as PyTorch does for functions without a double backward. The same holds for a vjp that is not
 * marked but computed a gradient off the tape while its incoming gradient is on it: that result
 * would act as a constant and give zero higher-order gradients, so it is wrapped the same way
 * (a vjp linear in g, as every vjp is, depends on g whenever it is written in tensor ops).
 */
export function runVjp(node: Node, g: Tensor, needsGrad: readonly boolean[], createGraph: boolean): readonly unknown[] {
  const ctx = { inputs: node.inputs, output: node.output, params: node.params, needsGrad };
  const vjp = node.op.vjp!;
  if (!createGraph) return vjp(g, ctx);
  if (node.op.vjpDifferentiable !== false) {
    const grads = vjp(g, ctx);
    if (!Array.isArray(grads) || !g.requiresGrad) return grads;
    for (const gi of grads) if (gi instanceof Tensor && !gi.requiresGrad) return opaque(node, g, grads, OFF_TAPE, true);
    return grads;
  }
  const grads = setGradEnabled(false, () => vjp(g, ctx));
  if (!Array.isArray(grads)) return grads;
  return opaque(node, g, grads, MARKED, false);
}
