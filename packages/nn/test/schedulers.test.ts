/** Learning-rate schedules against values worked out by hand from PyTorch's documented formulas. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor } from '@tapegrad/autograd';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  Parameter,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type LRScheduler,
} from '@tapegrad/nn';

const sgd = (lr: number) => new SGD([new Parameter(tensor([1]))], { lr });

/** The rate at epochs 0..n (the first after construction, then one per step()). */
function rates(s: LRScheduler, n: number): number[] {
  const out = [s.optimizer.lr];
  for (let e = 1; e <= n; e++) {
    s.step();
    out.push(s.optimizer.lr);
  }
  return out;
}

function expectRates(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `epoch ${i}`).toBeCloseTo(expected[i]!, 15));
}

describe('epoch schedules', () => {
  it('StepLR: γ₀ · gamma^⌊epoch / stepSize⌋', () => {
    expectRates(rates(new StepLR(sgd(1), { stepSize: 2, gamma: 0.5 }), 5), [1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('MultiStepLR: one factor of gamma per milestone reached', () => {
    expectRates(rates(new MultiStepLR(sgd(1), { milestones: [2, 5] }), 6), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('ExponentialLR: γ₀ · gamma^epoch', () => {
    expectRates(rates(new ExponentialLR(sgd(2), { gamma: 0.5 }), 3), [2, 1, 0.5, 0.25]);
  });

  it('CosineAnnealingLR: η_min + (γ₀ − η_min)(1 + cos(π e / tMax)) / 2, reaching η_min at tMax', () => {
    const h = Math.SQRT1_2; // cos(π/4)
    expectRates(rates(new CosineAnnealingLR(sgd(1), { tMax: 4, etaMin: 0.1 }), 5), [
      1,
      0.1 + 0.45 * (1 + h),
      0.55,
      0.1 + 0.45 * (1 - h),
      0.1,
      0.1 + 0.45 * (1 - h),
    ]);
    // Annealing to exactly 0 is allowed; the optimiser still steps (by nothing).
    const s = new CosineAnnealingLR(sgd(1), { tMax: 1 });
    s.step();
    expect(s.optimizer.lr).toBe(0);
    s.optimizer.step([tensor([1])]);
  });

  it('LinearLR warm-up: γ₀ · (start + (end − start) · min(e, T) / T)', () => {
    expectRates(rates(new LinearLR(sgd(0.4), { startFactor: 0.25, totalIters: 3 }), 4), [0.1, 0.2, 0.3, 0.4, 0.4]);
  });

  it('scales every group from its own initial rate, and shows it through optimizer.lr and getLastLr', () => {
    const opt = new SGD(
      [{ params: [new Parameter(tensor([1]))] }, { params: [new Parameter(tensor([1]))], lr: 0.01 }],
      { lr: 1 },
    );
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    s.step();
    expect(s.getLastLr()).toEqual([0.5, 0.005]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.005]);
  });

  it('refuse bad options with named errors', () => {
    expect(() => new StepLR(sgd(1), { stepSize: 0 })).toThrow(/StepLR: stepSize must be a positive integer/);
    expect(() => new StepLR(sgd(1), { step_size: 2 } as never)).toThrow(/did you mean 'stepSize'/);
    expect(() => new MultiStepLR(sgd(1), { milestones: [5, 2] })).toThrow(/increasing positive integers/);
    expect(() => new ExponentialLR(sgd(1), { gamma: -1 })).toThrow(/gamma must be a finite number > 0/);
    expect(() => new CosineAnnealingLR(sgd(1), { tMax: 4, eta_min: 0 } as never)).toThrow(/did you mean 'etaMin'/);
    expect(() => new LinearLR(sgd(1), { startFactor: 0 })).toThrow(/startFactor must be in \(0, 1\]/);
    expect(() => new StepLR({} as never, { stepSize: 1 })).toThrow(/StepLR: the first argument must be an optimiser/);
    const stepper = new StepLR(sgd(1), { stepSize: 1 });
    expect(() => Reflect.apply(stepper.step, stepper, [3])).toThrow(/takes no arguments/);
  });
});

describe('ReduceLROnPlateau', () => {
  it('cuts by factor after more than patience epochs without a relative improvement', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, threshold: 0.1 });
    const seen = [1, 0.95, 0.95, 0.5, 0.6, 0.6, 0.6].map((m) => {
      s.step(m);
      return opt.lr;
    });
    // 0.95 is not below 1 · (1 − 0.1), so epochs 2 and 3 are bad; the cut comes after the second.
    expect(seen).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('in max mode with an absolute threshold, cooldown and a floor', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, {
      mode: 'max',
      patience: 0,
      factor: 0.5,
      threshold: 0.05,
      thresholdMode: 'abs',
      cooldown: 1,
      minLr: 0.3,
    });
    const seen = [0.5, 0.52, 0.52, 0.52, 0.6, 0.6].map((m) => {
      s.step(m);
      return opt.lr;
    });
    // 0.52 < 0.5 + 0.05: bad → cut to 0.5; cooldown swallows the next bad epoch; then the floor 0.3.
    expect(seen).toEqual([1, 0.5, 0.5, 0.3, 0.3, 0.3]);
  });

  it('refuses a NaN metric and bad options', () => {
    const s = new ReduceLROnPlateau(sgd(1));
    expect(() => s.step(NaN)).toThrow(/ReduceLROnPlateau.step: metric must be a finite number/);
    expect(() => new ReduceLROnPlateau(sgd(1), { factor: 1 })).toThrow(/factor must be in \(0, 1\)/);
    expect(() => new ReduceLROnPlateau(sgd(1), { mode: 'minimum' as never })).toThrow(ArgumentError);
    expect(() => new ReduceLROnPlateau(sgd(1), { minLr: [0, 0] })).toThrow(/one number per parameter group \(1\)/);
  });
});
