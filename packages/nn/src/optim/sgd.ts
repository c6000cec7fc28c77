import type { FloatArray } from '@tapegrad/autograd';
import { ArgumentError } from '@tapegrad/autograd';
import { Optimizer, stateBuffer, type ParamState, type Params } from './optimizer.js';
import type { HyperSpec } from './hyper.js';

/** The hyperparameters of {@link SGD}, per parameter group. */
export interface SGDHyperparameters {
  /** Learning rate γ (η in Nielsen's book; required). */
  lr: number;
  /** Momentum μ in [0, 1) (default 0: plain gradient descent, as in Nielsen's chapter 1). */
  momentum: number;
  /** Dampening τ in [0, 1] of the gradient added to the momentum buffer after the first step (default 0). */
  dampening: number;
  /**
   * L2 weight decay λ: adds λθ to the gradient (default 0). Give it to a group holding only the
   * weights for Nielsen's chapter-3 L2 regularisation, with λ_here = λ / n.
   */
  weightDecay: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening 0. */
  nesterov: boolean;
}

/** Options of {@link SGD}: the defaults of every parameter group (`lr` here or in every group). */
export type SGDOptions = Partial<SGDHyperparameters>;

const SPEC: HyperSpec<SGDHyperparameters> = {
  lr: { kind: 'number', range: 'lr', example: '0.1' },
  momentum: { kind: 'number', range: 'unit', default: 0 },
  dampening: { kind: 'number', range: 'closedUnit', default: 0 },
  weightDecay: { kind: 'number', range: 'nonNegative', default: 0 },
  nesterov: { kind: 'boolean', default: false },
};

/**
 * Stochastic gradient descent with PyTorch's update rule. Per step t, with g the gradient:
 * g ← g + λθ; with momentum μ, b ← g on the first step and b ← μb + (1 − τ)g afterwards, then
 * g ← g + μb (Nesterov) or g ← b; finally θ ← θ − γg. With μ = 0 this is Nielsen's
 * w → w − η ∂C/∂w.
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  /** @param params a module, its parameters, or parameter groups; @param options `lr` and the defaults of every group. */
  constructor(params: Params<SGDHyperparameters>, options?: SGDOptions) {
    super('SGD', params, options, SPEC, ['momentumBuffer']);
  }

  protected override checkGroup(where: string, h: SGDHyperparameters): void {
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ArgumentError(
        `${where}: nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}; e.g. {momentum: 0.9, nesterov: true}.`,
      );
    }
  }

  protected update(h: SGDHyperparameters, state: ParamState, w: FloatArray, g: FloatArray): void {
    const { lr, momentum: mu, dampening: tau, weightDecay: wd, nesterov } = h;
    const n = w.length;
    if (mu === 0) {
      for (let i = 0; i < n; i++) w[i] = w[i]! - lr * (g[i]! + wd * w[i]!);
      return;
    }
    const first = !state.buffers.has('momentumBuffer');
    const b = stateBuffer(state, 'momentumBuffer', n);
    for (let i = 0; i < n; i++) {
      const gi = g[i]! + wd * w[i]!;
      // The first step starts the buffer at the gradient itself, undamped.
      b[i] = first ? gi : mu * b[i]! + (1 - tau) * gi;
      w[i] = w[i]! - lr * (nesterov ? gi + mu * b[i]! : b[i]!);
    }
  }
}
