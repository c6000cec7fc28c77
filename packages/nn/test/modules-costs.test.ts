import { describe, expect, it } from 'vitest';
import { Rng, tensor, randn, rand, gradients, ShapeError, ArgumentError, noGrad, zeros } from '@tapegrad/autograd';
import {
  mlp,
  Linear,
  Sequential,
  Sigmoid,
  Tanh,
  ReLU,
  Softmax,
  Parameter,
  SGD,
  Adam,
  compareBackprop,
  resolveCost,
  QuadraticCost,
  MSECost,
  BCECost,
  BCEWithLogitsCost,
  SoftmaxCrossEntropyCost,
  accuracy,
} from '@tapegrad/nn';

describe('modules', () => {
  it('names parameters, stores W as [out, in], and computes x Wᵀ + b', () => {
    const net = mlp([2, 3, 1], { rng: new Rng(1) });
    expect(net.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['0.weight', [3, 2]],
      ['0.bias', [3]],
      ['2.weight', [1, 3]],
      ['2.bias', [1]],
    ]);
    const lin = new Linear(2, 2, { rng: new Rng(0) });
    lin.loadStateDict({
      weight: tensor([
        [1, 2],
        [3, 4],
      ]),
      bias: tensor([10, 20]),
    });
    expect(lin.forward(tensor([[1, 1]])).toArray()).toEqual([[13, 27]]);
    expect(net.children()).toHaveLength(4);
    expect(net.eval().training).toBe(false);
    expect(net.at(0).training).toBe(false);
    net.train();
    expect(net.at(0).training).toBe(true);
  });

  it('throws a ShapeError naming the layer and shapes on a wrong input width', () => {
    const net = mlp([3, 4, 2], { rng: new Rng(1) });
    expect(() => net.forward(zeros([5, 2]))).toThrow(ShapeError);
    expect(() => net.forward(zeros([5, 2]))).toThrow(
      /layer '0' Linear\(3 → 4\): input has shape \[5, 2\] but this layer expects \[m, 3\]/,
    );
    expect(() => net.forward(zeros([3]))).toThrow(/reshape\(\[1, -1\]\)/);
  });

  it('refuses randomness without a seeded Rng', () => {
    expect(() => mlp([2, 1], {} as never)).toThrow(ArgumentError);
    expect(() => new Linear(2, 1, undefined as never)).toThrow(/rng/);
  });

  it('zeroGrad clears gradients; same seed gives the same initial weights for every scheme', () => {
    for (const init of ['normal', 'xavier', 'xavierNormal', 'he'] as const) {
      const a = mlp([4, 3, 2], { rng: new Rng(9), init });
      const b = mlp([4, 3, 2], { rng: new Rng(9), init });
      expect(Array.from(a.parameters()[0]!.data)).toEqual(Array.from(b.parameters()[0]!.data));
    }
    const net = mlp([2, 1], { rng: new Rng(2) });
    net
      .forward(tensor([[1, 2]]))
      .sum()
      .backward();
    expect(net.parameters()[0]!.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('Tanh, ReLU and Softmax layers run on the tape; Tanh/ReLU nets pass the closed-form comparison', () => {
    const rng = new Rng(4);
    const soft = new Sequential(new Linear(3, 4, { rng }), new Softmax());
    const p = noGrad(() => soft.forward(randn([2, 3], { rng })));
    expect(p.data[0]! + p.data[1]! + p.data[2]! + p.data[3]!).toBeCloseTo(1, 14);
    for (const act of [new Tanh(), new ReLU()]) {
      const net = new Sequential(new Linear(3, 5, { rng }), act, new Linear(5, 2, { rng }), new Sigmoid());
      const cmp = compareBackprop(net, randn([6, 3], { rng }), rand([6, 2], { rng }), { finiteDifferences: true });
      expect(cmp.passed).toBe(true);
    }
  });
});

describe('optimisers', () => {
  it('reject parameters that do not require grad', () => {
    expect(() => new SGD([zeros([2])], { lr: 0.1 })).toThrow(/parameter 0 \(shape \[2\]\) does not require grad/);
    expect(() => new Adam([])).toThrow(ArgumentError);
    expect(() => new SGD(mlp([1, 1], { rng: new Rng(0) }), { lr: -1 })).toThrow(/lr must be/);
  });

  it('SGD takes w ← w − η g, with momentum accumulating, and bumps versions', () => {
    const w = new Parameter(tensor([1, 2]));
    const opt = new SGD([w], { lr: 0.5, momentum: 0.9 });
    const v0 = w.version;
    opt.step([tensor([1, 1])]);
    expect(Array.from(w.data)).toEqual([0.5, 1.5]);
    opt.step([tensor([1, 1])]);
    expect(Array.from(w.data)).toEqual([0.5 - 0.5 * 1.9, 1.5 - 0.5 * 1.9]);
    expect(w.version).toBe(v0 + 2);
  });

  it('Adam’s first step moves each weight by about lr against the gradient sign', () => {
    const w = new Parameter(tensor([1, -1]));
    new Adam([w], { lr: 0.01 }).step([tensor([3, -0.2])]);
    expect(w.data[0]).toBeCloseTo(0.99, 8);
    expect(w.data[1]).toBeCloseTo(-0.99, 8);
  });
});

describe('costs', () => {
  const rng = new Rng(12);
  const a = rand([4, 3], { rng });
  const y = rand([4, 3], { rng });

  it('each analytic ∇_a C matches the tape, for both reductions', () => {
    for (const reduction of ['mean', 'sum'] as const) {
      const labels = tensor([0, 2, 1, 2]);
      for (const [cost, target] of [
        [new QuadraticCost({ reduction }), y],
        [new MSECost({ reduction }), y],
        [new BCECost({ reduction }), y],
        [new BCEWithLogitsCost({ reduction }), y],
        [new SoftmaxCrossEntropyCost({ reduction }), labels],
        [new SoftmaxCrossEntropyCost({ reduction }), y],
      ] as const) {
        const out = tensor(a.data, { shape: [4, 3], requiresGrad: true });
        const tape = gradients(cost.forward(out, target), [out])[0]!;
        const analytic = cost.gradOutput(out, target);
        for (let i = 0; i < tape.size; i++)
          expect(Math.abs(analytic.data[i]! - tape.data[i]!)).toBeLessThanOrEqual(
            1e-14 * Math.max(1, Math.abs(tape.data[i]!)),
          );
      }
    }
  });

  it('match their formulas: quadratic ½‖y − a‖² per sample, MSE per element', () => {
    const out = tensor([
      [1, 2],
      [3, 5],
    ]);
    const t = tensor([
      [0, 0],
      [3, 3],
    ]);
    expect(new QuadraticCost().forward(out, t).item()).toBe((0.5 * (1 + 4) + 0.5 * 4) / 2);
    expect(new QuadraticCost({ reduction: 'sum' }).forward(out, t).item()).toBe(4.5);
    expect(new MSECost().forward(out, t).item()).toBe(9 / 4);
    expect(() => new QuadraticCost().forward(out, tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => resolveCost('hinge' as never)).toThrow(/unknown cost/);
  });

  it("accept the book's name 'cross-entropy' for the sigmoid cross-entropy, with 'bce' as its alias", () => {
    const a = tensor([[0.9], [0.2]]);
    const y = tensor([[1], [0]]);
    const byBook = resolveCost('cross-entropy', { reduction: 'sum' });
    expect(byBook).toBeInstanceOf(BCECost);
    expect(byBook.reduction).toBe('sum');
    expect(byBook.forward(a, y).item()).toBe(-Math.log(0.9) - Math.log(0.8));
    expect(byBook.forward(a, y).item()).toBe(resolveCost('bce', { reduction: 'sum' }).forward(a, y).item());
  });

  it('cross-entropies from logits are stable at |z| = 800', () => {
    const z = tensor([[800], [-800]], { requiresGrad: true });
    const bce = new BCEWithLogitsCost({ reduction: 'sum' }).forward(z, tensor([[0], [1]]));
    expect(bce.item()).toBe(1600);
    const [g] = gradients(bce, [z]);
    expect(Array.from(g!.data)).toEqual([1, -1]);
    const logits = tensor([[800, 0, -800]], { requiresGrad: true });
    const ce = new SoftmaxCrossEntropyCost().forward(logits, tensor([1]));
    expect(ce.item()).toBe(800);
    expect(Number.isFinite(gradients(ce, [logits])[0]!.data[2]!)).toBe(true);
    expect(Number.isFinite(new BCECost().forward(tensor([[1], [0]]), tensor([[0], [1]])).item())).toBe(true);
  });

  it('accuracy thresholds one column and takes the argmax of several', () => {
    expect(accuracy(tensor([[0.7], [0.2], [0.6]]), tensor([[1], [0], [0]]))).toBeCloseTo(2 / 3, 15);
    expect(
      accuracy(
        tensor([
          [0.1, 0.9],
          [0.8, 0.2],
        ]),
        tensor([1, 1]),
      ),
    ).toBe(0.5);
  });
});
