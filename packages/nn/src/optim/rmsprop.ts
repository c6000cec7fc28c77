import type { FloatArray } from '@tapegrad/autograd';
import { Optimizer, stateBuffer, type ParamState, type Params } from './optimizer.js';
import type { HyperSpec } from './hyper.js';

/** The hyperparameters of {@link RMSprop}, per parameter group. */
export interface RMSpropHyperparameters {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α in [0, 1) of the squared-gradient average (default 0.99). */
  alpha: number;
  /** ε > 0 added to the root (default 1e-8). */
  eps: number;
  /** L2 weight decay λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum μ in [0, 1) (default 0). */
  momentum: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
}

/** Options of {@link RMSprop}: the defaults of every parameter group. */
export type RMSpropOptions = Partial<RMSpropHyperparameters>;

const SPEC: HyperSpec<RMSpropHyperparameters> = {
  lr: { kind: 'number', range: 'lr', default: 1e-2 },
  alpha: { kind: 'number', range: 'unit', default: 0.99 },
  eps: { kind: 'number', range: 'positive', default: 1e-8 },
  weightDecay: { kind: 'number', range: 'nonNegative', default: 0 },
  momentum: { kind: 'number', range: 'unit', default: 0 },
  centered: { kind: 'boolean', default: false },
};

/**
 * RMSprop with PyTorch's update rule: g ← g + λθ; v ← αv + (1 − α)g²; ṽ = v, or
 * ṽ = v − ḡ² with ḡ ← αḡ + (1 − α)g when centered; then with momentum b ← μb + g / (√ṽ + ε),
 * θ ← θ − γb, else θ ← θ − γ g / (√ṽ + ε).
 */
export class RMSprop extends Optimizer<RMSpropHyperparameters> {
  /** @param params a module, its parameters, or parameter groups; @param options the defaults of every group. */
  constructor(params: Params<RMSpropHyperparameters>, options?: RMSpropOptions) {
    super('RMSprop', params, options, SPEC, ['squareAvg', 'gradAvg', 'momentumBuffer']);
  }

  protected update(h: RMSpropHyperparameters, state: ParamState, w: FloatArray, g: FloatArray): void {
    const n = w.length;
    const { lr, alpha, eps, weightDecay: wd, momentum: mu } = h;
    const v = stateBuffer(state, 'squareAvg', n);
    const gAvg = h.centered ? stateBuffer(state, 'gradAvg', n) : null;
    const b = mu > 0 ? stateBuffer(state, 'momentumBuffer', n) : null;
    for (let i = 0; i < n; i++) {
      const gi = g[i]! + wd * w[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
      let vTilde = v[i]!;
      if (gAvg !== null) {
        gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * gi;
        vTilde -= gAvg[i]! * gAvg[i]!;
      }
      const scaled = gi / (Math.sqrt(vTilde) + eps);
      if (b !== null) {
        b[i] = mu * b[i]! + scaled;
        w[i] = w[i]! - lr * b[i]!;
      } else w[i] = w[i]! - lr * scaled;
    }
  }
}
