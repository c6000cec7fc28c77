import type { FloatArray } from '@tapegrad/autograd';
import { Optimizer, stateBuffer, type ParamState, type Params } from './optimizer.js';
import type { HyperSpec } from './hyper.js';

/** The hyperparameters of {@link Adam} and {@link AdamW}, per parameter group. */
export interface AdamHyperparameters {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment estimates, each in [0, 1) (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** ε > 0 added to √v̂ (default 1e-8). */
  eps: number;
  /**
   * Weight decay λ (default 0 for Adam, 1e-2 for AdamW). Adam adds λθ to the gradient (coupled
   * L2, so it passes through the moment estimates); AdamW shrinks θ by γλθ directly (decoupled).
   */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad: boolean;
}

/** Options of {@link Adam} and {@link AdamW}: the defaults of every parameter group. */
export type AdamOptions = Partial<AdamHyperparameters>;

function spec(weightDecay: number): HyperSpec<AdamHyperparameters> {
  return {
    lr: { kind: 'number', range: 'lr', default: 1e-3 },
    betas: { kind: 'pair', range: 'unit', default: [0.9, 0.999] },
    eps: { kind: 'number', range: 'positive', default: 1e-8 },
    weightDecay: { kind: 'number', range: 'nonNegative', default: weightDecay },
    amsgrad: { kind: 'boolean', default: false },
  };
}

const BUFFERS = ['expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

/**
 * One Adam step on one parameter, as in PyTorch's pseudo-code: m ← β1 m + (1 − β1)g,
 * v ← β2 v + (1 − β2)g², m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ) (with AMSGrad, v̂ uses
 * v_max ← max(v_max, v) instead of v), θ ← θ − γ m̂ / (√v̂ + ε). The weight decay is either
 * added to g first (coupled) or applied as θ ← θ − γλθ before the update (decoupled).
 */
function adamUpdate(h: AdamHyperparameters, state: ParamState, w: FloatArray, g: FloatArray, decoupled: boolean): void {
  const n = w.length;
  const m = stateBuffer(state, 'expAvg', n);
  const v = stateBuffer(state, 'expAvgSq', n);
  const vMax = h.amsgrad ? stateBuffer(state, 'maxExpAvgSq', n) : null;
  const { lr, eps, weightDecay: wd } = h;
  const [b1, b2] = h.betas;
  const t = state.step;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  const shrink = decoupled ? 1 - lr * wd : 1;
  const coupled = decoupled ? 0 : wd;
  for (let i = 0; i < n; i++) {
    const gi = g[i]! + coupled * w[i]!;
    const wi = w[i]! * shrink;
    m[i] = b1 * m[i]! + (1 - b1) * gi;
    v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
    let second = v[i]!;
    if (vMax !== null) second = vMax[i] = Math.max(vMax[i]!, second);
    w[i] = wi - (lr * (m[i]! / c1)) / (Math.sqrt(second / c2) + eps);
  }
}

/** Adam (Kingma & Ba) with bias-corrected moments, coupled L2 weight decay and optional AMSGrad, as in PyTorch. */
export class Adam extends Optimizer<AdamHyperparameters> {
  /** @param params a module, its parameters, or parameter groups; @param options the defaults of every group. */
  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions) {
    super('Adam', params, options, spec(0), BUFFERS);
  }

  protected update(h: AdamHyperparameters, state: ParamState, w: FloatArray, g: FloatArray): void {
    adamUpdate(h, state, w, g, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay θ ← θ − γλθ, which does not pass
 * through the moment estimates (default λ = 1e-2, as in PyTorch).
 */
export class AdamW extends Optimizer<AdamHyperparameters> {
  /** @param params a module, its parameters, or parameter groups; @param options the defaults of every group. */
  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions) {
    super('AdamW', params, options, spec(1e-2), BUFFERS);
  }

  protected update(h: AdamHyperparameters, state: ParamState, w: FloatArray, g: FloatArray): void {
    adamUpdate(h, state, w, g, true);
  }
}
