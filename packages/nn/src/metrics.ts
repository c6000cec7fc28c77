import { Tensor, ShapeError, ArgumentError, formatShape, noGrad, checkOptions } from '@tapegrad/autograd';
import type { Module } from './module.js';
import type { CostLike } from './losses/index.js';
import { classIndices } from './losses/targets.js';
import { OBJECTIVE_KEYS, objectiveValue, resolveObjective } from './objective.js';
import { describeValue, expectTensor } from './util.js';

/**
 * The fraction of rows classified correctly. With one output column, a row is class 1 when its
 * output is ≥ `threshold` (0.5 for probabilities, pass 0 for logits); with k columns the class is
 * the argmax. Targets may be labels [m], one-hot rows [m, k] or a 0/1 column [m, 1].
 */
export function accuracy(output: Tensor, target: Tensor, threshold = 0.5): number {
  expectTensor('accuracy', 'output', output);
  expectTensor('accuracy', 'target', target);
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    throw new ArgumentError(`accuracy: threshold must be a number, got ${describeValue(threshold)}.`);
  const [m, k] = output.shape as [number, number];
  const labels = target.ndim === 1 && target.shape[0] === m;
  const rows = target.ndim === 2 && target.shape[0] === m && target.shape[1] === k;
  if (output.ndim !== 2 || !(labels || rows)) {
    throw new ShapeError(
      `accuracy: output ${formatShape(output.shape)} and target ${formatShape(target.shape)} do not match; ` +
        `give outputs [m, k] with targets of labels [m] or rows [m, k] of the same width.`,
    );
  }
  if (m === 0) return 0;
  let correct = 0;
  if (output.shape[1] === 1) {
    for (let i = 0; i < m; i++)
      if ((output.data[i]! >= threshold ? 1 : 0) === (target.data[i]! >= 0.5 ? 1 : 0)) correct++;
  } else {
    const predicted = classIndices(output);
    const actual = classIndices(target);
    for (let i = 0; i < m; i++) if (predicted[i] === actual[i]) correct++;
  }
  return correct / m;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** The cost (default 'quadratic'). */
  cost?: CostLike;
  /** Include the L2 term (λ / 2n) Σ W² in the loss (default 0). */
  lambda?: number;
  /** The n of the L2 term (default: the rows of x); see {@link l2Divisor}. */
  datasetSize?: number;
  /** Decision threshold for one-column outputs (default 0.5; use 0 with logits). */
  threshold?: number;
}

/** What {@link evaluate} measured. */
export interface Evaluation {
  /** The cost on the whole set (with the L2 term when λ > 0). */
  readonly loss: number;
  /** The fraction classified correctly, see {@link accuracy}. */
  readonly accuracy: number;
}

/** Loss and accuracy of `model` on (x, y), computed under noGrad in evaluation mode (the mode is restored after). */
export function evaluate(model: Module, x: Tensor, y: Tensor, given?: EvaluateOptions): Evaluation {
  const options = checkOptions('evaluate', given, [...OBJECTIVE_KEYS, 'threshold']);
  const objective = resolveObjective('evaluate', options);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const out = model.forward(x);
      return {
        loss: objectiveValue(model, out, y, objective).item(),
        accuracy: accuracy(out, y, options.threshold ?? 0.5),
      };
    });
  } finally {
    model.train(wasTraining);
  }
}
