/**
 * The forward-mode transforms: jvp and linearize, jacrev, jacfwd and hessian. Values worked out
 * by hand, Jacobians and Hessians against finite differences of values and gradients, the
 * compositions with reverse mode in both directions, pytrees, and the named errors.
 */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  GradError,
  ShapeError,
  type Tensor,
  allclose,
  centralDifference,
  defineOp,
  gather,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  linearize,
  sigmoid,
  tensor,
  zeros,
} from '@tapegrad/autograd';

const cube = (x: Tensor): Tensor => x.mul(x).mul(x).sum();

/** A small two-layer sigmoid net's quadratic cost as a function of a flat input. */
function mlpCost(x: Tensor): Tensor {
  const W1 = tensor([
    [0.3, -0.2, 0.5],
    [0.1, 0.4, -0.6],
  ]);
  const W2 = tensor([[0.7, -0.3]]);
  const a1 = sigmoid(
    x
      .reshape([1, 3])
      .matmul(W1.T)
      .add(tensor([0.1, -0.1])),
  );
  const a2 = sigmoid(a1.matmul(W2.T));
  return a2.sub(0.25).square().sum().mul(0.5);
}

function expectClose(actual: Tensor, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-3): void {
  const r = allclose(actual.data, expected, { atol, rtol });
  expect(r.passed, `worst: ${JSON.stringify(r.worst)}`).toBe(true);
}

/** The Jacobian of f: R^n → R^m by central differences, row-major [m, n]. */
function numericJacobian(f: (x: Tensor) => Tensor, x: Tensor): Float64Array {
  const n = x.size;
  const m = f(x).size;
  const J = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const e = zeros(x.shape);
    e.data[j] = 1;
    const col = centralDifference((h) => f(x.add(e.mul(h))).data, 1e-6);
    for (let i = 0; i < m; i++) J[i * n + j] = col[i]!;
  }
  return J;
}

