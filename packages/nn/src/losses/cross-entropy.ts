import {
  Tensor,
  log,
  mul,
  neg,
  sub,
  sum,
  add,
  softplus,
  logSoftmax,
  clamp,
  where,
  gt,
  lt,
  stableSigmoid,
} from '@tapegrad/autograd';
import { ReducedCost, batchDivisor, scaledResidual } from './cost.js';
import { Activation, Softmax, sigmoidActivation } from '../layers/activations.js';
import type { Module } from '../module.js';
import { allocLike, expectMatrix, expectSameShape } from '../util.js';
import { oneHotTargets } from './targets.js';

/** e^−100: probabilities are clamped here before the log, so ln never goes below −100 (as in PyTorch). */
const LOG_FLOOR = Math.exp(-100);

/**
 * Binary cross-entropy from probabilities a ∈ (0, 1): C = −Σ_j [y ln a + (1 − y) ln(1 − a)] per
 * sample, averaged (or summed) over the batch. A saturated a (exactly 0 or 1 in float64) would
 * give ln 0, so a and 1 − a are clamped to ≥ e^−100 first: the cost stays finite and the clamped
 * entries get zero gradient. When the network can output logits, {@link BCEWithLogitsCost} is the
 * numerically better choice.
 */
export class BCECost extends ReducedCost {
  readonly name = 'bce';
  /** −Σ [y ln a + (1 − y) ln(1 − a)] / m. */
  forward(output: Tensor, target: Tensor): Tensor {
    expectMatrix('BCECost', 'output', output);
    expectSameShape('BCECost', 'output', output, 'target', target);
    const ll = add(
      mul(target, log(clamp(output, LOG_FLOOR))),
      mul(sub(1, target), log(clamp(sub(1, output), LOG_FLOOR))),
    );
    return mul(neg(sum(ll)), 1 / batchDivisor(this.reduction, output.shape[0]!));
  }

  /**
   * ((1 − y) / (1 − a) − y / a) / m, = (a − y) / (a (1 − a)) / m, with each term dropped where the
   * forward clamps its log argument (as the tape's clamp does), so a saturated a gives 0, not NaN.
   */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    expectSameShape('BCECost.gradOutput', 'output', output, 'target', target);
    const divisor = batchDivisor(this.reduction, output.shape[0]!);
    const out = allocLike(output);
    for (let i = 0; i < out.length; i++) {
      const a = output.data[i]!;
      const y = target.data[i]!;
      const fromPositive = a >= LOG_FLOOR ? y / a : 0;
      const fromNegative = 1 - a >= LOG_FLOOR ? (1 - y) / (1 - a) : 0;
      out[i] = (fromNegative - fromPositive) / divisor;
    }
    return new Tensor(out, output.shape);
  }

  /** With a sigmoid output, σ′ cancels the denominator of ∇_a C: δ^L = (a − y) / m (Nielsen, chapter 3). */
  outputDelta(layer: Module, a: Tensor, target: Tensor): Tensor | null {
    // By identity, not by name: a user's activation called 'sigmoid' need not be σ.
    if (!(layer instanceof Activation) || layer.activation !== sigmoidActivation) return null;
    expectSameShape('BCECost.outputDelta', 'output', a, 'target', target);
    const divisor = batchDivisor(this.reduction, a.shape[0]!);
    return scaledResidual(a, target, 1, divisor);
  }
}

/**
 * Binary cross-entropy from logits x (the network's last layer has no sigmoid): per element
 * softplus(x) − x y, which equals the BCE of σ(x) but never takes the log of 0. ∇_x C = σ(x) − y.
 */
export class BCEWithLogitsCost extends ReducedCost {
  readonly name = 'bceWithLogits';
  /**
   * Σ [softplus(x) − x y] / m, evaluated as Σ [y softplus(−x) + (1 − y) softplus(x)] / m with
   * zero-weight terms masked out, so an infinite logit never meets a zero target in 0·∞: a
   * certain right answer costs 0, a certain wrong one +Infinity, and gradients stay finite.
   */
  forward(output: Tensor, target: Tensor): Tensor {
    expectMatrix('BCEWithLogitsCost', 'logits', output);
    expectSameShape('BCEWithLogitsCost', 'logits', output, 'target', target);
    const positive = where(gt(target, 0), mul(target, softplus(neg(output))), 0);
    const negative = where(lt(target, 1), mul(sub(1, target), softplus(output)), 0);
    return mul(sum(add(positive, negative)), 1 / batchDivisor(this.reduction, output.shape[0]!));
  }

