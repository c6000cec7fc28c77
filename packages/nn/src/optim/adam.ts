import type { Tensor, FloatArray } from '@tapegrad/autograd';
import type { Module } from '../module.js';
import { Optimizer, positive, unitInterval } from './optimizer.js';
import { expectNonNegative } from '../util.js';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to √v̂ to avoid division by zero (default 1e-8). */
  eps?: number;
  /** L2 weight decay added to the gradient, as in the original Adam (default 0). */
  weightDecay?: number;
}

/** Adam (Kingma & Ba, 2015) with bias-corrected moment estimates. */
export class Adam extends Optimizer {
  /** Learning rate; may be changed between steps. */
  lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private readonly steps: number[];

  /** @param params a module or its parameters; @param options hyperparameters. */
  constructor(params: Module | Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, 'Adam');
    this.lr = positive('Adam', 'lr', options.lr ?? 1e-3);
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    this.beta1 = unitInterval('Adam', 'betas[0]', b1);
    this.beta2 = unitInterval('Adam', 'betas[1]', b2);
    this.eps = positive('Adam', 'eps', options.eps ?? 1e-8);
    this.weightDecay = expectNonNegative('Adam', 'weightDecay', options.weightDecay ?? 0);
    this.m = this.params.map((p) => new Float64Array(p.size));
    this.v = this.params.map((p) => new Float64Array(p.size));
    // Per parameter, because a parameter with no gradient in a step must not advance its bias correction.
    this.steps = this.params.map(() => 0);
  }

  protected update(index: number, w: FloatArray, g: FloatArray): void {
    const m = this.m[index]!;
    const v = this.v[index]!;
    const t = ++this.steps[index]!;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]! + wd * w[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      w[i] = w[i]! - (this.lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
  }
}
