/** The README's examples, run as written (modulo console output), so the documentation stays correct. */
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  Rng,
  type Tensor,
  add,
  customVjp,
  defineOp,
  detectAnomaly,
  exp,
  formatTape,
  grad,
  gradcheck,
  gradcheckDirectional,
  gradgradcheck,
  gradients,
  hvp,
  log,
  matmul,
  noGrad,
  randn,
  sigmoid,
  sum,
  tanh,
  tapeNodes,
  tensor,
  toDot,
  valueAndGrad,
  vjp,
} from '@tapegrad/autograd';

describe('README examples', () => {
  it('tour', () => {
    const W = tensor(
      [
        [0.1, -0.4],
        [0.7, 0.2],
      ],
      { requiresGrad: true },
    );
    const b = tensor([0.05, -0.1], { requiresGrad: true });
    const x = tensor([0.5, -1.2]);
    const z = matmul(W, x).add(b);
    const a = sigmoid(z);
    const C = sum(a.mul(a)).mul(0.5);
    C.backward();
    const before = Array.from(W.data);
    noGrad(() => W.mutate_((d) => d.forEach((_, i) => (d[i]! -= 0.1 * W.grad!.data[i]!))));
    expect(Array.from(W.data)).toEqual(before.map((w, i) => w - 0.1 * W.grad!.data[i]!));
    expect(b.grad!.shape).toEqual([2]);
  });

  it('1. gradients of intermediates, retainGrad, hooks', () => {
    const W1 = tensor(
      [
        [0.1, -0.4],
        [0.7, 0.2],
        [-0.3, 0.9],
      ],
      { requiresGrad: true },
    );
    const W2 = tensor([[0.6, -0.5, 0.3]], { requiresGrad: true });
    const x = tensor([0.5, -1.2]);
    const y = tensor([1]);
    const z1 = matmul(W1, x);
    const z2 = matmul(W2, sigmoid(z1));
    const a2 = sigmoid(z2);
    const C = sum(a2.sub(y).mul(a2.sub(y))).mul(0.5);
    const [delta1, delta2] = gradients(C, [z1, z2]);
    expect(delta1!.shape).toEqual([3]);
    expect(delta2!.shape).toEqual([1]);

    const z = W1.mul(2);
    z.retainGrad();
    const remove = z.registerHook((g) => g.mul(0.5));
    sum(z.mul(z)).backward();
    expect(z.grad!.toArray()).toEqual(z.mul(2).mul(0.5).toArray());
    remove();
  });

  it('2. higher order and hvp', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    const d1 = gradients(sum(sigmoid(x)), x, { createGraph: true })!;
    const d2 = gradients(sum(d1), x)!;
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    [-1, 0, 2].forEach((v, i) => expect(d2.data[i]).toBeCloseTo(s(v) * (1 - s(v)) * (1 - 2 * s(v)), 14));
    const Hv = hvp((t) => sum(t.mul(t).mul(t).mul(t)), tensor([1, 2]), tensor([1, 0]));
    expect(Hv.toArray()).toEqual([12, 0]);
  });

  it('3. transforms', () => {
    type Params = { layers: { W: Tensor; b: Tensor }[] };
    const params: Params = {
      layers: [
        {
          W: tensor([
            [0.2, -0.4],
            [0.5, 0.1],
          ]),
          b: tensor([0.1, -0.2]),
        },
      ],
    };
    const loss = (p: Params, input: Tensor): Tensor => {
      let a = input;
      for (const { W, b } of p.layers) a = sigmoid(matmul(W, a).add(b));
      return sum(a);
    };
    const g = grad(loss)(params, tensor([1, 2])) as Params;
    expect(g.layers[0]!.W.shape).toEqual([2, 2]);
    const [value, [gp, gx]] = valueAndGrad(loss, { argnums: [0, 1] })(params, tensor([1, 2])) as [
      Tensor,
      [Params, Tensor],
    ];
    expect(value.item()).toBeCloseTo(loss(params, tensor([1, 2])).item(), 15);
    expect(gp.layers[0]!.b.shape).toEqual([2]);
    expect(gx.shape).toEqual([2]);
    const [withAux, gAux] = valueAndGrad((p: Params) => [loss(p, tensor([1, 2])), 'aux'] as const, { hasAux: true })(
      params,
    );
    expect((withAux as [Tensor, string])[1]).toBe('aux');
    expect((gAux as Params).layers).toHaveLength(1);
    const [out, pullback] = vjp((t: Tensor) => t.mul(t), tensor([1, 2, 3]));
    const [ct] = pullback(tensor([1, 1, 1])) as [Tensor];
    expect((out as Tensor).toArray()).toEqual([1, 4, 9]);
    expect(ct.toArray()).toEqual([2, 4, 6]);
  });

  it('4. custom ops', () => {
    const denseSigmoid = defineOp({
      name: 'denseSigmoid',
      forward: (W, x, b) => sigmoid(matmul(W, x).add(b)),
      vjp: (g, { inputs: [W, x], output: a }) => {
        const delta = g.mul(a.mul(a.neg().add(1)));
        return [matmul(delta.reshape([-1, 1]), x!.reshape([1, -1])), matmul(W!.T, delta), delta];
      },
    });
    const W = tensor(
      [
        [0.2, -0.1],
        [0.4, 0.3],
      ],
      { requiresGrad: true },
    );
    const xin = tensor([0.7, -1.1], { requiresGrad: true });
    const b = tensor([0.1, -0.2], { requiresGrad: true });
    expect(gradcheck(denseSigmoid, [W, xin, b]).passed).toBe(true);
    const naive = (t: Tensor) => log(add(exp(t), 1));
    const softplus = customVjp(naive, {
      name: 'softplus',
      fwd: (t) => [naive(t), t] as const,
      bwd: (t, g) => [g.mul(sigmoid(t))],
    });
    expect(gradcheck(softplus, [tensor([-1, 0.5], { requiresGrad: true })]).passed).toBe(true);
  });

  it('5. gradient checks', () => {
    const f = (A: Tensor, v: Tensor) => tanh(matmul(A, v));
    const A = tensor(
      [
        [0.3, -0.8],
        [0.5, 0.1],
      ],
      { requiresGrad: true },
    );
    const v = tensor([0.7, -0.2], { requiresGrad: true });
    const r = gradcheck(f, [A, v]);
    expect(r.passed).toBe(true);
    expect(r.inputs[0]!.worst).not.toBeNull();
    expect(gradgradcheck(f, [A, v]).passed).toBe(true);
    const rng = new Rng(0);
    const big = randn([200, 300], { rng, requiresGrad: true });
    const vec = randn([300], { rng, requiresGrad: true });
    expect(gradcheckDirectional(f, [big, vec], { rng: new Rng(1), directions: 4 }).passed).toBe(true);
  });

  it('6. tape inspection', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    const inp = tensor([2, 3]);
    const loss = sum(sigmoid(w.mul(inp)));
    expect(formatTape(loss, { names: { w, inp } })).toBe(
      [
        '%0 = leaf w       [2]  float64  (requires grad)',
        '%1 = leaf inp     [2]  float64',
        '%2 = mul(%0, %1)  [2]  float64',
        '%3 = sigmoid(%2)  [2]  float64',
        '%4 = sum(%3)      []   float64  (output)',
      ].join('\n'),
    );
    expect(tapeNodes(loss)).toHaveLength(5);
    expect(toDot(loss)).toMatch(/^digraph tape \{/);
  });

  it('7. anomaly mode', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(() => detectAnomaly(() => log(x.sub(2)))).toThrow(AnomalyError);
    expect(() => detectAnomaly(() => log(x.sub(2)))).toThrow(
      /'log' produced NaN at flat index 0 of its output \[1\] from finite inputs:\n {2}input 0: shape \[1\] float64, min -1, max -1\ncalled at:/,
    );
  });
});