  /**
   * (σ(x) − y) / m, evaluated as ((1 − y) σ(x) − y σ(−x)) / m: the same value without the
   * cancellation of σ(x) − 1 for large x, so it keeps the tiny gradients of confident answers.
   */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    expectSameShape('BCEWithLogitsCost.gradOutput', 'logits', output, 'target', target);
    const divisor = batchDivisor(this.reduction, output.shape[0]!);
    const out = allocLike(output);
    for (let i = 0; i < out.length; i++) {
      const x = output.data[i]!;
      const y = target.data[i]!;
      const fromNegative = y < 1 ? (1 - y) * stableSigmoid(x) : 0;
      const fromPositive = y > 0 ? y * stableSigmoid(-x) : 0;
      out[i] = (fromNegative - fromPositive) / divisor;
    }
    return new Tensor(out, output.shape);
  }
}

/**
 * Softmax cross-entropy from logits [m, k] with integer labels [m] or one-hot rows [m, k]:
 * C = −Σ_j y_j log softmax(x)_j per sample, via logSoftmax so large logits cannot overflow.
 * ∇_x C = softmax(x) − y.
 */
export class SoftmaxCrossEntropyCost extends ReducedCost {
  readonly name = 'softmaxCrossEntropy';
  /** −Σ y ⊙ logSoftmax(x) / m. */
  forward(output: Tensor, target: Tensor): Tensor {
    const y = oneHotTargets('SoftmaxCrossEntropyCost', output, target);
    // Classes with target 0 are masked rather than multiplied, since a −Infinity logit (a masked
    // class) has logSoftmax −Infinity and 0·(−Infinity) would be NaN.
    const picked = where(gt(y, 0), mul(y, logSoftmax(output, { axis: -1 })), 0);
    return mul(neg(sum(picked)), 1 / batchDivisor(this.reduction, output.shape[0]!));
  }

  /** (softmax(x) − y) / m for rows of y that sum to 1, with the row maximum subtracted before exponentiating. */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    const y = oneHotTargets('SoftmaxCrossEntropyCost.gradOutput', output, target);
    const [m, k] = output.shape as [number, number];
    const divisor = batchDivisor(this.reduction, m);
    const out = allocLike(output);
    const x = output.data;
    for (let i = 0; i < m; i++) {
      const row = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, x[row + j]!);
      let total = 0;
      let mass = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(x[row + j]! - max);
        out[row + j] = e;
        total += e;
        mass += y.data[row + j]!;
      }
      // softmax · Σ_j y_j − y: the Σ y factor is 1 for one-hot or probability rows, kept for unnormalised ones.
      for (let j = 0; j < k; j++) out[row + j] = ((out[row + j]! / total) * mass - y.data[row + j]!) / divisor;
    }
    return new Tensor(out, output.shape);
  }
}

/**
 * Nielsen's log-likelihood cost for a softmax output layer (chapter 3): C = −Σ_j y_j ln a_j per
 * sample, from probabilities a, with integer labels [m] or one-hot rows [m, k]; averaged (or
 * summed) over the batch. a is clamped to ≥ e^−100 before the log, as in {@link BCECost}. Behind
 * a {@link Softmax} layer the closed form starts from δ^L = a − y; from logits,
 * {@link SoftmaxCrossEntropyCost} computes the same cost more stably.
 */
export class LogLikelihoodCost extends ReducedCost {
  readonly name = 'logLikelihood';
  /** −Σ y ⊙ ln a / m. */
  forward(output: Tensor, target: Tensor): Tensor {
    const y = oneHotTargets('LogLikelihoodCost', output, target);
    return mul(neg(sum(mul(y, log(clamp(output, LOG_FLOOR))))), 1 / batchDivisor(this.reduction, output.shape[0]!));
  }

  /** −y / a / m, zero where the forward clamps a (as the tape's clamp gives). */
  gradOutput(output: Tensor, target: Tensor): Tensor {
    const y = oneHotTargets('LogLikelihoodCost.gradOutput', output, target);
    const divisor = batchDivisor(this.reduction, output.shape[0]!);
    const out = allocLike(output);
    for (let i = 0; i < out.length; i++) {
      const a = output.data[i]!;
      out[i] = a >= LOG_FLOOR ? -y.data[i]! / a / divisor : 0;
    }
    return new Tensor(out, output.shape);
  }

  /**
   * Behind a softmax over the class axis, the softmax Jacobian cancels 1/a: δ^L = (a Σ_j y_j − y) / m,
   * which is (a − y) / m for one-hot or probability rows (Nielsen, chapter 3).
   */
  outputDelta(layer: Module, a: Tensor, target: Tensor): Tensor | null {
    if (!(layer instanceof Softmax) || (layer.axis !== -1 && layer.axis !== a.ndim - 1)) return null;
    const y = oneHotTargets('LogLikelihoodCost.outputDelta', a, target);
    const [m, k] = a.shape as [number, number];
    const divisor = batchDivisor(this.reduction, m);
    const out = allocLike(a);
    for (let i = 0; i < m; i++) {
      let mass = 0;
      for (let j = 0; j < k; j++) mass += y.data[i * k + j]!;
      for (let j = 0; j < k; j++) out[i * k + j] = (a.data[i * k + j]! * mass - y.data[i * k + j]!) / divisor;
    }
    return new Tensor(out, a.shape);
  }
}
