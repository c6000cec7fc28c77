import { ArgumentError, Tensor, checkOptions } from '@tapegrad/autograd';
import { StateDictError } from '../errors.js';
import type { StateDict } from '../module.js';
import { describeValue, expectPositiveInt } from '../util.js';
import { checkHyper } from './hyper.js';
import { Optimizer } from './optimizer.js';
import { countFrom, refuseLeftovers, scalarTensor, stateEntries, takeEntry } from './state.js';

/** A scheduler's settings as saved in its state dict: numbers and lists of numbers. */
export type SchedulerSettings = Record<string, number | readonly number[]>;

/** Throws unless `optimizer` is an Optimizer, naming the scheduler. */
export function expectOptimizer(where: string, optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) {
    throw new ArgumentError(
      `${where}: the first argument must be an optimiser such as new SGD(model, {lr: 0.1}), got ${describeValue(optimizer)}.`,
    );
  }
  return optimizer as Optimizer;
}

/** Saves `settings` under their names (a number as a 0-d tensor, a list as a 1-d tensor). */
export function settingsState(out: StateDict, settings: SchedulerSettings): void {
  for (const [key, v] of Object.entries(settings)) out.set(key, scalarTensor(v));
}

/**
 * Takes the saved settings out of `entries` and throws a StateDictError unless they equal this
 * scheduler's: resuming under other settings would silently follow another schedule.
 */
export function checkSettings(where: string, entries: Map<string, Tensor>, settings: SchedulerSettings): void {
  for (const [key, v] of Object.entries(settings)) {
    const want = typeof v === 'number' ? [v] : [...v];
    const t = takeEntry(where, entries, key, typeof v === 'number' ? [] : [v.length]);
    const got = Array.from(t.data);
    if (!got.every((x, i) => Object.is(x, want[i]))) {
      throw new StateDictError(
        `${where}: the state was saved with ${key} = ${got.join(', ')} but this scheduler has ${want.join(', ')}; build it with the same options as the saved one.`,
      );
    }
  }
}

/**
 * The base of the epoch-indexed schedules: each sets every group's learning rate to a closed-form
 * function of the group's initial rate and the epoch, as PyTorch documents them. `step()` runs once
 * per epoch; the optimiser's `lr` (and each group's) shows the current rate. Because the rate is
 * computed from the initial one, two such schedulers on one optimiser do not compose: the later
 * one's rate wins.
 */
export abstract class LRScheduler {
  /** The scheduler's name, for error messages. */
  readonly name: string;
  /** The optimiser whose groups' rates this scheduler sets. */
  readonly optimizer: Optimizer;
  /** Each group's rate when the scheduler was created (γ₀ of the formulas). */
  readonly baseLrs: readonly number[];
  /** Epochs stepped so far (0 after construction). */
  lastEpoch = 0;

  /** @param name for error messages; @param optimizer whose rates to schedule. */
  protected constructor(name: string, optimizer: Optimizer) {
    this.name = name;
    this.optimizer = expectOptimizer(name, optimizer);
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The rate at `epoch` of a group whose initial rate is `base`. */
  protected abstract lrAt(base: number, epoch: number): number;

  /** The settings saved with the state and checked when it is loaded. */
  protected abstract settings(): SchedulerSettings;

  /** Sets every group's rate for the current epoch; subclasses call it at the end of their constructor. */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i]!, this.lastEpoch);
    });
  }

  /** Advances one epoch and sets the new rates. Call it once per epoch, after that epoch's steps. */
  step(...unexpected: unknown[]): void {
    // Plain-JS callers may pass a metric by habit (PyTorch's ReduceLROnPlateau takes one); refuse it.
    if (unexpected.length > 0) {
      throw new ArgumentError(
        `${this.name}.step: takes no arguments (only ReduceLROnPlateau.step takes a metric); got ${describeValue(unexpected[0])}.`,
      );
    }
    this.lastEpoch++;
    this.apply();
  }

  /** The current rate of each group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** `lastEpoch`, `baseLrs` and the settings, as named tensors (saved like module weights). */
  stateDict(): StateDict {
    const out: StateDict = new Map();
    out.set('lastEpoch', scalarTensor(this.lastEpoch));
    out.set('baseLrs', scalarTensor(this.baseLrs));
    settingsState(out, this.settings());
    return out;
  }

  /**
   * Restores {@link LRScheduler.stateDict} output into a scheduler built with the same options
   * over an optimiser with as many groups, and sets the rates of the restored epoch.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>): void {
    const where = `${this.name}.loadStateDict`;
    const entries = new Map(stateEntries(where, state));
    const lastEpoch = countFrom(where, 'lastEpoch', takeEntry(where, entries, 'lastEpoch', []));
    const bases = Array.from(takeEntry(where, entries, 'baseLrs', [this.baseLrs.length]).data);
    bases.forEach((b, i) => checkHyper(`${where} (baseLrs[${i}])`, 'lr', { kind: 'number', range: 'lr' }, b, true));
    checkSettings(where, entries, this.settings());
    refuseLeftovers(where, entries);
    this.lastEpoch = lastEpoch;
    (this as { baseLrs: readonly number[] }).baseLrs = bases;
    this.apply();
  }
}

/** A positive number option, or its default. */
function positiveOption(where: string, key: string, v: unknown, fallback?: number): number {
  return checkHyper(
    where,
    key,
    { kind: 'number', range: 'positive', ...(fallback === undefined ? {} : { default: fallback }) },
    v,
    true,
  ) as number;
}

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Epochs between decays (required). */
  stepSize: number;
  /** Multiplicative decay γ (default 0.1). */
  gamma?: number;
}

