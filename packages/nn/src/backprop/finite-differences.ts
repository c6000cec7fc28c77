/**
 * Central-difference estimates of δ at stage outputs and of ∂C/∂p, through the Sequential's own
 * forward loop and the one objective, with autograd's one `centralDifference`.
 * @packageDocumentation
 */
import { Tensor, centralDifference, noGrad, type FloatArray } from '@tapegrad/autograd';
import type { Sequential } from '../layers/sequential.js';
import { objectiveValue, type Objective } from '../objective.js';
import type { BackpropResult } from './result.js';

/**
 * ∂f/∂(entry i of `data`) by central differences, editing the entry in place and restoring it
 * exactly (even when f throws). The step is eps as the storage holds it (v + eps rounded, minus
 * v), so a float32 parameter is differenced at a step it can represent.
 */
export function differenceAt(data: FloatArray, i: number, eps: number, f: () => number): number {
  const v = data[i]!;
  try {
    data[i] = v + eps;
    const h = data[i]! - v;
    return centralDifference((t) => {
      data[i] = v + t;
      return f();
    }, h);
  } finally {
    data[i] = v;
  }
}

/** float64 data as is; float32 data widened, so the forward it feeds runs in float64 (ops promote). */
export function widened(t: Tensor): Tensor {
  return t.dtype === 'float64' ? t : t.to('float64');
}

/** What {@link finiteDifferenceBackprop} estimates. */
export interface FiniteDifferenceOptions {
  /** The step (e.g. 1e-6). */
  readonly eps: number;
  /** The stages whose output δ is estimated. */
  readonly stages: readonly number[];
  /** Also estimate ∂C/∂p for every parameter (two whole forward passes per element). */
  readonly params: boolean;
}

/**
 * Estimates δ at the outputs of `options.stages` (perturbing one entry of a stage output and
 * running the stages after it) and, optionally, ∂C/∂p (perturbing one parameter entry in place and
 * running the whole network; each entry is restored exactly). The forward runs in float64 whatever
 * the network's dtype, since float32 differences are too coarse to trust. Stochastic layers must be
 * in eval() mode, or each forward draws afresh.
 */
export function finiteDifferenceBackprop(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  objective: Objective,
  options: FiniteDifferenceOptions,
): BackpropResult {
  return noGrad(() => {
    const x64 = widened(x);
    const y64 = widened(y);
    const records = model.trace(x64);
    const costOf = (output: Tensor): number => objectiveValue(model, output, y64, objective).item();
    const cost = costOf(records[records.length - 1]!.output);
    const deltas = new Map<string, Tensor>();
    for (const s of options.stages) {
      const r = records[s]!;
      // A private copy of the stage output, edited in place: nothing on a tape reads it.
      const z = widened(r.output).clone();
      const out = new Float64Array(z.size);
      for (let i = 0; i < out.length; i++)
        out[i] = differenceAt(z.data, i, options.eps, () => costOf(model.forwardFrom(s + 1, z)));
      deltas.set(r.name, new Tensor(out, z.shape));
    }
    const grads = new Map<string, Tensor>();
    if (options.params) {
      const whole = (): number => costOf(model.forward(x64));
      for (const [name, p] of model.namedParameters()) {
        const out = new Float64Array(p.size);
        for (let i = 0; i < out.length; i++) out[i] = differenceAt(p.data, i, options.eps, whole);
        grads.set(name, new Tensor(out, p.shape));
      }
    }
    return { cost, grads, deltas, outputs: new Map() };
  });
}
