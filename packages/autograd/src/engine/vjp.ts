/**
 * Calling an op's vjp, including for ops whose vjp cannot itself be differentiated.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { GradError } from '../errors.js';
import { formatShape } from '../shape.js';
import { applyOp, type OpSpec } from '../ops/define.js';
import type { Node } from './node.js';
import { setGradEnabled } from './mode.js';

interface Opaque {
  /** The gradient computed with recording off. */
  readonly value: Tensor;
  /** The forward op whose vjp produced it, and for which input. */
  readonly op: string;
  readonly input: number;
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
      `'${params.op}': its vjp is not differentiable, so a higher-order gradient through it (the gradient for its input ${params.input}, ` +
        `shape ${formatShape(params.value.shape)}, computed with {createGraph: true}) cannot be taken. ` +
        `Write the vjp in differentiable tensor ops and drop vjpDifferentiable: false, or stop at first order.`,
    );
  },
};

/**
 * Runs `node`'s vjp. With createGraph, an op marked `vjpDifferentiable: false` still gives its
 * first-order gradient, but each result is wrapped so that differentiating it again throws,
 * as PyTorch does for functions without a double backward.
 */
export function runVjp(node: Node, g: Tensor, needsGrad: readonly boolean[], createGraph: boolean): readonly unknown[] {
  const ctx = { inputs: node.inputs, output: node.output, params: node.params, needsGrad };
  const vjp = node.op.vjp!;
  if (!createGraph || node.op.vjpDifferentiable !== false) return vjp(g, ctx);
  const grads = setGradEnabled(false, () => vjp(g, ctx));
  if (!Array.isArray(grads)) return grads;
  const involved = [g, ...node.inputs];
  return grads.map((gi: unknown, i) =>
    gi instanceof Tensor ? applyOp(OPAQUE_GRADIENT, involved, { value: gi, op: node.op.name, input: i }) : gi,
  );
}
