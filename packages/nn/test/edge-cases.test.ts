/**
 * Regressions for bugs found in review. Each test failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, Rng, ShapeError, Tensor, randn, tensor, zeros } from '@tapegrad/autograd';
import {
  Activation,
  BCECost,
  SGD,
  SerializationError,
  StateDictError,
  accuracy,
  compareBackprop,
  closedFormBackprop,
  evaluate,
  fit,
  mlp,
  stateDictFromJSON,
  trainTestSplit,
  type ElementwiseActivation,
} from '@tapegrad/nn';

describe('optimiser steps are all or nothing', () => {
  it('leaves every parameter and the step count untouched when one gradient is rejected', () => {
    const net = mlp([2, 2, 1], { rng: new Rng(1) });
    const opt = new SGD(net, { lr: 0.1, momentum: 0.9 });
    const before = net.parameters().map((p) => Array.from(p.data));
    const grads: (Tensor | null)[] = net.parameters().map((p) => zeros(p.shape).add(1));
    grads[1] = zeros([7]);
    expect(() => opt.step(grads)).toThrow(ShapeError);
    expect(net.parameters().map((p) => Array.from(p.data))).toEqual(before);
    expect(opt.stepCount).toBe(0);
  });

  it('refuses a gradient of another dtype instead of downcasting it', () => {
    const net = mlp([2, 1], { rng: new Rng(1), dtype: 'float32' });
    const opt = new SGD(net, { lr: 0.1 });
    expect(() => opt.step(net.parameters().map((p) => zeros(p.shape)))).toThrow(DTypeError);
  });
});

describe('fit checks its data before the first step', () => {
  const net = () => mlp([2, 1], { rng: new Rng(2) });
  const opts = (n: ReturnType<typeof mlp>) => ({ optimizer: new SGD(n, { lr: 0.1 }), rng: new Rng(3), epochs: 1 });

  it('refuses mismatched rows without touching the model', () => {
    const n = net();
    const before = Array.from(n.parameters()[0]!.data);
    expect(() => fit(n, zeros([4, 2]), zeros([9, 1]), opts(n))).toThrow(/one row per sample/);
    expect(Array.from(n.parameters()[0]!.data)).toEqual(before);
  });

  it('refuses empty data and an unknown backprop name', () => {
    const n = net();
    expect(() => fit(n, zeros([0, 2]), zeros([0, 1]), opts(n))).toThrow(ShapeError);
    expect(() => fit(n, zeros([4, 2]), zeros([4, 1]), { ...opts(n), backprop: 'closed_form' as 'tape' })).toThrow(
      ArgumentError,
    );
  });

  it('reports validation loss with the training objective (λ / 2n, n = training rows)', () => {
    const n = net();
    const x = randn([8, 2], { rng: new Rng(4) });
    const y = randn([8, 1], { rng: new Rng(5) }).sigmoid();
    const h = fit(n, x, y, { ...opts(n), lambda: 10, validation: { x: x.slice([[0, 2]]), y: y.slice([[0, 2]]) } });
    const expected = evaluate(n, x.slice([[0, 2]]), y.slice([[0, 2]]), { lambda: 10, datasetSize: 8 }).loss;
    expect(h.valLoss[0]).toBe(expected);
  });
});

describe('accuracy and evaluate refuse what they cannot score', () => {
  it('refuses targets whose width differs from the output', () => {
    expect(() =>
      accuracy(
        tensor([[0.9], [0.8]]),
        tensor([
          [0, 1],
          [0, 1],
        ]),
      ),
    ).toThrow(ShapeError);
    expect(() =>
      accuracy(
        tensor([
          [0.1, 0.9],
          [0.2, 0.8],
        ]),
        tensor([[1], [1]]),
      ),
    ).toThrow(ShapeError);
    expect(
      accuracy(
        tensor([
          [0.1, 0.9],
          [0.2, 0.8],
        ]),
        tensor([1, 0]),
      ),
    ).toBe(0.5);
  });

  it('refuses a negative or NaN lambda', () => {
    const n = mlp([2, 1], { rng: new Rng(2) });
    expect(() => evaluate(n, zeros([2, 2]), zeros([2, 1]), { lambda: -1 })).toThrow(ArgumentError);
    expect(() => evaluate(n, zeros([2, 2]), zeros([2, 1]), { lambda: NaN })).toThrow(ArgumentError);
  });
});

describe('float32 networks', () => {
  it('compare in float32 passes at a float32 tolerance, finite differences taken in float64', () => {
    const net = mlp([3, 4, 2], { rng: new Rng(6), dtype: 'float32' });
    const x = randn([5, 3], { rng: new Rng(7), dtype: 'float32' });
    const y = randn([5, 2], { rng: new Rng(8), dtype: 'float32' }).sigmoid();
    const cmp = compareBackprop(net, x, y, { finiteDifferences: true, eps: 1e-4, atol: 1e-3, rtol: 1e-2 });
    expect(cmp.passed).toBe(true);
  });

  it('hands a float32 network float32 gradients even when fed float64 data', () => {
    const net = mlp([2, 2, 1], { rng: new Rng(6), dtype: 'float32' });
    const cf = closedFormBackprop(net, randn([3, 2], { rng: new Rng(1) }), zeros([3, 1]));
    expect([...cf.grads.values()].map((g) => g.dtype)).toEqual(['float32', 'float32', 'float32', 'float32']);
  });

  it('refuses eps ≤ 0 for the finite differences', () => {
    const net = mlp([2, 1], { rng: new Rng(1) });
    expect(() => compareBackprop(net, zeros([1, 2]), zeros([1, 1]), { finiteDifferences: true, eps: 0 })).toThrow(
      ArgumentError,
    );
  });
});

describe('BCE from probabilities', () => {
  it('gives a zero closed-form gradient where the forward clamps, as the tape does', () => {
    const g = new BCECost().gradOutput(tensor([[0], [1], [0.5]]), tensor([[1], [0], [1]]));
    expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
    expect(g.data[2]).toBeCloseTo(-2 / 3, 14);
  });

  it('takes the δ^L = a − y shortcut only for the real sigmoid, not for anything named so', () => {
    const fake: ElementwiseActivation = { name: 'sigmoid', apply: (z) => z, derivative: (_z, _a, out) => out.fill(1) };
    const a = tensor([[0.25]]);
    expect(new BCECost().outputDelta(new Activation(fake), a, tensor([[1]]))).toBeNull();
  });
});

describe('loaders and splits refuse bad input with named errors', () => {
  it('loadStateDict(null)', () => {
    expect(() => mlp([2, 1], { rng: new Rng(1) }).loadStateDict(null as never)).toThrow(StateDictError);
  });

  it('NaN or fractional labels cannot be stratified', () => {
    expect(() => trainTestSplit(zeros([4, 1]), tensor([0, NaN, 1, 0]), { rng: new Rng(1) })).toThrow(/label 1/);
    expect(() => trainTestSplit(zeros([4, 1]), tensor([0, 0.5, 1, 0]), { rng: new Rng(1) })).toThrow(ArgumentError);
  });

  it('a float32 value out of range in a JSON state dict', () => {
    const doc = {
      format: 'tapegrad-state-dict',
      version: 1,
      tensors: { w: { dtype: 'float32', shape: [1], data: [1e300] } },
    };
    expect(() => stateDictFromJSON(JSON.stringify(doc))).toThrow(SerializationError);
  });
});
