import { Tensor, ArgumentError, enableGrad, gradients, checkOptions } from '@tapegrad/autograd';
import type { Module } from '../module.js';
import { Sequential, type StageRecord } from '../layers/sequential.js';
import {
  OBJECTIVE_KEYS,
  objectiveValue,
  resolveObjective,
  type Objective,
  type ObjectiveOptions,
} from '../objective.js';
import type { BackpropResult } from './result.js';

/** Options of {@link tapeBackprop}. */
export interface TapeBackpropOptions extends ObjectiveOptions {
  /** Also return δ = ∂C/∂output of every stage (a Sequential only; default false). */
  deltas?: boolean;
}

/**
 * The tape's gradients of C over `records` (a trace of `model` recorded under grad mode), or over
 * `model.forward(x)` when `records` is null: one `gradients` call for the stage outputs and
 * every parameter.
 */
export function tapeGradients(
  model: Module,
  x: Tensor,
  records: readonly StageRecord[] | null,
  y: Tensor,
  objective: Objective,
): BackpropResult {
  return enableGrad(() => {
    const output = records === null ? model.forward(x) : (records[records.length - 1]?.output ?? x);
    const total = objectiveValue(model, output, y, objective);
    // A stage output that depends on no parameter (nor on x) is not on the tape; it has no δ here.
    const traced = (records ?? []).filter((r) => r.output.requiresGrad);
    const named = model.namedParameters();
    const found = gradients(total, [...traced.map((r) => r.output), ...named.map(([, p]) => p)], {
      allowUnused: true,
    });
    const deltas = new Map<string, Tensor>();
    const outputs = new Map<string, Tensor>();
    for (const r of records ?? []) outputs.set(r.name, r.output.detach());
    traced.forEach((r, i) => {
      const g = found[i];
      if (g != null) deltas.set(r.name, g);
    });
    const grads = new Map<string, Tensor>();
    named.forEach(([name], i) => {
      const g = found[traced.length + i];
      if (g != null) grads.set(name, g);
    });
    return { cost: total.item(), grads, deltas, outputs };
  });
}

/**
 * Traces `model` on x under grad mode. When the first stage has no parameters, x is replaced by
 * a leaf that requires grad, so every stage output is on the tape and gets its δ.
 */
export function traceOnTape(model: Sequential, x: Tensor): StageRecord[] {
  return enableGrad(() => {
    const first = model.stages()[0];
    let input = x;
    if (!x.requiresGrad && first !== undefined && first.parameters().length === 0) {
      input = x.detach();
      input.requiresGrad = true;
    }
    return model.trace(input);
  });
}

/**
 * Gradients of C = C_0 + L2 for one batch from the tape, as a {@link BackpropResult}; with
 * `{deltas: true}` also the δ of every stage (`gradients` returns the adjoint of any recorded
 * tensor, which is exactly Nielsen's δ^l when the tensor is z^l).
 */
export function tapeBackprop(model: Module, x: Tensor, y: Tensor, options: TapeBackpropOptions = {}): BackpropResult {
  checkOptions('tapeBackprop', options, [...OBJECTIVE_KEYS, 'deltas']);
  const objective = resolveObjective('tapeBackprop', options);
  if (options.deltas === true) {
    if (!(model instanceof Sequential)) {
      throw new ArgumentError(
        `tapeBackprop: {deltas: true} needs a Sequential, whose stages have outputs to name; ${model.describe()} is not one.`,
      );
    }
    return tapeGradients(model, x, traceOnTape(model, x), y, objective);
  }
  return tapeGradients(model, x, null, y, objective);
}
