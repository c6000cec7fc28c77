import { describe, expect, it } from 'vitest';
import {
  GradError,
  customVjp,
  defineOp,
  grad,
  hvp,
  mul,
  noGrad,
  pow,
  sum,
  tensor,
  Tensor,
  type Tensor as T,
} from '../src/index.js';

const cubeSum = (w: T) => (x: T) => sum(mul(w, pow(x, 3)));

describe('hvp composes with the other transforms (issue 11, item 1)', () => {
  const x0 = tensor([1, 2]);
  const v = tensor([1, 1]);

  it('grad through hvp over a closed-over variable: ∂/∂w Σ (H v)·v = 6 x ⊙ v² = [6, 12]', () => {
    const g = grad((w: T) => sum(mul(hvp(cubeSum(w), x0, v), v)))(tensor([1, 1])) as Tensor;
    expect(Array.from(g.data)).toEqual([6, 12]);
    // The same value by grad ∘ grad, which always composed: H v = ∂/∂x ⟨∇f, v⟩.
    const viaGrad = (w: T) => grad((x: T) => sum(mul(grad(cubeSum(w))(x) as Tensor, v)))(x0) as Tensor;
    const gg = grad((w: T) => sum(mul(viaGrad(w), v)))(tensor([1, 1])) as Tensor;
    expect(Array.from(gg.data)).toEqual([6, 12]);
  });

  it('grad through hvp over the primal: ∂/∂x Σ H v = ∂/∂x Σ 6 w x v = 6 w v = [6, 6]', () => {
    const g = grad((x: T) => sum(hvp(cubeSum(tensor([1, 1])), x, v)))(x0) as Tensor;
    expect(Array.from(g.data)).toEqual([6, 6]);
  });

  it('grad through hvp over the tangent: ∂/∂v Σ H v = H 1 = 6 w x = [6, 12]', () => {
    const g = grad((u: T) => sum(hvp(cubeSum(tensor([1, 1])), x0, u)))(v) as Tensor;
    expect(Array.from(g.data)).toEqual([6, 12]);
  });

  it('outside any transform the result is still a plain value', () => {
    const h = hvp(cubeSum(tensor([1, 1])), x0, v);
    expect(h.requiresGrad).toBe(false);
    expect(Array.from(h.data)).toEqual([6, 12]);
  });
});

describe('an off-tape vjp under createGraph is an error, never zeros (item 2)', () => {
  // Cube whose vjp reads raw data: right at first order, a constant to the tape.
  const rawCube = defineOp({
    name: 'rawCube',
    forward: (x) => x.mul(x).mul(x),
    vjp: (g, { inputs: [x] }) => [
      new Tensor(
        Float64Array.from(x!.data, (xi, i) => 3 * xi * xi * g.data[i]!),
        x!.shape,
      ),
    ],
  });

  it('first order is unaffected', () => {
    expect(Array.from((grad((x: T) => sum(rawCube(x)))(tensor([1, 2])) as Tensor).data)).toEqual([3, 12]);
  });

  it('hvp names the op', () => {
    expect(() => hvp((x: T) => sum(rawCube(x)), tensor([1, 2]), tensor([1, 1]))).toThrow(GradError);
    expect(() => hvp((x: T) => sum(rawCube(x)), tensor([1, 2]), tensor([1, 1]))).toThrow(/'rawCube'.*not on the tape/);
  });

  it('grad ∘ grad names the op', () => {
    const f = (x: T) => sum(grad((y: T) => sum(rawCube(y)))(x) as Tensor);
    expect(() => grad(f)(tensor([1, 2]))).toThrow(/'rawCube'/);
  });
});

describe('a failed in-place edit still bumps the version (item 3)', () => {
  it('backward refuses the edited value instead of using it', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = tensor([2]);
    const z = mul(x, y); // saves y
    expect(() =>
      y.mutate_((d) => {
        d[0] = 4;
        throw new Error('edit failed');
      }),
    ).toThrow('edit failed');
    expect(() => z.backward(tensor([1]))).toThrow(GradError);
  });
});

describe('customVjp gradients get the central shape check (item 4)', () => {
  it('a [2] gradient for a [1] input of a [1] output is a ShapeError naming the op', () => {
    const twice = customVjp((x: T) => mul(x, 2), {
      name: 'twice',
      fwd: (x) => [mul(x, 2), null],
      bwd: () => [tensor([2, 2])],
    });
    const x = tensor([1], { requiresGrad: true });
    expect(() => twice(x).sum().backward()).toThrow(/'twice'.*shape \[2\].*\[1\]/);
  });

  it('a broadcast input still gets its gradient summed', () => {
    const scale = defineOp({
      name: 'scale',
      forward: (x, s) => x.mul(s),
      vjp: (g, { inputs: [x, s] }) => [g.mul(s!), g.mul(x!)],
    });
    const s = tensor([2], { requiresGrad: true });
    scale(tensor([1, 2, 3]), s)
      .sum()
      .backward();
    expect(Array.from(s.grad!.data)).toEqual([6]);
  });
});

describe('modes refuse async functions (item 9)', () => {
  it('noGrad(async fn) is an ArgumentError, and grad mode is unchanged', async () => {
    expect(() => noGrad(async () => 1)).toThrow(/asynchronous/);
    expect(() => noGrad(() => Promise.resolve(1))).toThrow(/asynchronous/);
  });
});