/** γ₀ · gamma^⌊epoch / stepSize⌋: decays the rate by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Multiplicative decay. */
  readonly gamma: number;

  /** @param optimizer whose rates to schedule; @param options stepSize and gamma. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    super('StepLR', optimizer);
    const o = checkOptions('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = expectPositiveInt('StepLR', 'stepSize', o.stepSize);
    this.gamma = positiveOption('StepLR', 'gamma', o.gamma, 0.1);
    this.apply();
  }

  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }

  protected settings(): SchedulerSettings {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Increasing epochs at which to decay (required). */
  milestones: readonly number[];
  /** Multiplicative decay γ (default 0.1). */
  gamma?: number;
}

/** γ₀ · gamma^(milestones reached): decays the rate by `gamma` at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  /** Epochs at which the rate decays, increasing. */
  readonly milestones: readonly number[];
  /** Multiplicative decay. */
  readonly gamma: number;

  /** @param optimizer whose rates to schedule; @param options milestones and gamma. */
  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer);
    const o = checkOptions('MultiStepLR', options, ['milestones', 'gamma']);
    const m = o.milestones;
    if (
      !Array.isArray(m) ||
      m.length === 0 ||
      !m.every((v, i) => Number.isSafeInteger(v) && v > 0 && (i === 0 || v > m[i - 1]!))
    ) {
      throw new ArgumentError(
        `MultiStepLR: milestones must be a non-empty array of increasing positive integers, got ${describeValue(m)}; e.g. {milestones: [30, 80]}.`,
      );
    }
    this.milestones = [...m];
    this.gamma = positiveOption('MultiStepLR', 'gamma', o.gamma, 0.1);
    this.apply();
  }

  protected lrAt(base: number, epoch: number): number {
    let reached = 0;
    while (reached < this.milestones.length && this.milestones[reached]! <= epoch) reached++;
    return base * this.gamma ** reached;
  }

  protected settings(): SchedulerSettings {
    return { milestones: this.milestones, gamma: this.gamma };
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative decay γ per epoch (required). */
  gamma: number;
}

/** γ₀ · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay per epoch. */
  readonly gamma: number;

  /** @param optimizer whose rates to schedule; @param options gamma. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer);
    const o = checkOptions('ExponentialLR', options, ['gamma']);
    this.gamma = positiveOption('ExponentialLR', 'gamma', o.gamma);
    this.apply();
  }

  protected lrAt(base: number, epoch: number): number {
    return base * this.gamma ** epoch;
  }

  protected settings(): SchedulerSettings {
    return { gamma: this.gamma };
  }
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Epochs of the half cosine from γ₀ down to etaMin (required). */
  tMax: number;
  /** The lowest rate (default 0). */
  etaMin?: number;
}

/**
 * η_min + (γ₀ − η_min)(1 + cos(π · epoch / tMax)) / 2: half a cosine from the initial rate down to
 * `etaMin` at epoch `tMax` (and, past it, back up, as PyTorch's closed form does; no restarts).
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Epochs from the initial rate to etaMin. */
  readonly tMax: number;
  /** The lowest rate. */
  readonly etaMin: number;

  /** @param optimizer whose rates to schedule; @param options tMax and etaMin. */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer);
    const o = checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = expectPositiveInt('CosineAnnealingLR', 'tMax', o.tMax);
    this.etaMin = checkHyper(
      'CosineAnnealingLR',
      'etaMin',
      { kind: 'number', range: 'nonNegative', default: 0 },
      o.etaMin,
      true,
    ) as number;
    this.apply();
  }

  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }

  protected settings(): SchedulerSettings {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** The factor of the initial rate at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from epoch totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs of the linear ramp (default 5). */
  totalIters?: number;
}

/**
 * γ₀ · (startFactor + (endFactor − startFactor) · min(epoch, totalIters) / totalIters): a linear
 * warm-up (or cool-down) of the rate over `totalIters` epochs, then constant.
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0. */
  readonly startFactor: number;
  /** Factor from totalIters on. */
  readonly endFactor: number;
  /** Epochs of the ramp. */
  readonly totalIters: number;

  /** @param optimizer whose rates to schedule; @param options the ramp. */
  constructor(optimizer: Optimizer, options?: LinearLROptions) {
    super('LinearLR', optimizer);
    const o = checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    const start = o.startFactor ?? 1 / 3;
    if (typeof start !== 'number' || !(start > 0 && start <= 1))
      throw new ArgumentError(`LinearLR: startFactor must be in (0, 1], got ${describeValue(start)}.`);
    this.startFactor = start;
    this.endFactor = checkHyper(
      'LinearLR',
      'endFactor',
      { kind: 'number', range: 'closedUnit', default: 1 },
      o.endFactor,
      true,
    ) as number;
    this.totalIters = expectPositiveInt('LinearLR', 'totalIters', o.totalIters ?? 5);
    this.apply();
  }

  protected lrAt(base: number, epoch: number): number {
    const progress = Math.min(epoch, this.totalIters) / this.totalIters;
    return base * (this.startFactor + (this.endFactor - this.startFactor) * progress);
  }

  protected settings(): SchedulerSettings {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }
}
