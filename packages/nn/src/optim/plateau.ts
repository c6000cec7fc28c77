import { ArgumentError, Tensor, checkOptions } from '@tapegrad/autograd';
import type { StateDict } from '../module.js';
import { describeValue } from '../util.js';
import { checkHyper } from './hyper.js';
import type { Optimizer } from './optimizer.js';
import { checkSettings, expectOptimizer, settingsState, type SchedulerSettings } from './scheduler.js';
import { countFrom, refuseLeftovers, scalarTensor, stateEntries, takeEntry } from './state.js';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min' when lower metrics are better (a loss; default), 'max' when higher are (an accuracy). */
  mode?: 'min' | 'max';
  /** The factor in (0, 1) the rate is multiplied by on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before the rate is cut (default 10). */
  patience?: number;
  /** How much better a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel': better than best · (1 ∓ threshold) (default); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a cut before counting bad epochs again (default 0). */
  cooldown?: number;
  /** The lowest rate, for every group or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Cuts smaller than this are skipped (default 1e-8). */
  eps?: number;
}

function nonNegativeInt(where: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new ArgumentError(`${where}: ${key} must be an integer ≥ 0, got ${describeValue(v)}.`);
  return v;
}

function oneOf<T extends string>(where: string, key: string, v: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(v))
    throw new ArgumentError(
      `${where}: ${key} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${describeValue(v)}.`,
    );
  return v as T;
}

/**
 * Cuts every group's rate by `factor` once the monitored metric has not improved for more than
 * `patience` epochs, as PyTorch's ReduceLROnPlateau does. Call `step(metric)` once per epoch with
 * the validation loss (mode 'min') or accuracy (mode 'max').
 */
export class ReduceLROnPlateau {
  /** The scheduler's name, for error messages. */
  readonly name = 'ReduceLROnPlateau';
  /** The optimiser whose groups' rates this scheduler cuts. */
  readonly optimizer: Optimizer;
  /** Whether lower or higher metrics are better. */
  readonly mode: 'min' | 'max';
  /** The factor of each cut. */
  readonly factor: number;
  /** Bad epochs tolerated before a cut. */
  readonly patience: number;
  /** The improvement threshold. */
  readonly threshold: number;
  /** Relative or absolute threshold. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Epochs of rest after a cut. */
  readonly cooldown: number;
  /** The lowest rate of each group. */
  readonly minLrs: readonly number[];
  /** The smallest cut applied. */
  readonly eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Epochs stepped so far. */
  lastEpoch = 0;

  /** @param optimizer whose rates to cut; @param options see {@link ReduceLROnPlateauOptions}. */
  constructor(optimizer: Optimizer, options?: ReduceLROnPlateauOptions) {
    const where = this.name;
    this.optimizer = expectOptimizer(where, optimizer);
    const o = checkOptions(where, options, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
    ]);
    this.mode = oneOf(where, 'mode', o.mode ?? 'min', ['min', 'max'] as const);
    this.factor = checkHyper(
      where,
      'factor',
      { kind: 'number', range: 'positive', default: 0.1 },
      o.factor,
      true,
    ) as number;
    if (this.factor >= 1) throw new ArgumentError(`${where}: factor must be in (0, 1), got ${this.factor}.`);
    this.patience = nonNegativeInt(where, 'patience', o.patience ?? 10);
    this.threshold = checkHyper(
      where,
      'threshold',
      { kind: 'number', range: 'nonNegative', default: 1e-4 },
      o.threshold,
      true,
    ) as number;
    this.thresholdMode = oneOf(where, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = nonNegativeInt(where, 'cooldown', o.cooldown ?? 0);
    this.eps = checkHyper(where, 'eps', { kind: 'number', range: 'nonNegative', default: 1e-8 }, o.eps, true) as number;
    const groups = this.optimizer.paramGroups.length;
    const minLr = o.minLr ?? 0;
    const list = typeof minLr === 'number' ? Array.from({ length: groups }, () => minLr) : minLr;
    if (!Array.isArray(list) || list.length !== groups)
      throw new ArgumentError(
        `${where}: minLr must be a number or one number per parameter group (${groups}), got ${describeValue(minLr)}.`,
      );
    this.minLrs = list.map(
      (v, i) => checkHyper(where, `minLr[${i}]`, { kind: 'number', range: 'nonNegative' }, v, true) as number,
    );
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + threshold) : a > best + threshold;
  }

  /** Records one epoch's metric and cuts the rates after more than `patience` epochs without improvement. */
  step(metric: number): void {
    if (typeof metric !== 'number' || !Number.isFinite(metric)) {
      throw new ArgumentError(
        `${this.name}.step: metric must be a finite number (the epoch's validation loss or accuracy), got ${describeValue(metric)}.`,
      );
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The current rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  private settings(): SchedulerSettings {
    return {
      mode: this.mode === 'min' ? 0 : 1,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode === 'rel' ? 0 : 1,
      cooldown: this.cooldown,
      minLrs: this.minLrs,
      eps: this.eps,
    };
  }

  /** The counters and the settings, as named tensors (saved like module weights). */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    out.set('lastEpoch', scalarTensor(this.lastEpoch));
    out.set('best', scalarTensor(this.best));
    out.set('numBadEpochs', scalarTensor(this.numBadEpochs));
    out.set('cooldownCounter', scalarTensor(this.cooldownCounter));
    settingsState(out, this.settings());
    return out;
  }

  /**
   * Restores {@link ReduceLROnPlateau.stateDict} output into a scheduler built with the same
   * options. The rates themselves live in the optimiser's state dict.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>): void {
    const where = `${this.name}.loadStateDict`;
    const entries = new Map(stateEntries(where, state));
    const lastEpoch = countFrom(where, 'lastEpoch', takeEntry(where, entries, 'lastEpoch', []));
    const best = takeEntry(where, entries, 'best', []).data[0]!;
    const bad = countFrom(where, 'numBadEpochs', takeEntry(where, entries, 'numBadEpochs', []));
    const cool = countFrom(where, 'cooldownCounter', takeEntry(where, entries, 'cooldownCounter', []));
    if (Number.isNaN(best)) throw new ArgumentError(`${where}: 'best' is NaN.`);
    checkSettings(where, entries, this.settings());
    refuseLeftovers(where, entries);
    Object.assign(this, { lastEpoch, best, numBadEpochs: bad, cooldownCounter: cool });
  }
}
