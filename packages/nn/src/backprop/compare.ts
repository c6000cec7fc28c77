import { Tensor, ArgumentError, checkOptions, noGrad, zeros } from '@tapegrad/autograd';
import type { Module } from '../module.js';
import { OBJECTIVE_KEYS, resolveObjective, type ObjectiveOptions } from '../objective.js';
import { checkNetworkBatch } from './closed-form.js';
import { finiteDifferenceBackprop } from './finite-differences.js';
import { formatComparison } from './format.js';
import { handBackprop, hasBackprop } from './hand.js';
import { layerGroups } from './layers.js';
import type { BackpropResult } from './result.js';
import { tapeGradients, traceOnTape } from './tape.js';
import { discrepancy, type Discrepancy } from './tolerance.js';

/** The comparison of one quantity (δ at a layer's output, or one parameter's gradient). */
export interface QuantityComparison {
  /** `δ` or `∂C/∂<parameter name>`, e.g. `∂C/∂weight`. */
  readonly name: string;
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** Hand-derived against the tape (passes when maxRel ≤ `tolerance`); null when the quantity is tape only. */
  readonly tape: Discrepancy | null;
  /**
   * Hand-derived (or, for a tape-only quantity, the tape's) against central differences, when
   * requested; passes when every element is within atol + rtol·|numeric|.
   */
  readonly finiteDifferences?: Discrepancy;
}

/** The comparison of one layer: a stage with the elementwise activations that follow it. */
export interface LayerComparison {
  /** l, 1-based (Nielsen's l for a dense network). */
  readonly layer: number;
  /** The module path of the layer's stage, e.g. `'2'`. */
  readonly path: string;
  /** The index of that stage in the Sequential; `String(stage)` keys its δ in a {@link BackpropResult}. */
  readonly stage: number;
  /** E.g. `Linear(2 → 3) + Sigmoid`. */
  readonly description: string;
  /** False when the stage has no hand-derived backprop: its parameters are reported tape only. */
  readonly handDerived: boolean;
  /** δ = ∂C/∂(stage output): δ^l at z^l for a Linear layer. */
  readonly delta: QuantityComparison;
  /** ∂C/∂p for the layer's parameters, keyed by their names within the layer (`weight`, `bias`). */
  readonly params: Readonly<Record<string, QuantityComparison>>;
  /** δ, then the parameters in registration order. */
  readonly quantities: readonly QuantityComparison[];
}

/** Options of {@link compareBackprop}. */
export interface CompareOptions extends ObjectiveOptions {
  /** Pass/fail threshold on the max relative difference (default 1e-10 for float64 networks, 1e-5 for float32). */
  tolerance?: number;
  /**
   * Also check against central finite differences (default false): `true` for δ and every
   * parameter (2 forward passes per parameter entry), `'deltas'` for δ only (cheap for wide inputs).
   */
  finiteDifferences?: boolean | 'deltas';
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Finite-difference absolute tolerance (default 1e-5, PyTorch's gradcheck). */
  atol?: number;
  /** Finite-difference relative tolerance (default 1e-3, PyTorch's gradcheck). */
  rtol?: number;
}

/** What {@link compareBackprop} found. */
export interface BackpropComparison {
  /** One entry per layer, l = 1..L. */
  readonly layers: LayerComparison[];
  /** True when every check made passed (tape-only quantities are checked only against finite differences). */
  readonly passed: boolean;
  /** The largest hand-derived-vs-tape maxRel over all layers and quantities. */
  readonly worstRel: number;
  /** The tolerance the tape comparison used. */
  readonly tolerance: number;
  /** The tape's results. */
  readonly tape: BackpropResult;
  /** The hand-derived results (the closed form; a tape-only stage passes the tape's δ on). */
  readonly handDerived: BackpropResult;
  /** The finite-difference estimates, when requested. */
  readonly finiteDifferences: BackpropResult | null;
  /** An aligned text table of the comparison. */
  format(): string;
}

const COMPARE_KEYS = [...OBJECTIVE_KEYS, 'tolerance', 'finiteDifferences', 'eps', 'atol', 'rtol'] as const;

function nonNegative(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!(v >= 0)) throw new ArgumentError(`compareBackprop: ${name} must be ≥ 0, got ${v}.`);
  return v;
}

/**
 * Runs the tape and the hand-derived backprop on one forward pass of the same batch and compares
 * them layer by layer, each layer named by its module path: δ at the layer's output and ∂C/∂p of
 * its parameters; optionally also against central finite differences. A stage without `backprop`
 * is reported as "tape only", and the stages before it start from the tape's δ. For a dense
 * network this is Nielsen's δ^l, ∂C/∂W^l and ∂C/∂b^l. In float64 the two backprops differ only by
 * rounding order: expect maxRel around 1e-15.
 */
