/**
 * Optimisers against trajectories worked out from PyTorch's documented update rules, on
 * f(θ) = ½(θ₀² + 4θ₁²) from θ = [1, −2], so g = [θ₀, 4θ₁]. The expected values were computed
 * from those formulas in 50-digit decimal arithmetic (first steps by hand in the comments).
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, tensor } from '@tapegrad/autograd';
import { Adagrad, Adam, AdamW, Optimizer, Parameter, RMSprop, SGD } from '@tapegrad/nn';

function quadraticGrad(w: Tensor): Tensor {
  return tensor([w.data[0]!, 4 * w.data[1]!]);
}

/** Runs `steps` steps of `make([θ])` on the quadratic and returns each iterate. */
function trajectory(make: (params: Tensor[]) => Optimizer<never> | Optimizer, steps: number): number[][] {
  const w = new Parameter(tensor([1, -2]));
  const opt = make([w]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.step([quadraticGrad(w)]);
    out.push(Array.from(w.data));
  }
  return out;
}

function expectTrajectory(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, t) =>
    row.forEach((v, i) => {
      const want = expected[t]![i]!;
      // float64 against exact decimal arithmetic: a few roundings per step.
      expect(Math.abs(v - want), `step ${t + 1}, θ${i}: ${v} vs ${want}`).toBeLessThanOrEqual(
        4e-15 * Math.max(1, Math.abs(want)),
      );
    }),
  );
}

describe('SGD, as PyTorch documents it', () => {
  it('plain: θ ← θ − γg (Nielsen’s w → w − η ∂C/∂w)', () => {
    // θ1 = [1 − 0.1·1, −2 − 0.1·(−8)] = [0.9, −1.2]
    expectTrajectory(
      trajectory((p) => new SGD(p, { lr: 0.1 }), 3),
      [
        [0.9, -1.2],
        [0.81, -0.72],
        [0.729, -0.432],
      ],
    );
  });

  it('momentum with dampening and weight decay: b₁ = g₁, then b ← μb + (1 − τ)g', () => {
    // g1 = [1 + 0.01, −8 − 0.02] = [1.01, −8.02]; b1 = g1; θ1 = θ0 − 0.1 b1 = [0.899, −1.198]
    expectTrajectory(
      trajectory((p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.01 }), 3),
      [
        [0.899, -1.198],
        [0.7627005, -0.236001],
        [0.60151457475, 0.6771163005],
      ],
    );
  });

  it('Nesterov: g ← g + μb', () => {
    // g1 = [1.01, −8.02]; b1 = g1; step = g1 + 0.9 b1 = 1.9 g1; θ1 = [1 − 0.1919, −2 + 1.5238]
    expectTrajectory(
      trajectory((p) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true }), 3),
      [
        [0.8081, -0.4762],
        [0.57121561, 0.53623678],
        [0.321859673441, 0.867010499318],
      ],
    );
  });

  it('refuses Nesterov without momentum or with dampening, as PyTorch does', () => {
    const p = [new Parameter(tensor([1]))];
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(/nesterov needs momentum > 0 and dampening 0/);
    expect(() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(ArgumentError);
  });
});

describe('Adam and AdamW', () => {
  it('Adam with coupled L2: m̂ / (√v̂ + ε) from bias-corrected moments', () => {
    // g1 = [1 + 0.1, −8 − 0.2]; m̂1 = g1, v̂1 = g1², so θ1 = θ0 − 0.1·g1/(|g1| + 1e-8) ≈ θ0 − 0.1·sign(g1)
    expectTrajectory(
      trajectory((p) => new Adam(p, { lr: 0.1, betas: [0.8, 0.9], weightDecay: 0.1 }), 3),
      [
        [0.90000000090909094, -1.9000000001219512],
        [0.80044681625957781, -1.8001829555758799],
        [0.70171922813897891, -1.7006834046739965],
      ],
    );
  });

  it('AMSGrad divides by the running maximum of v, which differs once v falls', () => {
    const plain = trajectory((p) => new Adam(p, { lr: 0.1, betas: [0.5, 0.5] }), 4);
    const ams = trajectory((p) => new Adam(p, { lr: 0.1, betas: [0.5, 0.5], amsgrad: true }), 4);
    expectTrajectory(ams, [
      [0.90000000099999999, -1.9000000001249999],
      [0.80012730956508038, -1.8000297135217864],
      [0.70105017447823714, -1.7001065186233779],
      [0.60845993833705592, -1.6013411086012102],
    ]);
    expectTrajectory(plain, [
      [0.90000000099999999, -1.9000000001249999],
      [0.80012730956508038, -1.8000297135217864],
      [0.7004858574953009, -1.7001065186233779],
      [0.60119553395697711, -1.600243193176635],
    ]);
  });

  it('AdamW decays θ by γλθ before the step, outside the moments', () => {
    // θ ← θ(1 − 0.1·0.1) = [0.99, −1.98], then − 0.1·sign(g) with g = [1, −8] from the old θ
    expectTrajectory(
      trajectory((p) => new AdamW(p, { lr: 0.1, betas: [0.8, 0.9], weightDecay: 0.1 }), 3),
      [
        [0.89000000099999999, -1.8800000001249999],
        [0.7816103327459285, -1.7614288884502423],
        [0.67524968520007278, -1.644441393483365],
      ],
    );
    expectTrajectory(
      trajectory((p) => new AdamW(p, { lr: 0.1, betas: [0.5, 0.5], weightDecay: 0.1, amsgrad: true }), 4),
      [
        [0.89000000099999999, -1.8800000001249999],
        [0.78125620072387159, -1.7612433747949374],
        [0.6752700556134642, -1.6437434697402578],
        [0.57771108947414918, -1.5295056773472853],
      ],
    );
  });

  it('AdamW defaults to weightDecay 1e-2, Adam to 0', () => {
    const p = () => [new Parameter(tensor([1]))];
    expect(new AdamW(p()).paramGroups[0]!.weightDecay).toBe(1e-2);
    expect(new Adam(p()).paramGroups[0]!.weightDecay).toBe(0);
  });
});

describe('RMSprop and Adagrad', () => {
  it('RMSprop: θ ← θ − γ g / (√v + ε), v ← αv + (1 − α)g²', () => {
    // v1 = 0.1·g², so θ1 = θ0 − 0.01·g/(√0.1·|g|) = θ0 − 0.01/√0.1 · sign(g) = [0.968377…, −1.968377…]
    expectTrajectory(
      trajectory((p) => new RMSprop(p, { lr: 0.01, alpha: 0.9 }), 3),
      [
        [0.96837722439831619, -1.9683772235233161],
        [0.94578802624585678, -1.9456096368619424],
        [0.92705309965850113, -1.9266336821326007],
      ],
    );
  });

  it('RMSprop centered, with momentum and weight decay', () => {
    expectTrajectory(
      trajectory((p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, weightDecay: 0.1, momentum: 0.5, centered: true }), 3),
      [
        [0.96666666767676768, -1.966666666802168],
        [0.92492347796825203, -1.9247134861038127],
        [0.88241836727359602, -1.881660230999836],
      ],
    );
  });

  it('Adagrad: γ̃ = γ / (1 + (t − 1)η), s starts at the initial accumulator value', () => {
    expectTrajectory(
      trajectory((p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.1 }), 3),
      [
        [0.90389255377568278, -1.9000742776613218],
        [0.8601718764343107, -1.8541746393905281],
        [0.83369972083673971, -1.826290510192897],
      ],
    );
  });
});
