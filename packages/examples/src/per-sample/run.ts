/**
 * Per-example quantities of a sigmoid MLP with the functional transforms: the saliency map
 * ∂a^L/∂x of one input (jacrev), the norm of every example's own gradient ∂C_x/∂θ over a batch
 * (vmap of grad, through functionalCall), and how long the batched per-example gradients take
 * beside a JavaScript loop of grad.
 */
import { Rng, type Tensor, grad, jacrev, rand, tensor } from '@tapegrad/autograd';
import { functionalCall, mlp, perSampleGradients, resolveCost } from '@tapegrad/nn';
import { requireInt } from '../cli/options.js';
import { OptionError } from '../errors.js';

/** Options of {@link runPerSample}. */
export interface PerSampleRunOptions {
  /** Layer widths [n_0, …, n_L] (default Nielsen's [784, 30, 10]). */
  sizes?: readonly number[];
  /** Examples in the batch (default 64). */
  batchSize?: number;
  /** Timed repetitions of each method (default 3; the fastest counts). */
  repeats?: number;
  /** Seed of the network and the batch (default 1). */
  seed?: number;
}

/** What {@link runPerSample} found. */
export interface PerSampleResult {
  sizes: number[];
  /** ∂a^L_j/∂x_i for the first example, shape [n_L, n_0]. */
  saliency: Tensor;
  /** The inputs with the largest |∂a^L_k/∂x_i| for the predicted class k, largest first. */
  topInputs: { index: number; value: number }[];
  predicted: number;
  /** ‖∂C_x/∂θ‖₂ over all parameters, one per example. */
  gradientNorms: number[];
  /** Milliseconds for the batch: vmap(grad) and a loop of grad (fastest of the repeats). */
  vmapMs: number;
  loopMs: number;
  /** max |vmap − loop| over every per-example gradient entry. */
  maxDifference: number;
}

function fastest(repeats: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Runs the example; see the module comment. */
export function runPerSample(options: PerSampleRunOptions = {}): PerSampleResult {
  const sizes = [...(options.sizes ?? [784, 30, 10])];
  if (sizes.length < 2) throw new OptionError('sizes must list at least an input and an output width.');
  sizes.forEach((n, i) => requireInt(`sizes[${i}]`, n));
  const batch = requireInt('batchSize', options.batchSize ?? 64);
  const repeats = requireInt('repeats', options.repeats ?? 3);
  const rng = new Rng(options.seed ?? 1);
  const net = mlp(sizes, { rng });
  const n0 = sizes[0]!;
  const nL = sizes[sizes.length - 1]!;
  const x = rand([batch, n0], { rng });
  const labels = Array.from({ length: batch }, () => Math.floor(rng.uniform() * nL));
  const y = tensor(labels.map((k) => Array.from({ length: nL }, (_, j) => (j === k ? 1 : 0))));

  // Saliency: the Jacobian of the output layer with respect to one input, [n_L, n_0].
  const x0 = tensor(Array.from(x.data.subarray(0, n0)));
  const saliency = jacrev((xi: Tensor) => net.forward(xi.reshape([1, n0])).reshape([nL]))(x0) as Tensor;
  const out = net.forward(x0.reshape([1, n0])).data;
  let predicted = 0;
  for (let j = 1; j < nL; j++) if (out[j]! > out[predicted]!) predicted = j;
  const row = Array.from(saliency.data.subarray(predicted * n0, (predicted + 1) * n0), (value, index) => ({
    index,
    value,
  }));
  const topInputs = row.sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 5);

  // Per-example gradients: batched by vmap, and by a loop of grad over the examples.
  let per: Record<string, Tensor> = {};
  const vmapMs = fastest(repeats, () => (per = perSampleGradients(net, 'quadratic', x, y)));
  const cost = resolveCost('quadratic', { reduction: 'sum' });
  const params = Object.fromEntries(net.namedParameters().map(([n, p]) => [n, p.detach()]));
  const costOf = (ps: Record<string, Tensor>, xi: Tensor, yi: Tensor): Tensor =>
    cost.forward(functionalCall(net, ps, xi), yi);
  const gradOf = grad(costOf);
  let loop: Record<string, Tensor>[] = [];
  const rows = Array.from({ length: batch }, (_, i) => [
    tensor(Array.from(x.data.subarray(i * n0, (i + 1) * n0)), { shape: [1, n0] }),
    tensor(Array.from(y.data.subarray(i * nL, (i + 1) * nL)), { shape: [1, nL] }),
  ]);
  const loopMs = fastest(repeats, () => {
    loop = rows.map(([xi, yi]) => gradOf(params, xi!, yi!) as Record<string, Tensor>);
  });

  const gradientNorms = Array.from({ length: batch }, () => 0);
  let maxDifference = 0;
  for (const [name, g] of Object.entries(per)) {
    const n = g.size / batch;
    for (let i = 0; i < batch; i++) {
      const mine = loop[i]![name]!.data;
      for (let k = 0; k < n; k++) {
        const v = g.data[i * n + k]!;
        gradientNorms[i] = gradientNorms[i]! + v * v;
        maxDifference = Math.max(maxDifference, Math.abs(v - mine[k]!));
      }
    }
  }
  return {
    sizes,
    saliency,
    topInputs,
    predicted,
    gradientNorms: gradientNorms.map(Math.sqrt),
    vmapMs,
    loopMs,
    maxDifference,
  };
}