export function compareBackprop(model: Module, x: Tensor, y: Tensor, options: CompareOptions = {}): BackpropComparison {
  checkOptions('compareBackprop', options, COMPARE_KEYS);
  const objective = resolveObjective('compareBackprop', options);
  const net = checkNetworkBatch('compareBackprop', model, x, y);
  const stages = net.stages();
  const float32 = net.parameters().some((p) => p.dtype === 'float32');
  // Same mathematics in a different rounding order: ~1e-14 apart in float64, ~1e-7 in float32.
  const tolerance = nonNegative('tolerance', options.tolerance, float32 ? 1e-5 : 1e-10);
  const atol = nonNegative('atol', options.atol, 1e-5);
  const rtol = nonNegative('rtol', options.rtol, 1e-3);
  const eps = options.eps ?? 1e-6;
  if (!(eps > 0 && Number.isFinite(eps))) {
    throw new ArgumentError(`compareBackprop: eps must be a finite number > 0, got ${eps}.`);
  }
  const fdMode = options.finiteDifferences ?? false;
  if (fdMode !== false && fdMode !== true && fdMode !== 'deltas') {
    throw new ArgumentError(
      `compareBackprop: finiteDifferences must be true, false or 'deltas', got ${String(fdMode)}.`,
    );
  }

  // One forward pass serves both backprops, so a stochastic layer's saved draw is the same for both.
  const records = traceOnTape(net, x);
  const tape = tapeGradients(net, x, records, y, objective);
  const tapeDelta = (i: number): Tensor => {
    const d = tape.deltas.get(records[i]!.name);
    if (d === undefined) {
      throw new ArgumentError(
        `compareBackprop: the output of ${stages[i]!.label()} is not on the tape, so a tape-only layer after it cannot be bridged.`,
      );
    }
    return d;
  };
  const hand = noGrad(() => handBackprop(net, records, y, objective, tapeDelta));
  const groups = layerGroups(stages);
  const fd =
    fdMode === false
      ? null
      : finiteDifferenceBackprop(net, x, y, objective, {
          eps,
          stages: groups.map((g) => g.stage),
          params: fdMode === true,
        });

  const quantity = (
    name: string,
    handValue: Tensor | null,
    tapeValue: Tensor,
    numeric: Tensor | undefined,
  ): QuantityComparison => ({
    name,
    shape: tapeValue.shape,
    tape: handValue === null ? null : discrepancy(handValue, tapeValue, tolerance),
    ...(numeric === undefined ? {} : { finiteDifferences: discrepancy(handValue ?? tapeValue, numeric, rtol, atol) }),
  });
  const comparisons: LayerComparison[] = groups.map((g) => {
    const key = String(g.stage);
    const handDerived = hasBackprop(stages[g.stage]!);
    // δ at a stage's output is hand-derived when the next stage (or the cost) produced it by hand.
    const next = stages[g.stage + 1];
    const deltaByHand = next === undefined || hasBackprop(next);
    const delta = quantity('δ', deltaByHand ? hand.deltas.get(key)! : null, tapeDelta(g.stage), fd?.deltas.get(key));
    const params: Record<string, QuantityComparison> = {};
    for (const s of g.stages) {
      const byHand = hasBackprop(stages[s]!);
      for (const [name, p] of stages[s]!.namedParameters()) {
        const full = `${s}.${name}`;
        const tapeValue = tape.grads.get(full) ?? zeros(p.shape, { dtype: p.dtype });
        params[name] = quantity(`∂C/∂${name}`, byHand ? hand.grads.get(full)! : null, tapeValue, fd?.grads.get(full));
      }
    }
    return {
      layer: g.layer,
      path: g.path,
      stage: g.stage,
      description: g.description,
      handDerived,
      delta,
      params,
      quantities: [delta, ...Object.values(params)],
    };
  });
  const all = comparisons.flatMap((c) => c.quantities);
  const worstRel = all.reduce(
    (w, q) => (q.tape === null ? w : Number.isNaN(q.tape.maxRel) ? NaN : Math.max(w, q.tape.maxRel)),
    0,
  );
  const passed = all.every((q) => (q.tape?.passed ?? true) && (q.finiteDifferences?.passed ?? true));
  const result: BackpropComparison = {
    layers: comparisons,
    passed,
    worstRel,
    tolerance,
    tape,
    handDerived: hand,
    finiteDifferences: fd,
    format: () => formatComparison(result),
  };
  return result;
}
