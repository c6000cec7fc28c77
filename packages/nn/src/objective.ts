/**
 * The training objective C = C_0 + (λ / 2n) Σ_l ‖W^l‖², written once: the tape, the closed form,
 * the finite differences, `evaluate` and `fit` all take their cost from here.
 * @packageDocumentation
 */
import { Tensor, add } from '@tapegrad/autograd';
import type { Module } from './module.js';
import { resolveCost, type Cost, type CostLike } from './losses/index.js';
import { l2Divisor, l2Penalty, regularizedWeights } from './regularization.js';
import { expectNonNegative, expectPositiveInt } from './util.js';

/** The options that say which objective to differentiate. */
export interface ObjectiveOptions {
  /** The cost C_0 (default 'quadratic', Nielsen's). Its reduction decides sum vs average over the batch. */
  cost?: CostLike;
  /** L2 strength λ ≥ 0 of the term (λ / 2n) Σ W² over weights only (default 0). */
  lambda?: number;
  /** The n of the L2 term: the training-set size (default: the batch's rows); see {@link l2Divisor}. */
  datasetSize?: number;
}

/** The option keys of {@link ObjectiveOptions}, for `checkOptions`. */
export const OBJECTIVE_KEYS = ['cost', 'lambda', 'datasetSize'] as const;

/** {@link ObjectiveOptions} resolved and validated. */
export interface Objective {
  /** The cost C_0. */
  readonly cost: Cost;
  /** λ ≥ 0. */
  readonly lambda: number;
  /** The n of the L2 term, when given. */
  readonly datasetSize: number | undefined;
}

/** Resolves and validates the objective options, naming `where` in errors. */
export function resolveObjective(where: string, options: ObjectiveOptions): Objective {
  return {
    cost: resolveCost(options.cost ?? 'quadratic'),
    lambda: expectNonNegative(where, 'lambda', options.lambda ?? 0),
    datasetSize:
      options.datasetSize === undefined ? undefined : expectPositiveInt(where, 'datasetSize', options.datasetSize),
  };
}

/**
 * λ / d, the factor of ∂/∂W of the L2 term on a batch of `batchSize` rows (d from {@link l2Divisor}):
 * the closed form adds it times W^l to ∂C_0/∂W^l.
 */
export function l2Scale(objective: Objective, batchSize: number): number {
  return objective.lambda === 0
    ? 0
    : objective.lambda / l2Divisor(objective.cost.reduction, batchSize, objective.datasetSize);
}

/** C = C_0(output, y) + the L2 term over `model`'s weights, as a scalar tensor (on the tape when recording). */
export function objectiveValue(model: Module, output: Tensor, y: Tensor, objective: Objective): Tensor {
  const data = objective.cost.forward(output, y);
  if (objective.lambda === 0) return data;
  const m = output.shape[0]!;
  const weights = regularizedWeights(model);
  return add(data, l2Penalty(weights, objective.lambda, l2Divisor(objective.cost.reduction, m, objective.datasetSize)));
}
