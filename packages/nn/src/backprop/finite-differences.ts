import { Tensor, add, matmul, noGrad, type FloatArray } from '@tapegrad/autograd';
import type { DenseLayer } from '../layers/mlp.js';
import type { Cost } from '../losses/index.js';
import { l2Divisor } from '../regularization.js';

/** Central-difference estimates of the same quantities the closed form returns. */
export interface FiniteDifferenceResult {
  /** ∂C/∂Z^l estimated by perturbing each element of Z^l and running the rest of the network. */
  readonly deltas: Tensor[];
  /** ∂C/∂W^l estimated by perturbing each weight. */
  readonly gradWeights: Tensor[];
  /** ∂C/∂b^l estimated by perturbing each bias. */
  readonly gradBiases: Tensor[];
}

interface Problem {
  readonly layers: readonly DenseLayer[];
  readonly ws: FloatArray[];
  readonly bs: FloatArray[];
  readonly x: Tensor;
  readonly y: Tensor;
  readonly cost: Cost;
  readonly lambda: number;
  readonly l2m: number;
}

/** C for the problem's current weight copies, starting from Z^start = z when given. */
function costFrom(p: Problem, start: number, z: Tensor | null): number {
  let a = p.x;
  let l2 = 0;
  for (let l = 0; l < p.layers.length; l++) {
    const { linear, activation } = p.layers[l]!;
    const w = new Tensor(p.ws[l]!, linear.weight.shape);
    for (const v of w.data) l2 += v * v;
    if (l < start) continue;
    const zl =
      l === start && z !== null ? z : add(matmul(a, w, { transposeB: true }), new Tensor(p.bs[l]!, linear.bias.shape));
    a = activation.apply(zl);
  }
  return p.cost.forward(a, p.y).item() + (p.lambda / (2 * p.l2m)) * l2;
}

/** The activations A^l of the unperturbed network, to restart the forward pass at any layer. */
function activationsOf(p: Problem): Tensor[] {
  const as = [p.x];
  let a = p.x;
  for (let l = 0; l < p.layers.length; l++) {
    const { linear, activation } = p.layers[l]!;
    a = activation.apply(
      add(
        matmul(a, new Tensor(p.ws[l]!, linear.weight.shape), { transposeB: true }),
        new Tensor(p.bs[l]!, linear.bias.shape),
      ),
    );
    as.push(a);
  }
  return as;
}

function central(data: FloatArray, i: number, eps: number, f: () => number): number {
  const x0 = data[i]!;
  data[i] = x0 + eps;
  const plus = f();
  data[i] = x0 - eps;
  const minus = f();
  data[i] = x0;
  return (plus - minus) / (2 * eps);
}

/**
 * Estimates ∂C/∂Z^l, ∂C/∂W^l and ∂C/∂b^l by central differences (step `eps`), on private copies
 * of the weights so the network itself is never edited. `datasetSize` is the n of the L2 term
 * (see {@link l2Divisor}). Costs 2 forward passes per element: use
 * on small networks only.
 */
export function finiteDifferenceBackprop(
  layers: readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  cost: Cost,
  lambda: number,
  eps = 1e-6,
  datasetSize?: number,
): FiniteDifferenceResult {
  return noGrad(() => {
    const p: Problem = {
      layers,
      // float64 copies whatever the network's dtype: float32 differences are too coarse to trust.
      ws: layers.map(({ linear }) => Float64Array.from(linear.weight.data)),
      bs: layers.map(({ linear }) => Float64Array.from(linear.bias.data)),
      x,
      y,
      cost,
      lambda,
      l2m: l2Divisor(cost.reduction, x.shape[0]!, datasetSize),
    };
    const whole = (): number => costFrom(p, 0, null);
    const gradWeights = layers.map(({ linear }, l) => {
      const out = new Float64Array(linear.weight.size);
      for (let i = 0; i < out.length; i++) out[i] = central(p.ws[l]!, i, eps, whole);
      return new Tensor(out, linear.weight.shape);
    });
    const gradBiases = layers.map(({ linear }, l) => {
      const out = new Float64Array(linear.bias.size);
      for (let i = 0; i < out.length; i++) out[i] = central(p.bs[l]!, i, eps, whole);
      return new Tensor(out, linear.bias.shape);
    });
    const as = activationsOf(p);
    const deltas = layers.map(({ linear }, l) => {
      const w = new Tensor(p.ws[l]!, linear.weight.shape);
      const z = add(matmul(as[l]!, w, { transposeB: true }), new Tensor(p.bs[l]!, linear.bias.shape));
      // A private tensor over zData: `central` edits zData directly, which is safe because no
      // tape ever saw it (everything here runs under noGrad).
      const zData = z.data.slice();
      const zt = new Tensor(zData, z.shape);
      const out = new Float64Array(z.size);
      for (let i = 0; i < out.length; i++) out[i] = central(zData, i, eps, () => costFrom(p, l, zt));
      return new Tensor(out, z.shape);
    });
    return { deltas, gradWeights, gradBiases };
  });
}
