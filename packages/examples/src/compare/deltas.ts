/**
 * Three ways to get δ^l = ∂C/∂z^l for every layer of a dense sigmoid network on one batch:
 * the tape's adjoint of the recorded z^l, the closed-form BP1–BP2 of the seeds, and central
 * finite differences that perturb one entry of z^l and run the rest of the network forward.
 */
import { centralDifference, noGrad, tensor, type Tensor } from '@tapegrad/autograd';
import { compareBackprop, forwardCache, type BackpropComparison, type Cost, type DenseLayer } from '@tapegrad/nn';

/** δ^l of every layer from the three methods, all per sample (rows = samples). */
export interface DeltaEstimates {
  /** From the tape: `gradients(C, z^l)`. */
  tape: Tensor[];
  /** From BP1 (output layer) and BP2 (each layer from the next), no tape. */
  closedForm: Tensor[];
  /** From central differences of C in each entry of z^l. */
  finiteDifferences: Tensor[];
  /** nn's tape-vs-closed-form comparison of δ, ∂W and ∂b (without finite differences). */
  comparison: BackpropComparison;
}

/**
 * ∂C/∂Z^l by central differences, for every layer. Only δ is estimated (2 forward passes of the
 * layers above l per entry of Z^l), which stays cheap even for wide inputs: estimating ∂W too, as
 * nn's finiteDifferenceBackprop does, would cost two whole forward passes per weight.
 */
export function finiteDifferenceDeltas(
  layers: readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  cost: Cost,
  eps = 1e-6,
): Tensor[] {
  return noGrad(() => {
    const { zs } = forwardCache(layers, x);
    const costFrom = (l: number, z: Tensor): number => {
      let a = layers[l]!.activation.apply(z);
      for (let k = l + 1; k < layers.length; k++) a = layers[k]!.activation.apply(layers[k]!.linear.forward(a));
      return cost.forward(a, y).item();
    };
    return zs.map((z0, l) => {
      const out = z0.clone();
      for (let i = 0; i < z0.size; i++) {
        // C with entry i of z^l moved by h, on a private copy that no tape reads
        const costAt = (h: number): number => {
          const data = z0.data.slice();
          data[i] = data[i]! + h;
          return costFrom(l, tensor(data, { shape: z0.shape, dtype: z0.dtype }));
        };
        out.data[i] = centralDifference(costAt, eps);
      }
      return out;
    });
  });
}

/**
 * Runs all three methods on (x, y); the L2 term is left out since it does not depend on z.
 * `tolerance` bounds tape vs closed form (max |difference| / max |value|, default 1e-10).
 */
export function estimateDeltas(
  layers: readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  cost: Cost,
  options: { eps?: number; tolerance?: number } = {},
): DeltaEstimates {
  const eps = options.eps ?? 1e-6;
  const comparison = compareBackprop(layers, x, y, { cost, tolerance: options.tolerance ?? 1e-10 });
  return {
    tape: comparison.tape.deltas,
    closedForm: comparison.closedForm.deltas,
    finiteDifferences: finiteDifferenceDeltas(layers, x, y, cost, eps),
    comparison,
  };
}
