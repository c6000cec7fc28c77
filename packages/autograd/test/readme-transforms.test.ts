/** The README's forward-mode, Jacobian and vmap examples, run as written, with their stated values. */
import { expect, it } from 'vitest';
import { grad, hessian, jacrev, jvp, linearize, tensor, vmap, type Tensor } from '@tapegrad/autograd';

it('README: forward mode, Jacobians and vmap', () => {
  const f = (x: Tensor) => x.mul(x).mul(x).sum();
  const x = tensor([1, 2, 3]);
  const [y, dy] = jvp(f, [x], [tensor([1, 0, 2])]);
  expect([y.item(), dy.item()]).toEqual([36, 57]);
  const [, hv] = jvp(grad(f) as (x: Tensor) => Tensor, [x], [tensor([1, 0, 0])]);
  expect(hv.toArray()).toEqual([6, 0, 0]);
  const [, lin] = linearize(f, x);
  expect(lin(tensor([1, 0, 2])).item()).toBe(57);
  expect((jacrev((x: Tensor) => x.mul(x))(x) as Tensor).toArray()).toEqual([
    [2, 0, 0],
    [0, 4, 0],
    [0, 0, 6],
  ]);
  expect((hessian(f)(x) as Tensor).toArray()).toEqual([
    [6, 0, 0],
    [0, 12, 0],
    [0, 0, 18],
  ]);
  const loss = (w: Tensor, xi: Tensor, yi: Tensor) => xi.mul(w).sum().sub(yi).square();
  const X = tensor([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const Y = tensor([1, 0, 2]);
  const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(tensor([0.5, -0.5]), X, Y) as unknown as Tensor;
  // ∂/∂w (x·w − y)² = 2(x·w − y) x: residuals −1.5, −0.5, −2.5
  expect(perExample.toArray()).toEqual([
    [-3, -6],
    [-3, -4],
    [-25, -30],
  ]);
});
