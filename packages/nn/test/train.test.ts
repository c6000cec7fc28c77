import { describe, expect, it } from 'vitest';
import { Rng, tensor, noGrad } from '@tapegrad/autograd';
import {
  mlp,
  fit,
  SGD,
  Adam,
  evaluate,
  batchIndices,
  trainTestSplit,
  batches,
  takeRows,
  type EpochInfo,
} from '@tapegrad/nn';

const xorX = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const xorY = tensor([[0], [1], [1], [0]]);

function trainXor(seed: number, backprop: 'tape' | 'closed-form' = 'tape') {
  const net = mlp([2, 4, 1], { rng: new Rng(seed) });
  const optimizer = new SGD(net, { lr: 2, momentum: 0.9 });
  const history = fit(net, xorX, xorY, {
    optimizer,
    rng: new Rng(seed + 1),
    epochs: 400,
    batchSize: 2,
    cost: 'bce',
    backprop,
  });
  return { net, history };
}

describe('training', () => {
  it('drives XOR to > 0.99 accuracy from a fixed seed', () => {
    const { net, history } = trainXor(42);
    const result = evaluate(net, xorX, xorY, { cost: 'bce' });
    console.log(`XOR after 400 epochs: loss ${result.loss.toExponential(3)}, accuracy ${result.accuracy}`);
    expect(result.accuracy).toBeGreaterThan(0.99);
    expect(history.loss).toHaveLength(400);
    expect(history.loss[399]!).toBeLessThan(history.loss[0]!);
    const out = noGrad(() => net.forward(xorX));
    expect(out.data[0]!).toBeLessThan(0.1);
    expect(out.data[1]!).toBeGreaterThan(0.9);
    expect(out.data[2]!).toBeGreaterThan(0.9);
    expect(out.data[3]!).toBeLessThan(0.1);
  });

  it('gives bit-identical weights for the same seed', () => {
    const a = trainXor(42).net.stateDict();
    const b = trainXor(42).net.stateDict();
    for (const [name, t] of a) expect(Array.from(b.get(name)!.data)).toEqual(Array.from(t.data));
    const c = trainXor(43).net.stateDict();
    expect(Array.from(c.get('0.weight')!.data)).not.toEqual(Array.from(a.get('0.weight')!.data));
  });

  it('trains the same with closed-form gradients as with the tape (to rounding)', () => {
    const tape = trainXor(7).net.stateDict();
    const cf = trainXor(7, 'closed-form').net.stateDict();
    for (const [name, t] of tape) {
      const other = cf.get(name)!;
      for (let i = 0; i < t.size; i++)
        expect(Math.abs(other.data[i]! - t.data[i]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(t.data[i]!)));
    }
  });

  it('calls the batch and epoch callbacks with online learning (batch size 1)', () => {
    const net = mlp([2, 3, 1], { rng: new Rng(1) });
    const batchesSeen: number[] = [];
    const epochs: EpochInfo[] = [];
    fit(net, xorX, xorY, {
      optimizer: new Adam(net, { lr: 0.05 }),
      rng: new Rng(2),
      epochs: 3,
      batchSize: 1,
      validation: { x: xorX, y: xorY },
      onBatch: (b) => batchesSeen.push(b.size),
      onEpoch: (e) => epochs.push(e),
    });
    expect(batchesSeen).toEqual(Array(12).fill(1));
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(epochs[2]!.validation!.loss).toBe(epochs[2]!.train.loss);
  });
});

describe('data helpers', () => {
  it('batches rows without replacement after a seeded shuffle', () => {
    const plan = batchIndices(10, { batchSize: 3, rng: new Rng(5) });
    expect(plan.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(plan.flatMap((b) => Array.from(b)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batchIndices(10, { batchSize: 3, rng: new Rng(5) })).toEqual(plan);
    expect(batchIndices(10, { batchSize: 3, rng: new Rng(5), dropLast: true })).toHaveLength(3);
    const x = tensor([[1], [2], [3], [4]]);
    const seen = [...batches(x, x, { batchSize: 4, shuffle: false })];
    expect(seen[0]!.x.toArray()).toEqual([[1], [2], [3], [4]]);
    expect(takeRows(x, [3, 0]).toArray()).toEqual([[4], [1]]);
  });

  it('splits stratified by class, seeded', () => {
    const labels = tensor([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const x = tensor(Array.from({ length: 20 }, (_, i) => [i]));
    const s = trainTestSplit(x, labels, { rng: new Rng(9), testFraction: 0.25 });
    expect(s.testIndices).toHaveLength(5);
    expect(Array.from(s.yTest.data).filter((v) => v === 0)).toHaveLength(2);
    expect(Array.from(s.yTest.data).filter((v) => v === 1)).toHaveLength(3);
    expect([...s.trainIndices, ...s.testIndices].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const again = trainTestSplit(x, labels, { rng: new Rng(9), testFraction: 0.25 });
    expect(Array.from(again.testIndices)).toEqual(Array.from(s.testIndices));
  });
});
