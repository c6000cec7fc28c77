import { describe, expect, it } from 'vitest';
import {
  Rng,
  type Tensor,
  gradients,
  grad,
  hvp,
  matmul,
  randn,
  sigmoid,
  sum,
  tanh,
  tensor,
  exp,
  mul,
} from '@tapegrad/autograd';

const POINTS = [-800, -6, -1.5, -0.3, 0, 0.4, 2, 7, 800];

/** d²/dx² of an elementwise op by double backward: the gradient of Σ f′(x), with f′ recorded. */
function secondDerivative(f: (x: Tensor) => Tensor, points: number[]): Float64Array {
  const x = tensor(points, { requiresGrad: true });
  const first = gradients(sum(f(x)), x, { createGraph: true })!;
  expect(first.requiresGrad).toBe(true);
  return gradients(sum(first), x)!.data as Float64Array;
}

function expectCloseTo(actual: ArrayLike<number>, expected: number[]): void {
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(1e-15 + 1e-12 * Math.abs(e)));
}

describe('second derivatives against closed forms', () => {
  it('sigmoid: σ″ = σ(1 − σ)(1 − 2σ), finite even at |z| = 800', () => {
    const s = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
    expectCloseTo(
      secondDerivative(sigmoid, POINTS),
      POINTS.map((v) => s(v) * (1 - s(v)) * (1 - 2 * s(v))),
    );
  });

  it('tanh: tanh″ = −2 tanh (1 − tanh²)', () => {
    expectCloseTo(
      secondDerivative(tanh, POINTS),
      POINTS.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)),
    );
  });

  it('third derivative of exp is exp (three nested recorded passes)', () => {
    const x = tensor([0.5, -1], { requiresGrad: true });
    const g1 = gradients(sum(exp(x)), x, { createGraph: true })!;
    const g2 = gradients(sum(g1), x, { createGraph: true })!;
    const g3 = gradients(sum(g2), x)!;
    expectCloseTo(g3.data, [Math.exp(0.5), Math.exp(-1)]);
  });

  it('grad of grad through the functional transform', () => {
    const d2 = grad(grad((x: Tensor) => sum(x.mul(x).mul(x))));
    expect((d2(tensor(2)) as Tensor).item()).toBe(12);
  });
});

describe('hvp', () => {
  // f(W, x) = Σ tanh(W x) ⊙ c: curvature in both arguments and across them.
  const c = tensor([0.3, -1.2, 0.8]);
  const f = (W: Tensor, x: Tensor): Tensor => sum(mul(tanh(matmul(W, x)), c));

  it('matches central differences of the gradient: H v ≈ (∇f(x + εv) − ∇f(x − εv)) / 2ε', () => {
    const rng = new Rng(11);
    const W = randn([3, 4], { rng });
    const x = randn([4], { rng });
    const vW = randn([3, 4], { rng });
    const vx = randn([4], { rng });
    const [hW, hx] = hvp(f, [W, x], [vW, vx]);
    const eps = 1e-6;
    const gradAt = (sign: number) => {
      const Wp = tensor(
        W.data.map((w, i) => w + sign * eps * vW.data[i]!),
        { shape: [3, 4], requiresGrad: true },
      );
      const xp = tensor(
        x.data.map((w, i) => w + sign * eps * vx.data[i]!),
        { requiresGrad: true },
      );
      return gradients(f(Wp, xp), [Wp, xp]);
    };
    const [pW, px] = gradAt(1);
    const [mW, mx] = gradAt(-1);
    hW!.data.forEach((h, i) => {
      const numeric = (pW!.data[i]! - mW!.data[i]!) / (2 * eps);
      expect(Math.abs(h - numeric)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(numeric));
    });
    hx!.data.forEach((h, i) => {
      const numeric = (px!.data[i]! - mx!.data[i]!) / (2 * eps);
      expect(Math.abs(h - numeric)).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(numeric));
    });
  });

  it('equals the exact Hessian for a quadratic, and leaves .grad alone', () => {
    // f(x) = ½ xᵀ A x with symmetric A has H = A.
    const A = tensor([
      [2, 1],
      [1, 3],
    ]);
    const x = tensor([1, -1], { requiresGrad: true });
    const h = hvp((t) => sum(t.mul(matmul(A, t))).mul(0.5), x, tensor([1, 2]));
    expect(h.toArray()).toEqual([4, 7]);
    expect(x.grad).toBeNull();
  });

  it('returns zeros for a linear function and checks tangent shapes', () => {
    expect(hvp((t) => sum(t.mul(3)), tensor([1, 2]), tensor([5, 5])).toArray()).toEqual([0, 0]);
    expect(() => hvp((t) => sum(t), tensor([1, 2]), tensor([1]))).toThrow(
      /tangent 0 has shape \[1\] but primal 0 has \[2\]/,
    );
  });
});
