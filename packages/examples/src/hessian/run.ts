/**
 * Hessian-vector products of a small sigmoid network's cost, C(W^1, b^1, …, W^L, b^L), by double
 * backward (`hvp`), checked against central differences of gradients:
 *   H v ≈ (∇C(θ + εv) − ∇C(θ − εv)) / 2ε,
 * and against the symmetry of the Hessian, uᵀ(H v) = vᵀ(H u). No Hessian is ever formed.
 */
import {
  Rng,
  add,
  allclose,
  centralDifference,
  gradients,
  hvp,
  matmul,
  randn,
  sigmoid,
  tensor,
  transpose,
  type Tensor,
} from '@tapegrad/autograd';
import { makeCost, type CostName } from '../common/costs.js';
import { maxAbs, maxAbsDiff } from '../common/tensors.js';
import { requireInt, requirePositive } from '../cli/options.js';
import { OptionError } from '../errors.js';

/** Options of {@link runHessian}. */
export interface HessianOptions {
  /** Layer widths [n_0, …, n_L] (default [3, 4, 2]). */
  sizes?: readonly number[];
  /** Samples in the fixed batch (default 6). */
  batchSize?: number;
  /** Cost (default 'quadratic'). */
  cost?: CostName;
  /** Random directions v checked (default 3). */
  directions?: number;
  /** Step of the gradient differences (default 1e-5: error ~ε²‖∇³C‖ + 1e-16/ε). */
  eps?: number;
  /** Pass when |Hv − fd| ≤ atol + rtol·|fd| elementwise (defaults 1e-6 and 1e-4). */
  atol?: number;
  rtol?: number;
  /** Seed for the network, the batch and the directions (default 1). */
  seed?: number;
}

/** One checked direction. */
export interface DirectionReport {
  /** max |Hv − finite differences| over every parameter entry. */
  maxAbs: number;
  /** That, divided by max |Hv|. */
  maxRel: number;
  /** uᵀ(Hv) − vᵀ(Hu) for the next direction u, relative to their size. */
  symmetryRel: number;
  passed: boolean;
}

/** What {@link runHessian} found. */
export interface HessianResult {
  sizes: number[];
  /** Number of parameters, the Hessian's side. */
  parameterCount: number;
  cost: number;
  directions: DirectionReport[];
  /** True when every direction passed. */
  passed: boolean;
  /** Hv for the first direction, per parameter tensor, for display. */
  firstHv: { name: string; values: number[] }[];
}

/** The cost as a pure function of the parameters [W^1, b^1, …], as hvp needs it. */
function costOf(params: readonly Tensor[], x: Tensor, y: Tensor, cost: CostName): Tensor {
  let a = x;
  for (let l = 0; l < params.length; l += 2) a = sigmoid(add(matmul(a, transpose(params[l]!)), params[l + 1]!));
  return makeCost(cost).forward(a, y);
}

/** Central differences of the gradient along v: (∇C(θ + εv) − ∇C(θ − εv)) / 2ε, per parameter tensor. */
function gradientDifference(
  params: readonly Tensor[],
  v: readonly Tensor[],
  eps: number,
  f: (ps: Tensor[]) => Tensor,
): Tensor[] {
  // ∇C(θ + h·v), every parameter's gradient end to end
  const gradientAt = (h: number): Float64Array => {
    const ps = params.map((p, i) => {
      const data = p.data.slice();
      for (let k = 0; k < data.length; k++) data[k] = data[k]! + h * v[i]!.data[k]!;
      return tensor(data, { shape: p.shape, requiresGrad: true });
    });
    const gs = gradients(f(ps), ps);
    const flat = new Float64Array(gs.reduce((n, g) => n + g!.size, 0));
    let offset = 0;
    for (const g of gs) {
      flat.set(g!.data, offset);
      offset += g!.size;
    }
    return flat;
  };
  const d = centralDifference(gradientAt, eps);
  let offset = 0;
  return params.map((p) => {
    const part = tensor(d.slice(offset, offset + p.size), { shape: p.shape });
    offset += p.size;
    return part;
  });
}

function dot(a: readonly Tensor[], b: readonly Tensor[]): number {
  let s = 0;
  a.forEach((t, i) => {
    for (let k = 0; k < t.size; k++) s += t.data[k]! * b[i]!.data[k]!;
  });
  return s;
}

/** Runs the checks; see the module comment. */
export function runHessian(options: HessianOptions = {}): HessianResult {
  const sizes = [...(options.sizes ?? [3, 4, 2])];
  if (sizes.length < 2) throw new OptionError('sizes must list at least an input and an output width.');
  sizes.forEach((n, i) => requireInt(`sizes[${i}]`, n));
  const batch = requireInt('batchSize', options.batchSize ?? 6);
  const count = requireInt('directions', options.directions ?? 3);
  const eps = requirePositive('eps', options.eps ?? 1e-5);
  const atol = requirePositive('atol', options.atol ?? 1e-6, true);
  const rtol = requirePositive('rtol', options.rtol ?? 1e-4, true);
  const cost = options.cost ?? 'quadratic';
  const rng = new Rng(options.seed ?? 1);

  const params: Tensor[] = [];
  const names: string[] = [];
  for (let l = 1; l < sizes.length; l++) {
    params.push(randn([sizes[l]!, sizes[l - 1]!], { rng }), randn([sizes[l]!], { rng }));
    names.push(`W${l}`, `b${l}`);
  }
  const x = randn([batch, sizes[0]!], { rng });
  // Targets in [0, 1], as both costs expect of sigmoid outputs.
  const y = tensor(
    Array.from({ length: batch }, () => Array.from({ length: sizes[sizes.length - 1]! }, () => rng.uniform())),
  );
  const f = (...ps: Tensor[]): Tensor => costOf(ps, x, y, cost);
  const vs = Array.from({ length: count + 1 }, () => params.map((p) => randn(p.shape, { rng })));

  const hvs = vs.map((v) => hvp(f, params, v));
  const directions: DirectionReport[] = [];
  for (let d = 0; d < count; d++) {
    const hv = hvs[d]!;
    const fd = gradientDifference(params, vs[d]!, eps, (ps) => f(...ps));
    let worstAbs = 0;
    let scale = 0;
    let passed = true;
    hv.forEach((h, i) => {
      worstAbs = Math.max(worstAbs, maxAbsDiff(h, fd[i]!));
      scale = Math.max(scale, maxAbs(h));
      if (!allclose(h, fd[i]!, { atol, rtol }).passed) passed = false;
    });
    // The next direction u: uᵀ(Hv) must equal vᵀ(Hu) since H is symmetric.
    const uHv = dot(vs[d + 1]!, hv);
    const vHu = dot(vs[d]!, hvs[d + 1]!);
    const symmetryRel = Math.abs(uHv - vHu) / Math.max(Math.abs(uHv), Math.abs(vHu), Number.MIN_VALUE);
    if (!(symmetryRel <= 1e-12)) passed = false;
    directions.push({ maxAbs: worstAbs, maxRel: scale === 0 ? 0 : worstAbs / scale, symmetryRel, passed });
  }
  return {
    sizes,
    parameterCount: params.reduce((s, p) => s + p.size, 0),
    cost: f(...params).item(),
    directions,
    passed: directions.every((d) => d.passed),
    firstHv: hvs[0]!.map((t, i) => ({ name: names[i]!, values: Array.from(t.data) })),
  };
}
