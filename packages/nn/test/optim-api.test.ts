/** Optimiser arguments: parameter groups, the shared lr, and named errors for everything else. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, tensor, zeros } from '@tapegrad/autograd';
import { Adagrad, Adam, AdamW, fit, mlp, Parameter, regularizedWeights, RMSprop, SGD, type MLP } from '@tapegrad/nn';

const param = (v: number[] = [1, 2]) => new Parameter(tensor(v));

describe('parameter groups', () => {
  it('give each group its own options over the shared defaults', () => {
    const a = param();
    const b = param();
    const opt = new SGD(
      [
        { params: [a], weightDecay: 0.5 },
        { params: [b], lr: 1 },
      ],
      { lr: 0.1, momentum: 0.5 },
    );
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.weightDecay])).toEqual([
      [0.1, 0.5, 0.5],
      [1, 0.5, 0],
    ]);
    opt.step([tensor([0, 0]), tensor([1, 1])]);
    // a: g = 0 + 0.5·[1, 2], step 0.1·g; b: step 1·[1, 1]
    expect(Array.from(a.data)).toEqual([1 - 0.1 * 0.5, 2 - 0.1 * 1]);
    expect(Array.from(b.data)).toEqual([0, 1]);
  });

  it('express Nielsen’s L2 (weights only, λ/n) as SGD weight decay on a weights group', () => {
    const rng = new Rng(3);
    const x = tensor(Array.from({ length: 12 }, () => [rng.normal(), rng.normal()]));
    const y = tensor(Array.from({ length: 12 }, (_, i) => [x.data[2 * i]! > 0 ? 1 : 0]));
    const lambda = 0.8;
    const n = 12;
    const viaCost = mlp([2, 3, 1], { rng: new Rng(4) });
    fit(viaCost, x, y, { optimizer: new SGD(viaCost, { lr: 0.5 }), rng: new Rng(5), epochs: 3, batchSize: 4, lambda });
    const viaOptimizer: MLP = mlp([2, 3, 1], { rng: new Rng(4) });
    const weights = regularizedWeights(viaOptimizer);
    const others = viaOptimizer.parameters().filter((p) => !weights.includes(p));
    const optimizer = new SGD(
      [
        { params: weights, weightDecay: lambda / n },
        { params: others, weightDecay: 0 },
      ],
      { lr: 0.5 },
    );
    fit(viaOptimizer, x, y, { optimizer, rng: new Rng(5), epochs: 3, batchSize: 4 });
    const a = viaCost.parameters();
    viaOptimizer.parameters().forEach((p, i) => p.data.forEach((v, k) => expect(v).toBeCloseTo(a[i]!.data[k]!, 13)));
  });

  it('refuse a parameter in two groups, an empty group, and a mix of tensors and groups', () => {
    const a = param();
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/appears more than once/);
    expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/group 0: the group has no parameters/);
    expect(() => new SGD([a, { params: [param()] }] as never, { lr: 0.1 })).toThrow(/mixes Tensors/);
    expect(() => new Adam([{ params: [a], weight_decay: 0.1 } as never])).toThrow(
      /Adam parameter group 0: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/,
    );
  });
});

describe('optimizer.lr', () => {
  it('reads and sets the rate of every group, and refuses to read rates that differ', () => {
    const opt = new Adam([{ params: [param()] }, { params: [param()] }], { lr: 0.01 });
    expect(opt.lr).toBe(0.01);
    opt.lr = 0.5;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.5]);
    opt.paramGroups[1]!.lr = 0.1;
    expect(() => opt.lr).toThrow(/different learning rates \(0.5, 0.1\); read paramGroups\[i\].lr/);
    expect(() => {
      opt.lr = -1;
    }).toThrow(ArgumentError);
  });

  it('re-checks edited hyperparameters at the next step, before anything moves', () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0]!.momentum = 2;
    expect(() => opt.step([tensor([1, 1])])).toThrow(/SGD.step: momentum must be a number in \[0, 1\), got 2/);
    expect(Array.from(p.data)).toEqual([1, 2]);
    expect(opt.stepCount).toBe(0);
  });
});

describe('named errors for bad arguments (each names the optimiser and the fix)', () => {
  const p = () => [param()];
  it('misspelled and unknown option keys, with did-you-mean', () => {
    expect(() => new SGD(p(), { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(
      /SGD: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/,
    );
    expect(() => new Adam(p(), { learning_rate: 0.1 } as never)).toThrow(/did you mean 'lr'/);
    expect(() => new RMSprop(p(), { centred: true } as never)).toThrow(/did you mean 'centered'/);
    expect(() => new Adagrad(p(), { lr_decay: 0.1 } as never)).toThrow(/did you mean 'lrDecay'/);
  });

  it('junk in place of params, options, betas and step gradients', () => {
    expect(() => new SGD(42 as never, { lr: 0.1 })).toThrow(/SGD: params must be a Module, an iterable of Tensors/);
    expect(() => new SGD(42 as never, { lr: 0.1 })).toThrow(ArgumentError);
    expect(() => new Adam(p(), null as never)).toThrow(/Adam: options must be an object/);
    expect(() => new Adam(p(), { betas: 5 as never })).toThrow(
      /Adam: betas must be a pair \[a, b\] of numbers, each a number in \[0, 1\), got 5/,
    );
    expect(() => new SGD(p(), undefined)).toThrow(/SGD: lr is required, e.g. \{lr: 0.1\}/);
    const opt = new Adam(p());
    expect(() => opt.step(null as never)).toThrow(/Adam.step: grads must be an array/);
    expect(() => opt.step([tensor([1, 2, 3])])).toThrow(ShapeError);
    expect(() => new SGD(p(), { lr: 0.1, nesterov: 'yes' as never })).toThrow(/nesterov must be true or false/);
  });

  it('bad hyperparameters: lr ≤ 0, betas outside [0, 1), eps ≤ 0, negative decay', () => {
    for (const lr of [0, -1, NaN, Infinity])
      expect(() => new AdamW(p(), { lr })).toThrow(/AdamW: lr must be a finite number > 0/);
    expect(() => new Adam(p(), { betas: [0.9, 1] })).toThrow(/betas/);
    expect(() => new Adam(p(), { betas: [-0.1, 0.9] })).toThrow(/betas/);
    expect(() => new Adam(p(), { eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => new RMSprop(p(), { alpha: 1 })).toThrow(/alpha must be a number in \[0, 1\)/);
    expect(() => new SGD(p(), { lr: 0.1, weightDecay: -1 })).toThrow(/weightDecay must be a finite number ≥ 0/);
    expect(() => new SGD(p(), { lr: 0.1, dampening: 2 })).toThrow(/dampening must be a number in \[0, 1\]/);
    expect(() => new Adagrad(p(), { initialAccumulatorValue: -1 })).toThrow(ArgumentError);
    expect(() => new SGD([zeros([2])], { lr: 0.1 })).toThrow(/does not require grad/);
  });
});