describe('jvp', () => {
  it('gives the directional derivative worked out by hand', () => {
    // d/dε Σ (x + εv)³ = Σ 3x²v = 3·1 + 0 + 3·9·2 = 57
    const [y, dy] = jvp(cube, [tensor([1, 2, 3])], [tensor([1, 0, 2])]);
    expect(y.item()).toBe(36);
    expect(dy.item()).toBe(57);
  });

  it('takes several arguments and pytrees, returning the output structure', () => {
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => ({ z: p.w.mul(x).add(p.b), s: [x.sum()] });
    const p = { w: tensor([2, 3]), b: tensor([1, 1]) };
    const x = tensor([5, 7]);
    const [out, t] = jvp(f, [p, x], [{ w: tensor([1, 0]), b: tensor([0, 1]) }, tensor([1, 1])]);
    expect(out.z.toArray()).toEqual([11, 22]);
    // ż = ẇ·x + w·ẋ + ḃ = [5 + 2, 0 + 3 + 1]
    expect(t.z.toArray()).toEqual([7, 4]);
    expect(t.s[0]!.item()).toBe(2);
  });

  it('gives zero tangents for outputs that do not depend on the inputs', () => {
    const c = tensor([1, 2]);
    const [, t] = jvp((x: Tensor) => [x.mul(2), c], [tensor([1, 1])], [tensor([1, 1])]);
    expect(t[0]!.toArray()).toEqual([2, 2]);
    expect(t[1]!.toArray()).toEqual([0, 0]);
  });

  it('forward-over-reverse: jvp of grad is a Hessian-vector product', () => {
    const x = tensor([0.2, -0.4, 0.9]);
    const v = tensor([1, -2, 0.5]);
    const [, hv] = jvp(grad(mlpCost) as (x: Tensor) => Tensor, [x], [v]);
    const H = numericJacobian(grad(mlpCost) as (x: Tensor) => Tensor, x);
    const want = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, j) => s + H[i * 3 + j]! * v.data[j]!, 0));
    expectClose(hv, want, 1e-7, 1e-5);
  });

  it('reverse-over-forward: grad of a function that calls jvp', () => {
    // g(x) = ∇(Σx³)·v = Σ 3x²v, so ∇g = 6 x ⊙ v
    const v = tensor([1, 0, 2]);
    const g = grad((x: Tensor) => jvp(cube, [x], [v])[1]);
    expect((g(tensor([1, 2, 3])) as Tensor).toArray()).toEqual([6, 0, 36]);
  });

  it('nests: jvp of jvp is the second directional derivative, with no perturbation confusion', () => {
    // f(x) = Σx³: D²f[u, v] = Σ 6x u v
    const u = tensor([1, 1, 0]);
    const v = tensor([1, 0, 1]);
    const [, d2] = jvp((y: Tensor) => jvp(cube, [y], [u])[1], [tensor([1, 2, 3])], [v]);
    expect(d2.item()).toBe(6);
    // The classic confusion test: d/dx [x · d/dy (x + y)] at y = 1 is 1, not 2.
    const [, d] = jvp(
      (x: Tensor) => x.mul(jvp((y: Tensor) => x.add(y), [tensor(1)], [tensor(1)])[1]),
      [tensor(3)],
      [tensor(1)],
    );
    expect(d.item()).toBe(1);
  });

  it("sigmoid's second derivative: forward over sigmoid's fused vjp", () => {
    const xs = [-3, -0.5, 0, 0.5, 2];
    const h = hessian((x: Tensor) => sigmoid(x).sum())(tensor(xs)) as Tensor;
    xs.forEach((x, i) => {
      const s = 1 / (1 + Math.exp(-x));
      expect(h.data[i * xs.length + i]).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 14);
    });
  });

  it("gather's second derivative: forward over gather's scatter-add vjp", () => {
    // f(x) = Σ_k x[i_k]², with index 1 taken twice: ∇f = 2·(counts ⊙ x), H = diag(2·counts)
    const f = (x: Tensor) => gather(x, [1, 1, 0]).square().sum();
    const h = hessian(f)(tensor([0.5, -1, 2])) as Tensor;
    expect(h.toArray()).toEqual([
      [2, 0, 0],
      [0, 4, 0],
      [0, 0, 0],
    ]);
  });

  it('casts tangents with their primal', () => {
    const [y, t] = jvp((x: Tensor) => x.to('float32'), [tensor([1.5, 2])], [tensor([0.25, -1])]);
    expect(y.dtype).toBe('float32');
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual([0.25, -1]);
  });

  it('leaves no tangent behind when f throws', () => {
    const x = tensor([1, 2]);
    expect(() =>
      jvp(
        (y: Tensor) => {
          y.mul(2);
          throw new Error('boom');
        },
        [x],
        [tensor([1, 1])],
      ),
    ).toThrow('boom');
    const [, t] = jvp((y: Tensor) => y.mul(3), [x], [tensor([1, 0])]);
    expect(t.toArray()).toEqual([3, 0]);
  });

  describe('named errors', () => {
    it('a tangent of the wrong shape or dtype, or a wrong count', () => {
      const x = tensor([1, 2]);
      expect(() => jvp(cube, [x], [tensor([1, 2, 3])])).toThrow(ShapeError);
      expect(() => jvp(cube, [x], [tensor([1, 2, 3])])).toThrow(
        /tangent 0 has shape \[3\], but its primal has shape \[2\]/,
      );
      expect(() => jvp(cube, [x], [tensor([1, 2], { dtype: 'float32' })])).toThrow(DTypeError);
      expect(() => jvp(cube, [x], [] as never)).toThrow(ArgumentError);
      expect(() => jvp(cube, x as never, [x] as never)).toThrow(/pass primals and tangents as arrays/);
      expect(() => jvp(null as never, [x], [x])).toThrow(ArgumentError);
    });

    it('a custom op without a jvp rule, naming it; with one, it works', () => {
      const noRule = defineOp({
        name: 'myCube',
        forward: (x) => x.mul(x).mul(x),
        vjp: (g, { inputs: [x] }) => [g.mul(x!.square().mul(3))],
      });
      expect(() => jvp((x: Tensor) => noRule(x), [tensor([1])], [tensor([1])])).toThrow(GradError);
      expect(() => jvp((x: Tensor) => noRule(x), [tensor([1])], [tensor([1])])).toThrow(/op 'myCube' has no jvp rule/);
      const withRule = defineOp({
        name: 'myCube2',
        forward: (x) => x.mul(x).mul(x),
        vjp: (g, { inputs: [x] }) => [g.mul(x!.square().mul(3))],
        jvp: ([t], { inputs: [x] }) => t!.mul(x!.square().mul(3)),
      });
      expect(jvp((x: Tensor) => withRule(x), [tensor([2])], [tensor([1])])[1].toArray()).toEqual([12]);
      // Reverse mode through the op needs no jvp.
      expect((grad((x: Tensor) => noRule(x).sum())(tensor([2])) as Tensor).toArray()).toEqual([12]);
    });

    it('a custom jvp returning the wrong shape', () => {
      const bad = defineOp({
        name: 'badJvp',
        forward: (x) => x.mul(2),
        vjp: (g) => [g.mul(2)],
        jvp: ([t]) => t!.sum(),
      });
      expect(() => jvp((x: Tensor) => bad(x), [tensor([1, 2])], [tensor([1, 1])])).toThrow(
        /jvp rule of 'badJvp' returned a tangent of shape \[\] \(float64\) for an output of shape \[2\]/,
      );
    });
  });
});

