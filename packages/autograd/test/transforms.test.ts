import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  GradError,
  type Tensor,
  grad,
  valueAndGrad,
  vjp,
  matmul,
  sigmoid,
  sum,
  tensor,
  treeFlatten,
  treeUnflatten,
  treeMap,
  noGrad,
} from '@tapegrad/autograd';

type Params = { layers: { W: Tensor; b: Tensor }[]; scale: Tensor };

const params = (): Params => ({
  layers: [
    {
      W: tensor(
        [
          [0.2, -0.4],
          [0.5, 0.1],
        ],
        { requiresGrad: true },
      ),
      b: tensor([0.1, -0.2], { requiresGrad: true }),
    },
    { W: tensor([[0.3, 0.7]], { requiresGrad: true }), b: tensor([0.05], { requiresGrad: true }) },
  ],
  scale: tensor(2, { requiresGrad: true }),
});

function loss(p: Params, x: Tensor): Tensor {
  let a = x;
  for (const { W, b } of p.layers) a = sigmoid(matmul(W, a).add(b));
  return sum(a).mul(p.scale);
}

const x0 = () => tensor([1.5, -0.5]);

describe('pytrees', () => {
  it('flatten and unflatten nested objects and arrays, keeping non-tensor leaves', () => {
    const t1 = tensor([1]);
    const t2 = tensor([2]);
    const tree = { a: [t1, { b: t2, name: 'w' }], n: 3, z: null };
    const [leaves, def] = treeFlatten(tree);
    expect(leaves).toEqual([t1, t2]);
    const rebuilt = treeUnflatten<typeof tree>(def, [t2, t1]);
    expect(rebuilt).toEqual({ a: [t2, { b: t1, name: 'w' }], n: 3, z: null });
    expect(treeMap<typeof tree>(tree, (t) => t.mul(10)).a[0]).toSatisfy((t: Tensor) => t.item() === 10);
  });

  it('refuses class instances and cycles with a hint', () => {
    expect(() => treeFlatten({ m: new Map() })).toThrow(/tree\.m is a Map/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => treeFlatten(cyc)).toThrow(/no cycles/);
    expect(() => treeUnflatten(treeFlatten([tensor(1)])[1], [])).toThrow(ArgumentError);
  });
});

describe('grad / valueAndGrad', () => {
  it('return gradients with the structure of a nested parameter tree', () => {
    const p = params();
    const g = grad(loss)(p, x0()) as Params;
    // Compare with the tape's own backward on a fresh copy.
    const q = params();
    loss(q, x0()).backward();
    g.layers.forEach((l, i) => {
      expect(l.W.toArray()).toEqual(q.layers[i]!.W.grad!.toArray());
      expect(l.b.toArray()).toEqual(q.layers[i]!.b.grad!.toArray());
    });
    expect(g.scale.item()).toBe(q.scale.grad!.item());
  });

  it('mutate no .grad field, of the arguments or of tensors captured in a closure', () => {
    const p = params();
    const captured = tensor([0.5], { requiresGrad: true });
    const x = x0();
    const [value] = valueAndGrad((pp: Params) => loss(pp, x).mul(captured.sum()))(p);
    grad(loss, { argnums: [0, 1] })(p, x);
    vjp((pp: Params) => loss(pp, x), p)[1](tensor(1));
    for (const l of p.layers) {
      expect(l.W.grad).toBeNull();
      expect(l.b.grad).toBeNull();
    }
    expect(p.scale.grad).toBeNull();
    expect(captured.grad).toBeNull();
    expect((value as Tensor).requiresGrad).toBe(false);
  });

  it('takes argnums as a number or a list, and zeros for unused arguments', () => {
    const f = (a: Tensor, b: Tensor, _c: Tensor) => sum(a.mul(b));
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const c = tensor([9]);
    expect(grad(f, { argnums: 1 })(a, b, c).toArray()).toEqual([1, 2]);
    const [ga, gc] = grad(f, { argnums: [0, 2] })(a, b, c) as Tensor[];
    expect(ga!.toArray()).toEqual([3, 4]);
    expect(gc!.toArray()).toEqual([0]);
    expect(() => grad(f, { argnums: 3 })(a, b, c)).toThrow(/argnums 3 is out of range/);
  });

  it('passes aux through with hasAux', () => {
    const f = (w: Tensor) => {
      const y = w.mul(w);
      return [sum(y), { y: y.detach(), note: 'aux' }] as const;
    };
    const [[v, aux], g] = valueAndGrad(f, { hasAux: true })(tensor([1, 3]));
    expect(v.item()).toBe(10);
    expect(aux.y.toArray()).toEqual([1, 9]);
    expect(aux.note).toBe('aux');
    expect(g.toArray()).toEqual([2, 6]);
    const [g2, aux2] = grad(f, { hasAux: true })(tensor([2]));
    expect(g2.toArray()).toEqual([4]);
    expect(aux2.note).toBe('aux');
  });

  it('needs a scalar result and says what to do otherwise', () => {
    expect(() => grad((w: Tensor) => w.mul(2))(tensor([1, 2]))).toThrow(GradError);
    expect(() => grad((w: Tensor) => w.mul(2))(tensor([1, 2]))).toThrow(/one-element.*\.sum\(\).*vjp/);
    expect(() => grad((w: Tensor) => sum(w), { hasAux: true })(tensor([1]))).toThrow(/\[value, aux\]/);
  });

  it('works inside noGrad (the transform records its own tape)', () => {
    expect((noGrad(() => grad((w: Tensor) => sum(w.mul(w)))(tensor([3]))) as Tensor).toArray()).toEqual([6]);
  });

  it('nests: a gradient taken inside another grad is differentiable', () => {
    const f = (w: Tensor) => sum(w.mul(w).mul(w));
    const d2 = grad((w: Tensor) => sum(grad(f)(w) as Tensor));
    expect((d2(tensor([1, 2])) as Tensor).toArray()).toEqual([6, 12]);
  });
});

describe('vjp', () => {
  it('pulls a cotangent pytree back to one gradient per primal, repeatably', () => {
    const f = (p: { a: Tensor; b: Tensor }, s: Tensor) => ({ u: p.a.mul(s), v: [p.b.mul(p.b)] });
    const [out, pullback] = vjp(f, { a: tensor([1, 2]), b: tensor([3]) }, tensor(2));
    expect(out.u.toArray()).toEqual([2, 4]);
    expect(out.u.requiresGrad).toBe(false);
    const [gp, gs] = pullback({ u: tensor([1, 1]), v: [tensor([1])] });
    expect(gp.a.toArray()).toEqual([2, 2]);
    expect(gp.b.toArray()).toEqual([6]);
    expect(gs.item()).toBe(3);
    const [again] = pullback({ u: tensor([1, 0]), v: [tensor([0])] });
    expect(again.a.toArray()).toEqual([2, 0]);
    expect(() => pullback({ u: tensor([1]), v: [tensor([1])] })).toThrow(
      /cotangent 0 has shape \[1\] but output 0 has shape \[2\]/,
    );
  });
});
