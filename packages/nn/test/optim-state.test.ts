/** Optimiser and scheduler state: round trips through JSON and safetensors, refusals, and resuming in a new process. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor, tensor } from '@tapegrad/autograd';
import {
  Adagrad,
  Adam,
  AdamW,
  MultiStepLR,
  Parameter,
  ReduceLROnPlateau,
  RMSprop,
  SGD,
  StateDictError,
  StepLR,
  stateDictFromJSON,
  stateDictFromSafetensors,
  stateDictToJSON,
  stateDictToSafetensors,
  type Optimizer,
} from '@tapegrad/nn';
import { runScript } from './support/child.js';

type Make = (params: Tensor[]) => Optimizer;
const KINDS: [string, Make][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (p) => new Adam(p, { lr: 0.1, amsgrad: true, weightDecay: 0.1 })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
  ['RMSprop', (p) => new RMSprop(p, { centered: true, momentum: 0.5 })],
  ['Adagrad', (p) => new Adagrad(p, { lrDecay: 0.1, initialAccumulatorValue: 0.1 })],
];

const params = () => [new Parameter(tensor([1, -2])), new Parameter(tensor([[0.5], [3]]))];
const gradsAt = (ps: Tensor[]) =>
  ps.map(
    (p) =>
      new Tensor(
        p.data.map((v, i) => v * (i + 1) - 0.3),
        p.shape,
      ),
  );

describe('optimiser stateDict / loadStateDict', () => {
  it.each(KINDS)('%s resumes bit-identically through JSON and safetensors', (_, make) => {
    const a = params();
    const optA = make(a);
    for (let t = 0; t < 3; t++) optA.step(gradsAt(a));
    for (const encode of ['json', 'safetensors'] as const) {
      const saved = optA.stateDict();
      const restored =
        encode === 'json'
          ? stateDictFromJSON(stateDictToJSON(saved))
          : stateDictFromSafetensors(stateDictToSafetensors(saved)).tensors;
      const b = a.map((p) => new Parameter(p));
      const optB = make(b);
      optB.loadStateDict(restored);
      expect(optB.stepCount).toBe(optA.stepCount);
      // The uninterrupted optimiser and the restored one take the same two steps.
      for (let t = 0; t < 2; t++) {
        optA.step(gradsAt(a));
        optB.step(gradsAt(b));
      }
      b.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(a[i]!.data)));
    }
  });

  it('restores each group’s hyperparameters, including a scheduled lr', () => {
    const opt = new SGD([{ params: [new Parameter(tensor([1]))] }, { params: [new Parameter(tensor([2]))], lr: 0.5 }], {
      lr: 0.1,
    });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    sched.step();
    const other = new SGD(
      [{ params: [new Parameter(tensor([1]))] }, { params: [new Parameter(tensor([2]))], lr: 0.5 }],
      { lr: 0.1 },
    );
    other.loadStateDict(opt.stateDict());
    expect(other.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.25]);
  });

  it('refuses a state from other parameters, groups or optimisers, changing nothing', () => {
    const a = params();
    const adam = new Adam(a);
    adam.step(gradsAt(a));
    const state = adam.stateDict();
    const fresh = new Adam(params());
    expect(() => new Adam([new Parameter(tensor([1, -2]))]).loadStateDict(state)).toThrow(
      /the saved group holds 2 parameters but this optimiser's holds 1/,
    );
    expect(() =>
      new Adam([new Parameter(tensor([1, 2, 3])), new Parameter(tensor([[1], [2]]))]).loadStateDict(state),
    ).toThrow(ShapeError);
    expect(() => new SGD(params(), { lr: 0.1 }).loadStateDict(state)).toThrow(StateDictError);
    const grouped = new Adam([{ params: [params()[0]!] }, { params: [params()[1]!] }]);
    expect(() => grouped.loadStateDict(state)).toThrow(/missing 'groups.0.params'|group/);
    const bad = new Map(state);
    bad.set('groups.0.lr', tensor(-1));
    expect(() => fresh.loadStateDict(bad)).toThrow(/lr must be a finite number ≥ 0, got -1/);
    expect(fresh.stepCount).toBe(0);
    expect(fresh.state[0]!.buffers.size).toBe(0);
    expect(() => fresh.loadStateDict(null as never)).toThrow(/Adam.loadStateDict: expected a Map/);
  });
});

describe('scheduler stateDict / loadStateDict', () => {
  const sgd = () => new SGD([new Parameter(tensor([1]))], { lr: 1 });

  it('restores the epoch and base rates, and sets the optimiser’s rate', () => {
    const a = new MultiStepLR(sgd(), { milestones: [1, 3], gamma: 0.5 });
    a.step();
    a.step();
    const b = new MultiStepLR(sgd(), { milestones: [1, 3], gamma: 0.5 });
    b.loadStateDict(stateDictFromJSON(stateDictToJSON(a.stateDict())));
    expect([b.lastEpoch, b.optimizer.lr]).toEqual([2, 0.5]);
    a.step();
    b.step();
    expect(b.optimizer.lr).toBe(a.optimizer.lr);
  });

  it('refuses a state saved with other settings', () => {
    const a = new StepLR(sgd(), { stepSize: 2 });
    expect(() => new StepLR(sgd(), { stepSize: 3 }).loadStateDict(a.stateDict())).toThrow(
      /saved with stepSize = 2 but this scheduler has 3/,
    );
  });

  it('ReduceLROnPlateau resumes its best metric and counters', () => {
    const a = new ReduceLROnPlateau(sgd(), { patience: 2 });
    [1, 2, 2].forEach((m) => a.step(m));
    const b = new ReduceLROnPlateau(sgd(), { patience: 2 });
    b.loadStateDict(stateDictFromSafetensors(stateDictToSafetensors(a.stateDict())).tensors);
    expect([b.best, b.numBadEpochs, b.lastEpoch]).toEqual([1, 2, 3]);
    b.step(2);
    expect(b.optimizer.lr).toBeCloseTo(0.1, 15);
    expect(() => b.loadStateDict({ lastEpoch: tensor(1) })).toThrow(/missing 'best'/);
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'max' }).loadStateDict(a.stateDict())).toThrow(StateDictError);
    expect(() => b.loadStateDict(5 as never)).toThrow(StateDictError);
  });
});

describe('resuming in a new process', () => {
  it('trains, checkpoints, resumes in a fresh process and ends with bit-identical weights', () => {
    const script = fileURLToPath(new URL('./support/resume.ts', import.meta.url));
    const file = join(mkdtempSync(join(tmpdir(), 'tapegrad-resume-')), 'checkpoint.safetensors');
    const full = runScript(script, ['full', file]).trim();
    const resumed = runScript(script, ['second', file]).trim();
    expect(full).toMatch(/^[0-9a-f]{64}$/);
    expect(resumed).toBe(full);
  });
});
