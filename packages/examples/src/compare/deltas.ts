/**
 * Three ways to get δ^l = ∂C/∂z^l for every layer of a network on one batch: the tape's adjoint
 * of the recorded z^l, the layers' hand-derived backprop (BP1–BP2 for a dense net), and central
 * finite differences that perturb one entry of z^l and run the rest of the network forward, all
 * from one nn `compareBackprop` call.
 */
import type { Tensor } from '@tapegrad/autograd';
import { compareBackprop, type BackpropComparison, type Cost, type Sequential } from '@tapegrad/nn';

/** δ^l of every layer from the three methods, all per sample (rows = samples). */
export interface DeltaEstimates {
  /** From the tape: `gradients(C, z^l)`. */
  tape: Tensor[];
  /** From BP1 (output layer) and BP2 (each layer from the next), no tape. */
  closedForm: Tensor[];
  /** From central differences of C in each entry of z^l. */
  finiteDifferences: Tensor[];
  /** nn's comparison of δ (also against finite differences), ∂W and ∂b. */
  comparison: BackpropComparison;
}

/**
 * Runs all three methods on (x, y). Finite differences estimate δ only (2 forward passes of the
 * layers above l per entry of z^l), which stays cheap even for wide inputs, where estimating ∂W
 * too would cost two whole forward passes per weight. `tolerance` bounds tape vs hand-derived
 * (max |difference| / max |value|, default 1e-10); `atol` and `rtol` bound the finite differences.
 */
export function estimateDeltas(
  net: Sequential,
  x: Tensor,
  y: Tensor,
  cost: Cost,
  options: { eps?: number; tolerance?: number; atol?: number; rtol?: number } = {},
): DeltaEstimates {
  const comparison = compareBackprop(net, x, y, {
    cost,
    tolerance: options.tolerance ?? 1e-10,
    finiteDifferences: 'deltas',
    eps: options.eps ?? 1e-6,
    atol: options.atol ?? 1e-5,
    rtol: options.rtol ?? 1e-3,
  });
  const at = (from: ReadonlyMap<string, Tensor>): Tensor[] => comparison.layers.map((l) => from.get(String(l.stage))!);
  return {
    tape: at(comparison.tape.deltas),
    closedForm: at(comparison.handDerived.deltas),
    finiteDifferences: at(comparison.finiteDifferences!.deltas),
    comparison,
  };
}
