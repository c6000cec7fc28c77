import { Tensor, ShapeError, formatShape, matmul, noGrad } from '@tapegrad/autograd';
import { Sequential } from '../layers/sequential.js';
import { denseLayers, forwardCache, type DenseLayer } from '../layers/mlp.js';
import { resolveCost, type Cost, type CostLike } from '../losses/index.js';
import { l2Divisor } from '../regularization.js';
import { expectNonNegative, expectMatrix, allocLike } from '../util.js';

/** Options of {@link closedFormBackprop} and {@link compareBackprop}. */
export interface BackpropOptions {
  /** The cost (default 'quadratic', the seeds'). Its reduction decides sum vs average over the batch. */
  cost?: CostLike;
  /** L2 strength λ ≥ 0 of the term (λ / 2n) Σ W² over weights only (default 0). */
  lambda?: number;
  /** The n of the L2 term: the training-set size (default: this batch's m); see {@link l2Divisor}. */
  datasetSize?: number;
}

/** What the closed-form backprop computes for one batch. */
export interface ClosedFormResult {
  /** zs[l − 1] = Z^l, shape [m, n_l]. */
  readonly zs: Tensor[];
  /** as[l] = A^l, shape [m, n_l]; as[0] is the input batch. */
  readonly as: Tensor[];
  /** deltas[l − 1] = Δ^l = ∂C/∂Z^l for the batch cost C (so it carries the 1/m of a 'mean' cost). */
  readonly deltas: Tensor[];
  /** gradWeights[l − 1] = ∂C/∂W^l, shape [n_l, n_{l−1}], including the L2 term. */
  readonly gradWeights: Tensor[];
  /** gradBiases[l − 1] = ∂C/∂b^l, shape [n_l]. */
  readonly gradBiases: Tensor[];
  /** C on this batch, L2 term included. */
  readonly cost: number;
}

/** Resolves the network argument shared by the backprop functions. */
export function layersOf(net: Sequential | readonly DenseLayer[]): readonly DenseLayer[] {
  return net instanceof Sequential ? denseLayers(net) : net;
}

/** Checks x and y against the network's input and output widths. */
export function checkBatch(where: string, layers: readonly DenseLayer[], x: Tensor, y: Tensor): void {
  const first = layers[0]!.linear;
  const last = layers[layers.length - 1]!.linear;
  expectMatrix(where, 'x', x, first.inFeatures);
  if (y.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `${where}: x has ${x.shape[0]} rows but y has shape ${formatShape(y.shape)}; give one target row per sample (output width ${last.outFeatures}).`,
    );
  }
}

/** The L2 value (λ / 2m) Σ W², in plain arithmetic. */
export function l2Value(layers: readonly DenseLayer[], lambda: number, m: number): number {
  if (lambda === 0) return 0;
  let s = 0;
  for (const { linear } of layers) for (const w of linear.weight.data) s += w * w;
  return (lambda / (2 * m)) * s;
}

/** Δ ⊙ σ′(Z), writing σ′ into a scratch buffer that the product then overwrites. */
function timesDerivative(layer: DenseLayer, upstream: Tensor, z: Tensor, a: Tensor): Tensor {
  const out = allocLike(z);
  layer.activation.derivative(z.data, a.data, out);
  const g = upstream.data;
  for (let i = 0; i < out.length; i++) out[i] = g[i]! * out[i]!;
  return new Tensor(out, z.shape);
}

/** Column sums of an [m, n] matrix: ∂C/∂b^l = Σ over samples of Δ^l. */
function columnSums(d: Tensor): Tensor {
  const [m, n] = d.shape as [number, number];
  const out = allocLike(d, n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) out[j] = out[j]! + d.data[row + j]!;
  }
  return new Tensor(out, [n]);
}

/**
 * The seeds' backpropagation, BP1–BP4, with tensor kernels and no tape (runs under noGrad):
 * - BP1: Δ^L = ∇_a C ⊙ σ′(Z^L), or the cost's simplified form (a − y for sigmoid + cross-entropy);
 * - BP2: Δ^l = (Δ^{l+1} W^{l+1}) ⊙ σ′(Z^l), the row-batch form of ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ′(z^l);
 * - BP3: ∂C/∂b^l = column sums of Δ^l;
 * - BP4: ∂C/∂W^l = (Δ^l)ᵀ A^{l−1}, plus (λ/m) W^l for the L2 term.
 * The 1/m of a 'mean' cost enters once, through ∇_a C, so every Δ^l is ∂C/∂Z^l of the batch cost.
 */
export function closedFormBackprop(
  net: Sequential | readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  options: BackpropOptions = {},
): ClosedFormResult {
  const layers = layersOf(net);
  const cost: Cost = resolveCost(options.cost ?? 'quadratic');
  const lambda = expectNonNegative('closedFormBackprop', 'lambda', options.lambda ?? 0);
  checkBatch('closedFormBackprop', layers, x, y);
  return noGrad(() => {
    const { zs, as } = forwardCache(layers, x);
    const L = layers.length;
    const m = x.shape[0]!;
    const l2m = l2Divisor(cost.reduction, m, options.datasetSize);
    const deltas: Tensor[] = new Array<Tensor>(L);
    const zL = zs[L - 1]!;
    const aL = as[L]!;
    const last = layers[L - 1]!;
    deltas[L - 1] =
      cost.outputDelta?.(last.activation, zL, aL, y) ?? timesDerivative(last, cost.gradOutput(aL, y), zL, aL);
    for (let l = L - 2; l >= 0; l--) {
      const back = matmul(deltas[l + 1]!, layers[l + 1]!.linear.weight);
      deltas[l] = timesDerivative(layers[l]!, back, zs[l]!, as[l + 1]!);
    }
    const gradWeights = layers.map(({ linear }, l) => {
      const g = matmul(deltas[l]!, as[l]!, { transposeA: true });
      if (lambda !== 0) {
        const w = linear.weight.data;
        const s = lambda / l2m;
        g.mutate_((d) => {
          for (let i = 0; i < d.length; i++) d[i] = d[i]! + s * w[i]!;
        });
      }
      return g;
    });
    const gradBiases = deltas.map(columnSums);
    // Like the tape, hand each parameter its gradient in its own dtype (data of a wider dtype
    // promotes the forward, so a float32 network fed float64 data computes in float64).
    layers.forEach(({ linear }, l) => {
      gradWeights[l] = gradWeights[l]!.to(linear.weight.dtype);
      gradBiases[l] = gradBiases[l]!.to(linear.bias.dtype);
    });
    const value = cost.forward(aL, y).item() + l2Value(layers, lambda, l2m);
    return { zs, as, deltas, gradWeights, gradBiases, cost: value };
  });
}
