import { describe, expect, it } from 'vitest';
import { Rng, noGrad, randn, zeros } from '@tapegrad/autograd';
import {
  batchIndices,
  closedFormBackprop,
  compareBackprop,
  fit,
  l2Divisor,
  mlp,
  QuadraticCost,
  SGD,
  takeRows,
} from '@tapegrad/nn';

describe('L2 regularisation divides λ by the training-set size n (Nielsen, chapter 3)', () => {
  it('picks the divisor: n for a mean batch cost, n/m for a summed one (m/n of the term per batch)', () => {
    expect(l2Divisor('mean', 10, 8000)).toBe(8000);
    expect(l2Divisor('mean', 10)).toBe(10);
    expect(l2Divisor('sum', 10, 8000)).toBe(800);
    expect(l2Divisor('sum', 10)).toBe(1);
    expect(() => l2Divisor('mean', 10, 0)).toThrow(/datasetSize/);
  });

  it('gives a summed cost the same L2 pull per epoch at any batch size', () => {
    // With x = 0 and a linear output only the L2 term moves W: one epoch should shrink it by
    // about (1 − ηλ) whether the epoch is one batch of 8 or eight batches of 1.
    const x = zeros([8, 2]);
    const y = zeros([8, 1]);
    const shrink = (batchSize: number): number => {
      const net = mlp([2, 1], { rng: new Rng(5), outputActivation: 'identity' });
      const w0 = net.layers()[0]!.linear.weight.data[0]!;
      fit(net, x, y, {
        optimizer: new SGD(net, { lr: 0.01 }),
        rng: new Rng(6),
        epochs: 1,
        batchSize,
        lambda: 1,
        cost: new QuadraticCost({ reduction: 'sum' }),
      });
      return net.layers()[0]!.linear.weight.data[0]! / w0;
    };
    expect(shrink(8)).toBeCloseTo(0.99, 12);
    expect(shrink(1)).toBeCloseTo((1 - 0.01 / 8) ** 8, 12);
    expect(Math.abs(shrink(1) - shrink(8))).toBeLessThan(1e-4);
  });

  it('adds exactly (λ/n) W to ∂C/∂W and nothing to ∂C/∂b', () => {
    const net = mlp([3, 4, 2], { rng: new Rng(7) });
    const rng = new Rng(8);
    const x = randn([5, 3], { rng });
    const y = randn([5, 2], { rng }).sigmoid();
    const plain = closedFormBackprop(net, x, y, { cost: 'quadratic' });
    const reg = closedFormBackprop(net, x, y, { cost: 'quadratic', lambda: 2, datasetSize: 40 });
    net.layers().forEach(({ linear }, l) => {
      const w = linear.weight.data;
      reg.grads
        .get(`${2 * l}.weight`)!
        .data.forEach((g, i) =>
          expect(g).toBeCloseTo(plain.grads.get(`${2 * l}.weight`)!.data[i]! + (2 / 40) * w[i]!, 14),
        );
      expect(Array.from(reg.grads.get(`${2 * l}.bias`)!.data)).toEqual(
        Array.from(plain.grads.get(`${2 * l}.bias`)!.data),
      );
    });
  });

  it('keeps tape, closed form and finite differences in agreement when n differs from the batch', () => {
    const net = mlp([2, 3, 1], { rng: new Rng(3) });
    const rng = new Rng(4);
    const x = randn([4, 2], { rng });
    const y = randn([4, 1], { rng }).sigmoid();
    const cmp = compareBackprop(net, x, y, { cost: 'bce', lambda: 0.7, datasetSize: 100, finiteDifferences: true });
    expect(cmp.passed).toBe(true);
    expect(cmp.worstRel).toBeLessThan(1e-10);
  });

  it('makes fit use the number of training rows, whatever the batch size', () => {
    const x = randn([8, 2], { rng: new Rng(1) });
    const y = x.sum({ axis: 1, keepdims: true }).sigmoid();
    const lr = 0.5;
    const lambda = 5;
    const net = mlp([2, 2, 1], { rng: new Rng(2) });
    fit(net, x, y, {
      optimizer: new SGD(net, { lr }),
      rng: new Rng(3),
      epochs: 1,
      batchSize: 4,
      lambda,
      backprop: 'closed-form',
    });
    // Replay the same batches by hand: plain SGD with the L2 term over n = 8 rows.
    const replay = (n: number): number[] => {
      const copy = mlp([2, 2, 1], { rng: new Rng(2) });
      for (const rows of batchIndices(8, { batchSize: 4, rng: new Rng(3) })) {
        const g = closedFormBackprop(copy, takeRows(x, rows), takeRows(y, rows), { lambda, datasetSize: n });
        noGrad(() =>
          copy.layers().forEach(({ linear }, l) => {
            linear.weight.mutate_((w) =>
              w.forEach((v, i) => (w[i] = v - lr * g.grads.get(`${2 * l}.weight`)!.data[i]!)),
            );
            linear.bias.mutate_((b) => b.forEach((v, i) => (b[i] = v - lr * g.grads.get(`${2 * l}.bias`)!.data[i]!)));
          }),
        );
      }
      return Array.from(copy.layers()[0]!.linear.weight.data);
    };
    const trained = Array.from(net.layers()[0]!.linear.weight.data);
    expect(trained).toEqual(replay(8));
    expect(trained).not.toEqual(replay(4));
  });
});
