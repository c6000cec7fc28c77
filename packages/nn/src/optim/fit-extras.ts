/**
 * What `fit` adds around its steps and epochs: gradient clipping, a learning-rate schedule, and
 * early stopping on validation accuracy. Kept here so the training loop stays one loop.
 */
import { ArgumentError, checkOptions, type Tensor } from '@tapegrad/autograd';
import type { Evaluation } from '../metrics.js';
import { describeValue, expectPositiveInt } from '../util.js';
import { clipNormOf, clipValueOf } from './clip.js';
import { LRScheduler } from './scheduler.js';
import { ReduceLROnPlateau } from './plateau.js';

/** Options of early stopping in `fit`. */
export interface EarlyStoppingOptions {
  /**
   * Stop after this many epochs in a row without a new best validation accuracy (Nielsen's
   * chapter 3 "no-improvement-in-n-epochs" rule; required).
   */
  patience: number;
  /** An accuracy must beat the best by more than this to count as an improvement (default 0). */
  minDelta?: number;
}

/** The options `fit` takes for scheduling, clipping and early stopping. */
export interface FitExtras {
  /**
   * Stepped once per epoch, after that epoch's evaluation. ReduceLROnPlateau gets the validation
   * loss in mode 'min' and the validation accuracy in mode 'max' (the training set's without
   * validation data).
   */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** Scale each step's gradients to this total 2-norm at most (see clipGradNorm). */
  clipGradNorm?: number;
  /** Clamp each step's gradient elements to [−v, v] (see clipGradValue; applied after clipGradNorm). */
  clipGradValue?: number;
  /** Stop when validation accuracy stops improving; needs `validation` data. */
  earlyStopping?: EarlyStoppingOptions;
}

/** Checks the extras before training starts, so a bad one never leaves a half-trained model. */
export function checkFitExtras(where: string, extras: FitExtras, hasValidation: boolean): void {
  const { scheduler, clipGradNorm, clipGradValue, earlyStopping } = extras;
  if (scheduler !== undefined && !(scheduler instanceof LRScheduler) && !(scheduler instanceof ReduceLROnPlateau)) {
    throw new ArgumentError(
      `${where}: scheduler must be an LR scheduler such as new StepLR(optimizer, {stepSize: 10}) or a ReduceLROnPlateau, got ${describeValue(scheduler)}.`,
    );
  }
  if (clipGradNorm !== undefined) clipNormOf(`${where}: clipGradNorm`, [], clipGradNorm);
  if (clipGradValue !== undefined) clipValueOf(`${where}: clipGradValue`, [], clipGradValue);
  if (earlyStopping !== undefined) {
    const o = checkOptions(`${where}: earlyStopping`, earlyStopping, ['patience', 'minDelta']);
    expectPositiveInt(`${where}: earlyStopping`, 'patience', o.patience);
    const d = o.minDelta ?? 0;
    if (typeof d !== 'number' || !(d >= 0) || !Number.isFinite(d))
      throw new ArgumentError(`${where}: earlyStopping.minDelta must be a finite number ≥ 0, got ${describeValue(d)}.`);
    if (!hasValidation)
      throw new ArgumentError(
        `${where}: earlyStopping watches validation accuracy; pass validation: {x, y} (held-out data, as in Nielsen's chapter 3).`,
      );
  }
}

/** The gradients of one step after the clipping the extras ask for. */
export function clipStepGradients(
  where: string,
  grads: readonly (Tensor | null)[],
  extras: FitExtras,
): (Tensor | null)[] {
  let out = [...grads];
  if (extras.clipGradNorm !== undefined) out = clipNormOf(`${where}: clipGradNorm`, out, extras.clipGradNorm).grads;
  if (extras.clipGradValue !== undefined) out = clipValueOf(`${where}: clipGradValue`, out, extras.clipGradValue);
  return out;
}

/** Steps the scheduler, if any, at the end of an epoch. */
export function stepScheduler(extras: FitExtras, train: Evaluation, validation?: Evaluation): void {
  const s = extras.scheduler;
  if (s === undefined) return;
  if (s instanceof ReduceLROnPlateau) {
    const watched = validation ?? train;
    s.step(s.mode === 'min' ? watched.loss : watched.accuracy);
  } else s.step();
}

/** Tracks the best validation accuracy and says when `patience` epochs have passed without a better one. */
export class NoImprovement {
  /** The best accuracy so far. */
  best = -Infinity;
  /** The 0-based epoch of the best accuracy (−1 before the first). */
  bestEpoch = -1;
  private readonly patience: number;
  private readonly minDelta: number;

  /** @param options see {@link EarlyStoppingOptions}. */
  constructor(options: EarlyStoppingOptions) {
    this.patience = options.patience;
    this.minDelta = options.minDelta ?? 0;
  }

  /** Records epoch `epoch`'s accuracy; true when training should stop. */
  update(epoch: number, accuracy: number): boolean {
    if (accuracy > this.best + this.minDelta) {
      this.best = accuracy;
      this.bestEpoch = epoch;
    }
    return epoch - this.bestEpoch >= this.patience;
  }
}
