import { Tensor, Rng, ArgumentError, ShapeError, checkOptions, formatShape } from '@tapegrad/autograd';
import type { Module } from './module.js';
import { Sequential } from './layers/sequential.js';
import { Optimizer } from './optim/optimizer.js';
import { batchDivisor, resolveCost, type CostLike } from './losses/index.js';
import { OBJECTIVE_KEYS, type ObjectiveOptions } from './objective.js';
import { batchIndices, takeRows } from './data.js';
import { evaluate, type Evaluation } from './metrics.js';
import { closedFormBackprop } from './backprop/closed-form.js';
import { tapeBackprop } from './backprop/tape.js';
import { layerGroups } from './backprop/layers.js';
import type { BackpropResult } from './backprop/result.js';
import { describeValue, expectNonNegative, expectPositiveInt, expectTensor } from './util.js';
import { NoImprovement, checkFitExtras, clipStepGradients, stepScheduler, type FitExtras } from './optim/fit-extras.js';

/** What the per-batch callback sees. */
export interface BatchInfo {
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based batch within the epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** The batch cost before the step (L2 term included). */
  readonly loss: number;
  /** Rows in this batch. */
  readonly size: number;
}

/** What the per-epoch callback sees. */
export interface EpochInfo {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Mean batch cost over the epoch, weighted by batch size. */
  readonly loss: number;
  /** Loss and accuracy on the whole training set after the epoch. */
  readonly train: Evaluation;
  /** Loss and accuracy on the validation set, when one was given. */
  readonly validation?: Evaluation;
}

/** Inputs and their targets, one sample per row. */
export interface LabelledData {
  /** Inputs [n, features]. */
  x: Tensor;
  /** Targets, one row per input row. */
  y: Tensor;
}

/** Options of {@link fit}, with a schedule, clipping and early stopping from {@link FitExtras}. */
export interface FitOptions extends FitExtras {
  /** The optimiser holding the model's parameters. */
  optimizer: Optimizer;
  /** The seeded generator for the per-epoch shuffles. */
  rng: Rng;
  /** Passes over the data. */
  epochs: number;
  /** Rows per mini-batch (1 = online learning; default 10). */
  batchSize?: number;
  /** The cost (default 'quadratic'); a 'mean' cost averages gradients over the mini-batch (Nielsen, chapter 2). */
  cost?: CostLike;
  /**
   * L2 strength λ of (λ / 2n) Σ W² over weights only, with n the number of training rows as in
   * Nielsen's chapter 3, so the same λ means the same thing at any batch size (default 0).
   */
  lambda?: number;
  /** Where gradients come from: the tape (default) or the hand-derived closed form (a Sequential whose stages all implement backprop). */
  backprop?: 'tape' | 'closed-form';
  /** Held-out data evaluated after every epoch. */
  validation?: LabelledData;
  /** Decision threshold for one-column accuracy (default 0.5; use 0 with logits). */
  threshold?: number;
  /** Called after every step (progress bars). */
  onBatch?: (info: BatchInfo) => void;
  /**
   * Called after every step with per-sample |δ| statistics of each layer, from that step's own
   * backward pass (a Sequential only). Asking for them makes the tape keep every stage's δ.
   */
  onDeltas?: (info: DeltaInfo) => void;
  /** Called after every epoch (plots, early logging). */
  onEpoch?: (info: EpochInfo) => void;
}

/** Per-epoch curves returned by {@link fit}. */
export interface History {
  /** Per-sample training cost per epoch, averaged over the epoch's batches (as they were before each step). */
  readonly loss: number[];
  /** Training-set accuracy per epoch. */
  readonly accuracy: number[];
  /** Validation loss per epoch (empty without validation data). */
  readonly valLoss: number[];
  /** Validation accuracy per epoch (empty without validation data). */
  readonly valAccuracy: number[];
  /** Whether early stopping ended training before `epochs`. */
  stoppedEarly: boolean;
}

/** Options of {@link trainStep}. */
export interface TrainStepOptions extends ObjectiveOptions, Pick<FitExtras, 'clipGradNorm' | 'clipGradValue'> {
  /** Where gradients come from: the tape (default) or the hand-derived closed form (a Sequential whose stages all implement backprop). */
  backprop?: 'tape' | 'closed-form';
  /** Also return δ at every stage's output (a Sequential only; free with the closed form; default false). */
  deltas?: boolean;
}

