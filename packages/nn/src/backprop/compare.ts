import { Tensor, gradients, enableGrad, ArgumentError } from '@tapegrad/autograd';
import { Sequential } from '../layers/sequential.js';
import { forwardCache, type DenseLayer } from '../layers/mlp.js';
import { resolveCost } from '../losses/index.js';
import { l2Divisor, l2Penalty } from '../regularization.js';
import { expectNonNegative } from '../util.js';
import {
  closedFormBackprop,
  checkBatch,
  layersOf,
  type BackpropOptions,
  type ClosedFormResult,
} from './closed-form.js';
import { finiteDifferenceBackprop } from './finite-differences.js';
import { formatComparison } from './format.js';

/** How far two estimates of one quantity are apart. */
export interface Discrepancy {
  /** max_i |a_i − b_i|. */
  readonly maxAbs: number;
  /**
   * maxAbs / max_i |b_i|: the largest difference relative to the reference tensor's scale
   * (0 when both are exactly zero). Element-wise ratios would blow up on entries that cancel
   * to nearly 0, which says nothing about the algorithm.
   */
  readonly maxRel: number;
  /** Whether the difference is within the stated tolerance. */
  readonly passed: boolean;
}

/** The comparison of one quantity (δ^l, ∂C/∂W^l or ∂C/∂b^l) of one layer. */
export interface QuantityComparison {
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** Closed form against the tape; passes when maxRel ≤ `tolerance`. */
  readonly tape: Discrepancy;
  /** Closed form against central differences (when requested); passes when every element is within atol + rtol·|numeric|. */
  readonly finiteDifferences?: Discrepancy;
}

/** The comparison of one layer l (1-based, as in the seeds). */
export interface LayerComparison {
  /** l, from 1 to L. */
  readonly layer: number;
  /** δ^l = ∂C/∂z^l. */
  readonly delta: QuantityComparison;
  /** ∂C/∂W^l. */
  readonly weight: QuantityComparison;
  /** ∂C/∂b^l. */
  readonly bias: QuantityComparison;
}

