import { Tensor, ArgumentError, ShapeError, checkOptions, formatShape, noGrad } from '@tapegrad/autograd';
import { Module } from '../module.js';
import { Sequential } from '../layers/sequential.js';
import { OBJECTIVE_KEYS, resolveObjective, type ObjectiveOptions } from '../objective.js';
import { takeRows } from '../data.js';
import { describeValue, expectTensor } from '../util.js';
import { handBackprop, hasBackprop } from './hand.js';
import type { BackpropResult } from './result.js';

/** Options of {@link closedFormBackprop}: the objective it differentiates. */
export type BackpropOptions = ObjectiveOptions;

/** Checks that `model` is a non-empty Sequential and that x and y have one row per sample. */
export function checkNetworkBatch(where: string, model: Module, x: unknown, y: unknown): Sequential {
  if (!(model instanceof Sequential)) {
    throw new ArgumentError(
      `${where}: expected a Sequential (e.g. from mlp() or new Sequential(...)), got ${model instanceof Module ? model.describe() : describeValue(model)}.`,
    );
  }
  if (model.length === 0) throw new ArgumentError(`${where}: ${model.describe()} has no stages.`);
  const xs = expectTensor(where, 'x', x);
  const ys = expectTensor(where, 'y', y);
  if (xs.ndim === 0 || ys.ndim === 0 || ys.shape[0] !== xs.shape[0]) {
    throw new ShapeError(
      `${where}: x has shape ${formatShape(xs.shape)} and y ${formatShape(ys.shape)}; give one target row (or label) per sample row of x.`,
    );
  }
  return model;
}

/**
 * Nielsen's backpropagation for any Sequential whose stages implement `backprop`, with no tape
 * (it runs under noGrad):
 * - BP1: ∇_a C from the cost, through the output layer's backprop (⊙ σ′(z^L) for an activation),
 *   or the cost's simplified δ^L = a − y (sigmoid + cross-entropy, softmax + log-likelihood);
 * - BP2: each stage hands ∂C/∂input to the stage before it (a Linear layer's δ W, an
 *   activation's ⊙ σ′(z^l));
 * - BP3 and BP4: each stage's ∂C/∂p (a Linear layer's column sums of Δ^l and (Δ^l)ᵀ A^{l−1}),
 *   plus (λ / n) W for the L2 term on weights.
 * The 1/m of a 'mean' cost enters once, through ∇_a C, so every δ is ∂C/∂output of the batch cost.
 * Returns, per stage, the δ at its output and, per parameter, its gradient.
 */
export function closedFormBackprop(model: Module, x: Tensor, y: Tensor, options: BackpropOptions = {}): BackpropResult {
  checkOptions('closedFormBackprop', options, OBJECTIVE_KEYS);
  const objective = resolveObjective('closedFormBackprop', options);
  const net = checkNetworkBatch('closedFormBackprop', model, x, y);
  const missing = net.stages().find((s) => !hasBackprop(s));
  if (missing !== undefined) {
    throw new ArgumentError(
      `closedFormBackprop: ${missing.label()} has no hand-derived backprop(deltaOut, {input, output}); implement it, ` +
        `or check the network with compareBackprop, which reports such a layer as "tape only".`,
    );
  }
  return noGrad(() => handBackprop(net, net.trace(x), y, objective, null));
}

/**
 * The single-sample equations as Nielsen writes them: for each row x of the batch, δ^{x,l} =
 * ∂C_x/∂z^l and ∂C_x/∂W^l = δ^{x,l} (a^{x,l−1})ᵀ, from the closed form on that row alone. The
 * cost is per sample (its reduction is moot for one row); the L2 term, which belongs to the
 * whole training set rather than to a sample, is left out. For a 'mean' cost the average of these
 * results is the batch's {@link closedFormBackprop}.
 */
export function perSampleBackprop(
  model: Module,
  x: Tensor,
  y: Tensor,
  options: Pick<ObjectiveOptions, 'cost'> = {},
): BackpropResult[] {
  checkOptions('perSampleBackprop', options, ['cost']);
  checkNetworkBatch('perSampleBackprop', model, x, y);
  const rows = x.shape[0]!;
  const out: BackpropResult[] = [];
  for (let i = 0; i < rows; i++) out.push(closedFormBackprop(model, takeRows(x, [i]), takeRows(y, [i]), options));
  return out;
}
