import type { Tensor, FloatArray } from '@tapegrad/autograd';
import type { Module } from '../module.js';
import { Optimizer, positive, unitInterval } from './optimizer.js';
import { expectNonNegative } from '../util.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate η (required). */
  lr: number;
  /** Momentum μ in [0, 1) (default 0, plain gradient descent as in the seeds). */
  momentum?: number;
  /** Weight decay: adds `weightDecay · w` to every gradient, biases included (default 0). For the seeds' weights-only L2, use the `lambda` of the training loop instead. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent: w ← w − η v with v ← μ v + (g + wd · w)
 * (v = g + wd · w when μ = 0).
 */
export class SGD extends Optimizer {
  /** Learning rate η; may be changed between steps (schedules). */
  lr: number;
  /** Momentum μ. */
  readonly momentum: number;
  /** Weight decay. */
  readonly weightDecay: number;
  private readonly velocity: (Float64Array | null)[];

  /** @param params a module or its parameters; @param options learning rate and extras. */
  constructor(params: Module | Iterable<Tensor>, options: SGDOptions) {
    super(params, 'SGD');
    this.lr = positive('SGD', 'lr', options?.lr);
    this.momentum = unitInterval('SGD', 'momentum', options.momentum ?? 0);
    this.weightDecay = expectNonNegative('SGD', 'weightDecay', options.weightDecay ?? 0);
    this.velocity = this.params.map(() => null);
  }

  protected update(index: number, w: FloatArray, g: FloatArray): void {
    const { lr, momentum: mu, weightDecay: wd } = this;
    if (mu === 0) {
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * (g[i]! + wd * w[i]!);
      return;
    }
    let v = this.velocity[index];
    if (v == null) {
      // The first step starts the velocity at the gradient itself, as PyTorch does.
      v = new Float64Array(w.length);
      for (let i = 0; i < w.length; i++) v[i] = g[i]! + wd * w[i]!;
      this.velocity[index] = v;
    } else {
      for (let i = 0; i < w.length; i++) v[i] = mu * v[i]! + g[i]! + wd * w[i]!;
    }
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * v[i]!;
  }
}