/** Options of {@link compareBackprop}. */
export interface CompareOptions extends BackpropOptions {
  /** Pass/fail threshold on the max relative difference (default 1e-10 for float64 networks, 1e-5 for float32). */
  tolerance?: number;
  /** Also check against central finite differences (default false; costs 2 forward passes per element). */
  finiteDifferences?: boolean;
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Finite-difference absolute tolerance (default 1e-5, PyTorch's gradcheck). */
  atol?: number;
  /** Finite-difference relative tolerance (default 1e-3, PyTorch's gradcheck). */
  rtol?: number;
}

/** The gradients the tape found for one batch. */
export interface TapeResult {
  /** ∂C/∂Z^l for every layer. */
  readonly deltas: Tensor[];
  /** ∂C/∂W^l. */
  readonly gradWeights: Tensor[];
  /** ∂C/∂b^l. */
  readonly gradBiases: Tensor[];
  /** C on this batch. */
  readonly cost: number;
}

/** What {@link compareBackprop} found. */
export interface BackpropComparison {
  /** One entry per layer, l = 1..L. */
  readonly layers: LayerComparison[];
  /** True when every check passed. */
  readonly passed: boolean;
  /** The largest tape-vs-closed-form maxRel over all layers and quantities. */
  readonly worstRel: number;
  /** The tolerance the tape comparison used. */
  readonly tolerance: number;
  /** The tape's results. */
  readonly tape: TapeResult;
  /** The closed form's results. */
  readonly closedForm: ClosedFormResult;
  /** An aligned text table of the comparison. */
  format(): string;
}

/** Max abs and scale-relative difference between `a` and reference `b`. */
export function discrepancy(a: Tensor, b: Tensor, tolerance: number): Discrepancy {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < a.size; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    // NaN must not hide behind a comparison that is always false.
    maxAbs = Number.isNaN(d) ? NaN : Math.max(maxAbs, d);
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  const maxRel = maxAbs === 0 ? 0 : maxAbs / scale;
  return { maxAbs, maxRel, passed: maxRel <= tolerance };
}

function fdDiscrepancy(analytic: Tensor, numeric: Tensor, atol: number, rtol: number): Discrepancy {
  const base = discrepancy(analytic, numeric, Infinity);
  let passed = !Number.isNaN(base.maxAbs);
  for (let i = 0; i < analytic.size; i++) {
    const n = numeric.data[i]!;
    if (!(Math.abs(analytic.data[i]! - n) <= atol + rtol * Math.abs(n))) passed = false;
  }
  return { maxAbs: base.maxAbs, maxRel: base.maxRel, passed };
}

/** The tape's side: forward with the z^l recorded, then one `gradients` call for all of them. */
export function tapeBackprop(
  layers: readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  options: BackpropOptions = {},
): TapeResult {
  const cost = resolveCost(options.cost ?? 'quadratic');
  const lambda = expectNonNegative('tapeBackprop', 'lambda', options.lambda ?? 0);
  return enableGrad(() => {
    const { zs, as } = forwardCache(layers, x);
    const weights = layers.map(({ linear }) => linear.weight);
    const biases = layers.map(({ linear }) => linear.bias);
    const data = cost.forward(as[as.length - 1]!, y);
    const total =
      lambda === 0
        ? data
        : data.add(l2Penalty(weights, lambda, l2Divisor(cost.reduction, x.shape[0]!, options.datasetSize)));
    const grads = gradients(total, [...zs, ...weights, ...biases]);
    const L = layers.length;
    const pick = (from: number): Tensor[] => grads.slice(from, from + L).map((g) => g!);
    return { deltas: pick(0), gradWeights: pick(L), gradBiases: pick(2 * L), cost: total.item() };
  });
}

/**
 * Runs the tape and the closed-form backprop (BP1–BP4) on the same batch and compares, layer by
 * layer, δ^l, ∂C/∂W^l and ∂C/∂b^l; optionally also against central finite differences.
 * In float64 the two backprops differ only by rounding order: expect maxRel around 1e-15.
 */
export function compareBackprop(
  net: Sequential | readonly DenseLayer[],
  x: Tensor,
  y: Tensor,
  options: CompareOptions = {},
): BackpropComparison {
  const layers = layersOf(net);
  checkBatch('compareBackprop', layers, x, y);
  // Same mathematics in a different rounding order: ~1e-14 apart in float64, ~1e-7 in float32.
  const tolerance = options.tolerance ?? (layers[0]!.linear.weight.dtype === 'float32' ? 1e-5 : 1e-10);
  if (!(tolerance >= 0)) throw new ArgumentError(`compareBackprop: tolerance must be ≥ 0, got ${tolerance}.`);
  if (options.eps !== undefined && !(options.eps > 0 && Number.isFinite(options.eps))) {
    throw new ArgumentError(`compareBackprop: eps must be a finite number > 0, got ${options.eps}.`);
  }
  for (const [name, v] of [
    ['atol', options.atol],
    ['rtol', options.rtol],
  ] as const) {
    if (v !== undefined && !(v >= 0)) throw new ArgumentError(`compareBackprop: ${name} must be ≥ 0, got ${v}.`);
  }
  const tape = tapeBackprop(layers, x, y, options);
  const closedForm = closedFormBackprop(layers, x, y, options);
  const fd = options.finiteDifferences
    ? finiteDifferenceBackprop(
        layers,
        x,
        y,
        resolveCost(options.cost ?? 'quadratic'),
        options.lambda ?? 0,
        options.eps ?? 1e-6,
        options.datasetSize,
      )
    : null;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const quantity = (cf: Tensor, tp: Tensor, num: Tensor | undefined): QuantityComparison => ({
    shape: cf.shape,
    tape: discrepancy(cf, tp, tolerance),
    ...(num === undefined ? {} : { finiteDifferences: fdDiscrepancy(cf, num, atol, rtol) }),
  });
  const comparisons: LayerComparison[] = layers.map((_, l) => ({
    layer: l + 1,
    delta: quantity(closedForm.deltas[l]!, tape.deltas[l]!, fd?.deltas[l]),
    weight: quantity(closedForm.gradWeights[l]!, tape.gradWeights[l]!, fd?.gradWeights[l]),
    bias: quantity(closedForm.gradBiases[l]!, tape.gradBiases[l]!, fd?.gradBiases[l]),
  }));
  const all = comparisons.flatMap((c) => [c.delta, c.weight, c.bias]);
  const worstRel = all.reduce((w, q) => (Number.isNaN(q.tape.maxRel) ? NaN : Math.max(w, q.tape.maxRel)), 0);
  const passed = all.every((q) => q.tape.passed && (q.finiteDifferences?.passed ?? true));
  const result: BackpropComparison = {
    layers: comparisons,
    passed,
    worstRel,
    tolerance,
    tape,
    closedForm,
    format: () => formatComparison(result),
  };
  return result;
}