describe('linearize', () => {
  it('returns f(x) and the linear map v ↦ J v', () => {
    const [y, lin] = linearize(cube, tensor([1, 2, 3]));
    expect(y.item()).toBe(36);
    expect(lin(tensor([1, 0, 2])).item()).toBe(57);
    expect(lin(tensor([0, 1, 0])).item()).toBe(12);
    expect(() => (lin as (...a: Tensor[]) => Tensor)()).toThrow(ArgumentError);
  });
});

describe('jacrev and jacfwd', () => {
  const f = (x: Tensor): Tensor =>
    sigmoid(
      x.reshape([2, 2]).matmul(
        tensor([
          [1, -2],
          [0.5, 3],
        ]),
      ),
    ).mul(x.sum());

  it('agree with finite differences and with each other, shaped out.shape ++ in.shape', () => {
    const x = tensor([0.3, -0.7, 1.2, 0.1]);
    const Jr = jacrev(f)(x) as Tensor;
    const Jf = jacfwd(f)(x) as Tensor;
    expect(Jr.shape).toEqual([2, 2, 4]);
    expect(Jf.shape).toEqual([2, 2, 4]);
    expectClose(Jr, numericJacobian(f, x));
    expectClose(Jf, Jr.data, 1e-13, 1e-12);
  });

  it('take argnums lists and pytrees: the output structure, with the input structure at each leaf', () => {
    const g = (p: { w: Tensor; b: Tensor }, x: Tensor) => [p.w.mul(x).add(p.b), x.sum()];
    const p = { w: tensor([2, 3]), b: tensor([1, 1]) };
    const x = tensor([5, 7]);
    for (const jac of [jacrev, jacfwd]) {
      const J = jac(g, { argnums: [0, 1] })(p, x) as [
        [{ w: Tensor; b: Tensor }, Tensor],
        [{ w: Tensor; b: Tensor }, Tensor],
      ];
      expect(J[0][0].w.toArray()).toEqual([
        [5, 0],
        [0, 7],
      ]);
      expect(J[0][0].b.toArray()).toEqual([
        [1, 0],
        [0, 1],
      ]);
      expect(J[0][1].toArray()).toEqual([
        [2, 0],
        [0, 3],
      ]);
      expect(J[1][0].w.shape).toEqual([2]);
      expect(J[1][1].toArray()).toEqual([1, 1]);
    }
  });

  it('check their options', () => {
    expect(() => jacrev(f, { argnum: 0 } as never)).toThrow(/unknown option 'argnum' \(did you mean 'argnums'\?\)/);
    expect(() => jacfwd(f, { argnums: 3 })(tensor([1, 2, 3, 4]))).toThrow(/argnums 3 is out of range/);
  });
});

describe('hessian', () => {
  it("matches finite differences of the gradient for an MLP's cost", () => {
    const x = tensor([0.2, -0.4, 0.9]);
    const H = hessian(mlpCost)(x) as Tensor;
    expect(H.shape).toEqual([3, 3]);
    expectClose(H, numericJacobian(grad(mlpCost) as (x: Tensor) => Tensor, x), 1e-7, 1e-5);
    // Symmetric, as a Hessian of a smooth function is.
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(H.data[i * 3 + j]).toBeCloseTo(H.data[j * 3 + i]!, 14);
  });

  it('is diag(6x) for Σx³, by hand', () => {
    expect((hessian(cube)(tensor([1, 2, 3])) as Tensor).toArray()).toEqual([
      [6, 0, 0],
      [0, 12, 0],
      [0, 0, 18],
    ]);
  });
});
