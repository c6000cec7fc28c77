/**
 * The full-Jacobian gradient check: every entry of the tape's Jacobian against central differences.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { gradients } from '../engine/backward.js';
import { enableGrad } from '../tape/mode.js';
import { type GradcheckOptions, resolveCheck } from './options.js';
import { BlockComparison, type GradcheckResult, makeResult } from './report.js';
import {
  type CheckedFunction,
  centralDifference,
  concatData,
  evaluate,
  oneHot,
  outputsOf,
  perturbedInputs,
} from './numeric.js';

/**
 * Compares the tape's Jacobian of `f` with central finite differences, element by element, for
 * every input that requires grad. `f` may return one tensor or a list of them. Works in float64;
 * float32 inputs are refused unless `allowFloat32` (their differences are too coarse for these
 * tolerances). The caller's tensors are never recorded onto: `f` runs on fresh copies. At least one
 * input must require grad (otherwise there is nothing to check, and an ArgumentError says so);
 * the analytic side records even when called inside `noGrad`.
 *
 * Costs one backward per output element and two evaluations of `f` per input element; for large
 * inputs use {@link gradcheckDirectional}.
 */
export function gradcheck(f: CheckedFunction, inputs: readonly Tensor[], options?: GradcheckOptions): GradcheckResult {
  const { eps, atol, rtol } = resolveCheck('gradcheck', f, inputs, options);
  const checked = inputs.map((t, i) => (t.requiresGrad ? i : -1)).filter((i) => i >= 0);
  // An empty check would report passed: true for any vjp, however wrong.
  if (checked.length === 0) {
    throw new ArgumentError(
      'gradcheck: no input requires grad, so there is no gradient to check; create the inputs to check with {requiresGrad: true}.',
    );
  }
  const leaves = perturbedInputs(inputs);
  // The tape is needed even when the caller is inside noGrad, or every gradient would read as 0.
  const outs = outputsOf(
    'gradcheck',
    enableGrad(() => f(...leaves)),
  );
  // analytic[o][j][c] = ∂ outs[o][j] / ∂ (checked input c), one backward per output element
  const analytic = outs.map((out) => {
    const rows: (Tensor | null)[][] = [];
    for (let j = 0; j < out.size; j++) {
      rows.push(
        out.requiresGrad
          ? gradients(
              out,
              checked.map((i) => leaves[i]!),
              { gradOutputs: [oneHot(out, j)], retainGraph: true, allowUnused: true },
            )
          : checked.map(() => null),
      );
    }
    return rows;
  });
  const reports = checked.map((inputIdx, c) => {
    const t = inputs[inputIdx]!;
    const block = new BlockComparison(inputIdx, atol, rtol);
    for (let k = 0; k < t.size; k++) {
      // Every output's elements, end to end: one difference per Jacobian entry in column k.
      const numeric = centralDifference(
        (h) => concatData(evaluate('gradcheck', f, perturbedInputs(inputs, inputIdx, k, h))),
        eps,
      );
      let offset = 0;
      outs.forEach((out, o) => {
        for (let j = 0; j < out.size; j++) block.add(k, o, j, analytic[o]![j]![c]?.data[k] ?? 0, numeric[offset + j]!);
        offset += out.size;
      });
    }
    return block.result();
  });
  return makeResult(reports, outs.length > 1);
}