const STEP_KEYS = [...OBJECTIVE_KEYS, 'backprop', 'deltas', 'clipGradNorm', 'clipGradValue'] as const;

/**
 * One optimisation step on one batch: the gradients of C = C_0 + L2 (from the tape or the closed
 * form), clipped when asked, then `optimizer.step` with them. Returns the gradients (as computed,
 * before clipping) and the batch cost before the step. `fit`, the web page and the benchmarks all train through this function.
 */
export function trainStep(
  model: Module,
  optimizer: Optimizer,
  x: Tensor,
  y: Tensor,
  options: TrainStepOptions = {},
): BackpropResult {
  checkOptions('trainStep', options, STEP_KEYS);
  const { backprop, deltas, clipGradNorm, clipGradValue, ...objective } = options;
  if (backprop !== undefined && backprop !== 'tape' && backprop !== 'closed-form') {
    throw new ArgumentError(`trainStep: backprop must be 'tape' or 'closed-form', got ${describeValue(backprop)}.`);
  }
  const result =
    backprop === 'closed-form'
      ? closedFormBackprop(model, x, y, objective)
      : tapeBackprop(model, x, y, { ...objective, deltas: deltas ?? false });
  const names = new Map(model.namedParameters().map(([name, p]) => [p as Tensor, name]));
  const grads = optimizer.params.map((p) => result.grads.get(names.get(p) ?? '') ?? null);
  const clip = {
    ...(clipGradNorm === undefined ? {} : { clipGradNorm }),
    ...(clipGradValue === undefined ? {} : { clipGradValue }),
  };
  optimizer.step(clipStepGradients('trainStep', grads, clip));
  return result;
}

/** Per-sample |δ| statistics of one layer on one batch. */
export interface LayerDeltaStats {
  /** l, 1-based, as in {@link compareBackprop}'s report. */
  readonly layer: number;
  /** The layer's module path, e.g. `'0'`. */
  readonly path: string;
  /** mean |δ| over the batch's entries, per sample (× m under a 'mean' cost, whose δ carries 1/m). */
  readonly meanAbs: number;
  /** max |δ|, per sample. */
  readonly maxAbs: number;
}

/** What the per-batch δ callback of {@link fit} sees. */
export interface DeltaInfo {
  /** 0-based epoch. */
  readonly epoch: number;
  /** 0-based batch within the epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** δ at each layer's output (δ^l at z^l for a dense network), measured in this batch's step. */
  readonly layers: readonly LayerDeltaStats[];
}

/** |δ| statistics per layer of one step's result; `perSample` undoes a 'mean' cost's 1/m. */
export function deltaStats(model: Sequential, result: BackpropResult, perSample: number): LayerDeltaStats[] {
  return layerGroups(model.stages()).map((g) => {
    const d = result.deltas.get(String(g.stage));
    let sum = 0;
    let max = 0;
    if (d !== undefined) {
      for (let i = 0; i < d.size; i++) {
        const v = Math.abs(d.data[i]!);
        sum += v;
        if (v > max) max = v;
      }
    }
    const size = d?.size ?? 0;
    return {
      layer: g.layer,
      path: g.path,
      meanAbs: size === 0 ? NaN : (sum / size) * perSample,
      maxAbs: size === 0 ? NaN : max * perSample,
    };
  });
}

/** Checks that x is [n, features] and y has one row (or label) per row of x; returns n. */
function checkRows(where: string, what: string, x: unknown, y: unknown): number {
  const xs = expectTensor(where, `${what} x`, x);
  const ys = expectTensor(where, `${what} y`, y);
  if (xs.ndim !== 2 || (ys.ndim !== 1 && ys.ndim !== 2) || ys.shape[0] !== xs.shape[0]) {
    throw new ShapeError(
      `${where}: ${what} x has shape ${formatShape(xs.shape)} and y ${formatShape(ys.shape)}; give x as [n, features] and y as [n, outputs] or labels [n], one row per sample.`,
    );
  }
  return xs.shape[0]!;
}

