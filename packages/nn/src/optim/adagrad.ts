import type { FloatArray } from '@tapegrad/autograd';
import { Optimizer, stateBuffer, type ParamState, type Params } from './optimizer.js';
import type { HyperSpec } from './hyper.js';

/** The hyperparameters of {@link Adagrad}, per parameter group. */
export interface AdagradHyperparameters {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Learning-rate decay η: step t uses γ / (1 + (t − 1)η) (default 0). */
  lrDecay: number;
  /** L2 weight decay λ added to the gradient (default 0). */
  weightDecay: number;
  /** The starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** ε > 0 added to the root (default 1e-10). */
  eps: number;
}

/** Options of {@link Adagrad}: the defaults of every parameter group. */
export type AdagradOptions = Partial<AdagradHyperparameters>;

const SPEC: HyperSpec<AdagradHyperparameters> = {
  lr: { kind: 'number', range: 'lr', default: 1e-2 },
  lrDecay: { kind: 'number', range: 'nonNegative', default: 0 },
  weightDecay: { kind: 'number', range: 'nonNegative', default: 0 },
  initialAccumulatorValue: { kind: 'number', range: 'nonNegative', default: 0 },
  eps: { kind: 'number', range: 'positive', default: 1e-10 },
};

/**
 * Adagrad with PyTorch's update rule: γ̃ = γ / (1 + (t − 1)η); g ← g + λθ; s ← s + g² (s starts at
 * the initial accumulator value); θ ← θ − γ̃ g / (√s + ε).
 */
export class Adagrad extends Optimizer<AdagradHyperparameters> {
  /** @param params a module, its parameters, or parameter groups; @param options the defaults of every group. */
  constructor(params: Params<AdagradHyperparameters>, options?: AdagradOptions) {
    super('Adagrad', params, options, SPEC, ['sum']);
  }

  protected update(h: AdagradHyperparameters, state: ParamState, w: FloatArray, g: FloatArray): void {
    const n = w.length;
    const s = stateBuffer(state, 'sum', n, h.initialAccumulatorValue);
    const rate = h.lr / (1 + (state.step - 1) * h.lrDecay);
    const wd = h.weightDecay;
    for (let i = 0; i < n; i++) {
      const gi = g[i]! + wd * w[i]!;
      s[i] = s[i]! + gi * gi;
      w[i] = w[i]! - (rate * gi) / (Math.sqrt(s[i]!) + h.eps);
    }
  }
}
