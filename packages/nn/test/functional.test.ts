import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, type Tensor, grad, noGrad, randn, tensor } from '@tapegrad/autograd';
import {
  closedFormBackprop,
  functionalCall,
  mlp,
  perSampleBackprop,
  perSampleGradients,
  resolveCost,
} from '../src/index.js';

const net = mlp([3, 4, 2], { rng: new Rng(3) });
const x = randn([5, 3], { rng: new Rng(4) });
const y = tensor([
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
  [0.5, 0.5],
]);
const names = net.namedParameters().map(([n]) => n);
const own = () => Object.fromEntries(net.namedParameters().map(([n, p]) => [n, p.detach()]));

describe('functionalCall', () => {
  it('runs the module with the given parameters, and restores its own afterwards', () => {
    const before = net.forward(x).toArray();
    expect(functionalCall(net, own(), x).toArray()).toEqual(before);
    const doubled = Object.fromEntries(Object.entries(own()).map(([n, p]) => [n, p.mul(2)]));
    const other = mlp([3, 4, 2], { rng: new Rng(3) });
    noGrad(() => {
      for (const [, p] of other.namedParameters()) p.mutate_((d) => d.forEach((v, i) => (d[i] = 2 * v)));
    });
    expect(functionalCall(net, doubled, x).toArray()).toEqual(other.forward(x).toArray());
    expect(net.forward(x).toArray()).toEqual(before);
    expect(net.namedParameters().every(([, p]) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  it('differentiates with grad: the same gradient as the tape through the module', () => {
    const cost = resolveCost('quadratic');
    const g = grad((ps: Record<string, Tensor>) => cost.forward(functionalCall(net, ps, x), y))(own()) as Record<
      string,
      Tensor
    >;
    net.zeroGrad();
    cost.forward(net.forward(x), y).backward();
    for (const [n, p] of net.namedParameters()) expect(g[n]!.toArray()).toEqual(p.grad!.toArray());
    net.zeroGrad();
  });

  it('names unknown parameters, with a suggestion, and wrong shapes', () => {
    expect(() => functionalCall(net, { '0.weigth': tensor([1]) }, x)).toThrow(ArgumentError);
    expect(() => functionalCall(net, { '0.weigth': tensor([1]) }, x)).toThrow(/did you mean '0.weight'/);
    expect(() => functionalCall(net, { [names[0]!]: tensor([1]) }, x)).toThrow(ShapeError);
  });

  it('restores the module when forward throws', () => {
    const before = net.forward(x).toArray();
    expect(() => functionalCall(net, own(), tensor([[1, 2]]))).toThrow();
    expect(net.forward(x).toArray()).toEqual(before);
  });
});

describe('perSampleGradients', () => {
  it("gives each example's BP1–BP4 gradients, as the closed form computes them for that example alone", () => {
    const per = perSampleGradients(net, 'quadratic', x, y);
    const closed = perSampleBackprop(net, x, y, { cost: 'quadratic' });
    closed.forEach((cf, i) => {
      for (const [name, g] of cf.grads) {
        const got = per[name]!;
        expect(got.shape).toEqual([5, ...g.shape]);
        const row = got.data.subarray(i * g.size, (i + 1) * g.size);
        row.forEach((v, k) => expect(v).toBeCloseTo(g.data[k]!, 13));
      }
    });
  });

  it('their mean is the mini-batch gradient of the mean cost', () => {
    const per = perSampleGradients(net, 'quadratic', x, y);
    const cf = closedFormBackprop(net, x, y, { cost: 'quadratic' });
    for (const [name, g] of cf.grads) {
      const mean = per[name]!.mean({ axis: 0 });
      Array.from(mean.data).forEach((v, k) => expect(v).toBeCloseTo(g.data[k]!, 13));
    }
  });

  it('checks its arguments', () => {
    expect(() => perSampleGradients(net, 'quadratic', x, tensor([[1, 0]]))).toThrow(ShapeError);
    expect(() => perSampleGradients(net, 'quadratic', x, y, { params: [] } as never)).toThrow(
      /unknown option 'params'/,
    );
  });
});
