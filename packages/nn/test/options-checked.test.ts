/** Issue 11, items 5, 7, 11, 12 and 19 (nn): checked options, bias-free layers, named errors on junk. */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  Rng,
  ShapeError,
  TapegradError,
  gradients,
  tensor,
  zeros,
} from '@tapegrad/autograd';
import {
  BCECost,
  Linear,
  MSECost,
  QuadraticCost,
  SoftmaxCrossEntropyCost,
  Sequential,
  Sigmoid,
  accuracy,
  batchIndices,
  closedFormBackprop,
  compareBackprop,
  evaluate,
  l2Penalty,
  mlp,
  resolveCost,
  trainTestSplit,
} from '../src/index.js';

describe('Linear(in, out, {bias: false}) (item 7)', () => {
  it('has no bias: z = x Wᵀ, and only the weight is a parameter', () => {
    const layer = new Linear(2, 1, { rng: new Rng(1), bias: false });
    expect(layer.bias).toBeNull();
    expect(layer.parameters()).toEqual([layer.weight]);
    expect([...layer.stateDict().keys()]).toEqual(['weight']);
    const x = tensor([[1, 2]]);
    const w = layer.weight.data;
    expect(layer.forward(x).toArray()).toEqual([[w[0]! * 1 + w[1]! * 2]]);
    expect(layer.describe()).toBe('Linear(2 → 1, no bias)');
  });

  it('draws the same weights as a layer with a bias from the same seed', () => {
    const a = new Linear(3, 2, { rng: new Rng(7) });
    const b = new Linear(3, 2, { rng: new Rng(7), bias: false });
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
  });

  it('its gradient flows to the weight only', () => {
    const layer = new Linear(2, 1, { rng: new Rng(1), bias: false });
    const [g] = gradients(layer.forward(tensor([[1, 2]])).sum(), [layer.weight]);
    expect(g!.toArray()).toEqual([[1, 2]]);
  });

  it('the closed form of a layer without bias has BP4 and no BP3, and matches the tape', () => {
    const net = new Sequential(new Linear(2, 1, { rng: new Rng(1), bias: false }), new Sigmoid());
    const x = tensor([
      [0.5, -1],
      [2, 0.25],
    ]);
    const y = tensor([[1], [0]]);
    const hand = closedFormBackprop(net, x, y);
    expect([...hand.grads.keys()]).toEqual(['0.weight']);
    expect(compareBackprop(net, x, y).passed).toBe(true);
  });
});

describe('unknown option keys are refused everywhere in nn (item 7)', () => {
  const rng = () => new Rng(1);
  it.each<[string, () => unknown, RegExp]>([
    ['Linear', () => new Linear(2, 1, { rng: rng(), bias_init: 0 } as never), /unknown option 'bias_init'/],
    ['mlp', () => mlp([2, 1], { rng: rng(), activations: 'relu' } as never), /did you mean 'activation'/],
    ['cost', () => new QuadraticCost({ redution: 'sum' } as never), /did you mean 'reduction'/],
    ['resolveCost', () => resolveCost('mse', { reductions: 'sum' } as never), /unknown option 'reductions'/],
    [
      'evaluate',
      () => evaluate(mlp([2, 1], { rng: rng() }), zeros([1, 2]), zeros([1, 1]), { lamda: 1 } as never),
      /did you mean 'lambda'/,
    ],
    ['batchIndices', () => batchIndices(4, { batch_size: 2 } as never), /did you mean 'batchSize'/],
    [
      'trainTestSplit',
      () => trainTestSplit(zeros([4, 1]), zeros([4]), { rng: rng(), test_fraction: 0.5 } as never),
      /did you mean 'testFraction'/,
    ],
    [
      'loadStateDict',
      () => mlp([2, 1], { rng: rng() }).loadStateDict(new Map(), { strict: false, strct: 1 } as never),
      /unknown option 'strct'/,
    ],
    [
      'closedFormBackprop',
      () => closedFormBackprop(mlp([2, 1], { rng: rng() }), zeros([1, 2]), zeros([1, 1]), { weight_decay: 1 } as never),
      /unknown option 'weight_decay'/,
    ],
    [
      'compareBackprop',
      () => compareBackprop(mlp([2, 1], { rng: rng() }), zeros([1, 2]), zeros([1, 1]), { tol: 1 } as never),
      /unknown option 'tol'/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });
});

describe('null and junk arguments are named errors (items 11, 12)', () => {
  it.each<[string, () => unknown]>([
    ['new Linear(2, 3, null)', () => new Linear(2, 3, null as never)],
    ['new Linear(2, 3, {rng, bias: "no"})', () => new Linear(2, 3, { rng: new Rng(1), bias: 'no' as never })],
    ['mlp([2, 1], null)', () => mlp([2, 1], null as never)],
    ["cost.forward(t, '2')", () => new QuadraticCost().forward(zeros([1, 1]), '2' as never)],
    ['cost.forward(null, t)', () => new MSECost().forward(null as never, zeros([1, 1]))],
    ['cost.gradOutput(t, 3)', () => new BCECost().gradOutput(zeros([1, 1]), 3 as never)],
    ['new QuadraticCost(null)', () => new QuadraticCost(null as never)],
    ['accuracy(3, 4)', () => accuracy(3 as never, 4 as never)],
    ['accuracy(t, t, "x")', () => accuracy(zeros([1, 1]), zeros([1, 1]), 'x' as never)],
    [
      'evaluate(model, x, y, null)',
      () => evaluate(mlp([2, 1], { rng: new Rng(1) }), zeros([1, 2]), zeros([1, 1]), null as never),
    ],
    ['batchIndices(4, null)', () => batchIndices(4, null as never)],
  ])('%s', (_, call) => {
    expect(call).toThrow(TapegradError);
  });
});

describe("a 'mean' cost over an empty batch is a ShapeError, not NaN (item 5)", () => {
  it.each([new QuadraticCost(), new BCECost(), new SoftmaxCrossEntropyCost(), new MSECost()])('%o', (cost) => {
    const out = zeros([0, 2]);
    expect(() => cost.forward(out, zeros([0, 2]))).toThrow(ShapeError);
    expect(() => cost.gradOutput(out, zeros([0, 2]))).toThrow(ShapeError);
  });

  it("a 'sum' cost over an empty batch is 0", () => {
    expect(new QuadraticCost({ reduction: 'sum' }).forward(zeros([0, 2]), zeros([0, 2])).item()).toBe(0);
  });
});

describe('errors name the function called (item 19)', () => {
  it('a bad Linear dtype names Linear', () => {
    expect(() => new Linear(2, 1, { rng: new Rng(1), dtype: 'int8' as never })).toThrow(DTypeError);
    expect(() => new Linear(2, 1, { rng: new Rng(1), dtype: 'int8' as never })).toThrow(
      /^Linear\(2 → 1\): unknown dtype/,
    );
  });
  it('l2Penalty([0], …) names l2Penalty', () => {
    expect(() => l2Penalty([0 as never], 1, 1)).toThrow(/^l2Penalty: weights\[0\] must be a Tensor/);
    expect(() => l2Penalty(null as never, 1, 1)).toThrow(/^l2Penalty: weights must be an array/);
  });
});
