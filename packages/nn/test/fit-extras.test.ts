/** fit with a learning-rate schedule, gradient clipping and early stopping on validation accuracy. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, tensor } from '@tapegrad/autograd';
import {
  clipGradNorm,
  clipGradValue,
  fit,
  mlp,
  ReduceLROnPlateau,
  resolveCost,
  SGD,
  StepLR,
  type MLP,
} from '@tapegrad/nn';

const rng = new Rng(21);
const x = tensor(Array.from({ length: 16 }, () => [rng.normal(), rng.normal()]));
const y = tensor(Array.from({ length: 16 }, (_, i) => [x.data[2 * i]! * x.data[2 * i + 1]! > 0 ? 1 : 0]));
const net = (): MLP => mlp([2, 4, 1], { rng: new Rng(22) });

describe('fit with a scheduler', () => {
  it('steps it once per epoch; each epoch trains at the rate onEpoch shows', () => {
    const model = net();
    const optimizer = new SGD(model, { lr: 1 });
    const seen: number[] = [];
    fit(model, x, y, {
      optimizer,
      rng: new Rng(1),
      epochs: 3,
      scheduler: new StepLR(optimizer, { stepSize: 1, gamma: 0.5 }),
      onEpoch: () => seen.push(optimizer.lr),
    });
    expect(seen).toEqual([1, 0.5, 0.25]);
    expect(optimizer.lr).toBe(0.125);
  });

  it('gives ReduceLROnPlateau the validation loss every epoch', () => {
    const model = net();
    const optimizer = new SGD(model, { lr: 1 });
    const plateau = new ReduceLROnPlateau(optimizer, { patience: 100 });
    const history = fit(model, x, y, {
      optimizer,
      rng: new Rng(1),
      epochs: 4,
      validation: { x, y },
      scheduler: plateau,
    });
    expect(plateau.lastEpoch).toBe(4);
    expect(plateau.best).toBe(Math.min(...history.valLoss));
  });
});

describe('fit with gradient clipping', () => {
  /** One full-batch epoch by hand: tape gradients, the clip, then the SGD step. */
  function byHand(clip: (m: MLP) => void): Float64Array[] {
    const model = net();
    const optimizer = new SGD(model, { lr: 0.5 });
    optimizer.zeroGrad();
    resolveCost('quadratic').forward(model.forward(x), y).backward();
    clip(model);
    optimizer.step();
    return model.parameters().map((p) => p.data as Float64Array);
  }

  function viaFit(extra: { clipGradNorm?: number; clipGradValue?: number }): Float64Array[] {
    const model = net();
    // One batch of all 16 rows, so the shuffle does not matter.
    fit(model, x, y, { optimizer: new SGD(model, { lr: 0.5 }), rng: new Rng(1), epochs: 1, batchSize: 16, ...extra });
    return model.parameters().map((p) => p.data as Float64Array);
  }

  it('clipGradNorm scales each step’s gradients exactly as clipGradNorm on .grad does', () => {
    const a = viaFit({ clipGradNorm: 0.01 });
    const b = byHand((m) => clipGradNorm(m, 0.01));
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
    const unclipped = viaFit({});
    expect(Array.from(unclipped[0]!)).not.toEqual(Array.from(a[0]!));
  });

  it('clipGradValue clamps each step’s gradients exactly as clipGradValue on .grad does', () => {
    const a = viaFit({ clipGradValue: 0.001 });
    const b = byHand((m) => clipGradValue(m, 0.001));
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
  });
});

describe('fit with early stopping (Nielsen chapter 3: no improvement in n epochs)', () => {
  it('stops once validation accuracy has not improved for patience epochs', () => {
    const model = net();
    // A rate so small the accuracy cannot change: epoch 0 stays the best.
    const history = fit(model, x, y, {
      optimizer: new SGD(model, { lr: 1e-12 }),
      rng: new Rng(1),
      epochs: 10,
      validation: { x, y },
      earlyStopping: { patience: 2 },
    });
    expect(history.valAccuracy).toHaveLength(3);
    expect(history.stoppedEarly).toBe(true);
  });

  it('runs every epoch while accuracy keeps improving or without early stopping', () => {
    const model = net();
    const history = fit(model, x, y, { optimizer: new SGD(model, { lr: 1e-12 }), rng: new Rng(1), epochs: 3 });
    expect(history.loss).toHaveLength(3);
    expect(history.stoppedEarly).toBe(false);
  });

  it('refuses bad extras before the first step', () => {
    const model = net();
    const optimizer = new SGD(model, { lr: 1 });
    const before = Array.from(model.parameters()[0]!.data);
    const base = { optimizer, rng: new Rng(1), epochs: 1 };
    expect(() => fit(model, x, y, { ...base, earlyStopping: { patience: 2 } })).toThrow(
      /earlyStopping watches validation accuracy; pass validation/,
    );
    expect(() => fit(model, x, y, { ...base, validation: { x, y }, earlyStopping: { patience: 0 } })).toThrow(
      /patience must be a positive integer/,
    );
    expect(() => fit(model, x, y, { ...base, scheduler: {} as never })).toThrow(/scheduler must be an LR scheduler/);
    expect(() => fit(model, x, y, { ...base, clipGradNorm: -1 })).toThrow(/maxNorm must be a finite number > 0/);
    expect(() => fit(model, x, y, { ...base, clipGradValue: 0 })).toThrow(ArgumentError);
    expect(Array.from(model.parameters()[0]!.data)).toEqual(before);
  });
});
