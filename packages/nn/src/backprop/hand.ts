/**
 * The hand-derived backward pass over a traced Sequential: the cost's ∇_a C (or BP1's shortcut),
 * then each stage's own `backprop` from the output back to the input. Shared by
 * `closedFormBackprop` (every stage hand-derived) and `compareBackprop` (tape-only stages bridged
 * with the tape's δ).
 * @packageDocumentation
 */
import { Tensor, ArgumentError, ShapeError, formatShape, add, mul } from '@tapegrad/autograd';
import type { Module, LayerBackprop } from '../module.js';
import type { Sequential, StageRecord } from '../layers/sequential.js';
import { objectiveValue, l2Scale, type Objective } from '../objective.js';
import { regularizedWeights } from '../regularization.js';
import { describeValue, shapesEqual } from '../util.js';
import type { BackpropResult } from './result.js';

/** Whether `m` implements the hand-derived backprop. */
export function hasBackprop(m: Module): boolean {
  return typeof m.backprop === 'function';
}

/**
 * Checks what a layer's backprop returned against its input and parameters, so a wrong shape or a
 * forgotten gradient is an error naming the layer, never a silently wrong update.
 */
export function checkLayerBackprop(module: Module, step: unknown, input: Tensor, needsDeltaIn: boolean): LayerBackprop {
  // Only an error needs the label, and building it walks the module's path: not on every step.
  const where = (): string => `${module.label()}.backprop`;
  if (step === null || typeof step !== 'object' || !('grads' in step) || !('deltaIn' in step)) {
    throw new ArgumentError(`${where()}: must return {deltaIn, grads}, got ${describeValue(step)}.`);
  }
  const { deltaIn, grads } = step as LayerBackprop;
  if (deltaIn !== null && !(deltaIn instanceof Tensor)) {
    throw new ArgumentError(
      `${where()}: deltaIn is ${describeValue(deltaIn)}; return ∂C/∂input as a Tensor (or null for the first layer).`,
    );
  }
  if (deltaIn === null && needsDeltaIn) {
    throw new ArgumentError(
      `${where()}: returned deltaIn null, but a layer before it needs ∂C/∂input; null is only for the first layer.`,
    );
  }
  if (deltaIn !== null && !shapesEqual(deltaIn.shape, input.shape)) {
    throw new ShapeError(
      `${where()}: deltaIn has shape ${formatShape(deltaIn.shape)} but the input has shape ${formatShape(input.shape)}; ∂C/∂input has the input's shape.`,
    );
  }
  if (grads === null || typeof grads !== 'object') {
    throw new ArgumentError(
      `${where()}: grads must be an object of parameter name → Tensor, got ${describeValue(grads)}.`,
    );
  }
  const params = new Map(module.namedParameters());
  for (const name of Object.keys(grads)) {
    if (!params.has(name)) {
      throw new ArgumentError(
        `${where()}: returned a gradient for '${name}', which is not one of its parameters (${[...params.keys()].join(', ') || 'none'}).`,
      );
    }
  }
  for (const [name, p] of params) {
    const g = grads[name];
    if (!(g instanceof Tensor)) {
      throw new ArgumentError(
        `${where()}: returned no gradient for its parameter '${name}'; every parameter needs ∂C/∂${name}.`,
      );
    }
    if (!shapesEqual(g.shape, p.shape)) {
      throw new ShapeError(
        `${where()}: the gradient for '${name}' has shape ${formatShape(g.shape)} but the parameter has shape ${formatShape(p.shape)}.`,
      );
    }
  }
  return { deltaIn, grads };
}

/**
 * Runs the hand-derived backward pass over `records` (a trace of `model`). `bridge(i)` supplies
 * δ at stage i's output when stage i + 1 has no backprop (the tape's, in a comparison); without a
 * bridge every stage must have one. Run it under noGrad.
 */
export function handBackprop(
  model: Sequential,
  records: readonly StageRecord[],
  y: Tensor,
  objective: Objective,
  bridge: ((stage: number) => Tensor) | null,
): BackpropResult {
  const n = records.length;
  const last = records[n - 1]!;
  const output = last.output;
  const cost = objectiveValue(model, output, y, objective).item();
  const raw = new Map<string, Tensor>();
  const deltas = new Map<string, Tensor>();
  const outputs = new Map<string, Tensor>();
  let deltaOut: Tensor | null = objective.cost.gradOutput(output, y);
  // BP1 with σ′ cancelled (sigmoid + cross-entropy, softmax + log-likelihood): δ^L = a − y.
  const shortcut = objective.cost.outputDelta?.(last.module, output, y) ?? null;
  for (let i = n - 1; i >= 0; i--) {
    const r = records[i]!;
    outputs.set(r.name, r.output);
    if (deltaOut === null) {
      if (bridge === null) throw new ArgumentError(`closedFormBackprop: ${r.module.label()} has no ∂C/∂output.`);
      deltaOut = bridge(i);
    }
    deltas.set(r.name, deltaOut);
    if (!hasBackprop(r.module)) {
      deltaOut = null;
      continue;
    }
    const step: LayerBackprop =
      i === n - 1 && shortcut !== null && r.module.parameters().length === 0
        ? { deltaIn: shortcut, grads: {} }
        : checkLayerBackprop(
            r.module,
            r.module.backprop!(deltaOut, { input: r.input, output: r.output, saved: r.saved, needsDeltaIn: i > 0 }),
            r.input,
            i > 0,
          );
    for (const [name, g] of Object.entries(step.grads)) raw.set(`${r.name}.${name}`, g);
    deltaOut = step.deltaIn;
  }
  const m = output.shape[0]!;
  const scale = l2Scale(objective, m);
  if (scale !== 0) {
    const names = new Map(model.namedParameters().map(([name, p]) => [p as Tensor, name]));
    for (const w of regularizedWeights(model)) {
      const name = names.get(w)!;
      const g = raw.get(name);
      if (g !== undefined) raw.set(name, add(g, mul(w, scale)));
    }
  }
  // Like the tape, hand each parameter its gradient in its own dtype (data of a wider dtype
  // promotes the forward, so a float32 network fed float64 data computes in float64).
  const grads = new Map<string, Tensor>();
  for (const [name, p] of model.namedParameters()) {
    const g = raw.get(name);
    if (g !== undefined) grads.set(name, g.to(p.dtype));
  }
  return { cost, grads, deltas, outputs };
}