/**
 * Trains `model` on (x, y): each epoch shuffles the rows with `rng` and walks them in mini-batches
 * drawn without replacement, taking one optimiser step per batch. Same seed, same data, same
 * initial weights → bit-identical weights afterwards.
 */
export function fit(model: Module, x: Tensor, y: Tensor, options: FitOptions): History {
  const epochs = expectPositiveInt('fit', 'epochs', options.epochs);
  const batchSize = expectPositiveInt('fit', 'batchSize', options.batchSize ?? 10);
  const lambda = expectNonNegative('fit', 'lambda', options.lambda ?? 0);
  if (!(options.rng instanceof Rng))
    throw new ArgumentError('fit: pass { rng: new Rng(seed) }; the per-epoch shuffles are seeded.');
  if (options.optimizer === undefined)
    throw new ArgumentError('fit: pass an optimizer, e.g. new SGD(model, { lr: 3 }).');
  if (options.backprop !== undefined && options.backprop !== 'tape' && options.backprop !== 'closed-form') {
    throw new ArgumentError(`fit: backprop must be 'tape' or 'closed-form', got ${describeValue(options.backprop)}.`);
  }
  const onDeltas = options.onDeltas;
  if (onDeltas !== undefined && !(model instanceof Sequential)) {
    throw new ArgumentError(
      `fit: onDeltas reports δ at each layer's output, which needs a Sequential; ${model.describe()} is not one.`,
    );
  }
  checkFitExtras('fit', options, options.validation !== undefined);
  // Checked before the first step, so bad data can never leave a half-trained model behind.
  const n = checkRows('fit', 'training', x, y);
  if (n === 0) throw new ShapeError('fit: the training data has no rows.');
  if (options.validation) checkRows('fit', 'validation', options.validation.x, options.validation.y);
  // Every reported loss uses the training objective's L2 term (λ / 2n, n = training rows).
  const cost = resolveCost(options.cost ?? 'quadratic');
  const perSampleSum = cost.reduction === 'sum';
  const stepOptions: TrainStepOptions = {
    cost,
    lambda,
    datasetSize: n,
    backprop: options.backprop ?? 'tape',
    deltas: onDeltas !== undefined,
    ...(options.clipGradNorm === undefined ? {} : { clipGradNorm: options.clipGradNorm }),
    ...(options.clipGradValue === undefined ? {} : { clipGradValue: options.clipGradValue }),
  };
  const stopper = options.earlyStopping === undefined ? null : new NoImprovement(options.earlyStopping);
  const evalOptions = {
    cost: options.cost ?? 'quadratic',
    lambda,
    threshold: options.threshold ?? 0.5,
    datasetSize: n,
  } as const;
  const history: History = { loss: [], accuracy: [], valLoss: [], valAccuracy: [], stoppedEarly: false };
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const plan = batchIndices(x.shape[0]!, { batchSize, rng: options.rng });
    let total = 0;
    let rows = 0;
    plan.forEach((indices, b) => {
      const result = trainStep(model, options.optimizer, takeRows(x, indices), takeRows(y, indices), stepOptions);
      const loss = result.cost;
      // A 'mean' batch cost is already per sample; a 'sum' one is m samples' worth.
      total += perSampleSum ? loss : loss * indices.length;
      rows += indices.length;
      options.onBatch?.({ epoch, batch: b, batches: plan.length, loss, size: indices.length });
      if (onDeltas !== undefined) {
        const layers = deltaStats(model as Sequential, result, batchDivisor(cost.reduction, indices.length));
        onDeltas({ epoch, batch: b, batches: plan.length, layers });
      }
    });
    const train = evaluate(model, x, y, evalOptions);
    const validation = options.validation
      ? evaluate(model, options.validation.x, options.validation.y, evalOptions)
      : undefined;
    history.loss.push(total / rows);
    history.accuracy.push(train.accuracy);
    if (validation) {
      history.valLoss.push(validation.loss);
      history.valAccuracy.push(validation.accuracy);
    }
    options.onEpoch?.({ epoch, loss: total / rows, train, ...(validation ? { validation } : {}) });
    stepScheduler(options, train, validation);
    if (stopper !== null && epoch < epochs - 1 && stopper.update(epoch, validation!.accuracy)) {
      history.stoppedEarly = true;
      break;
    }
  }
  return history;
}
