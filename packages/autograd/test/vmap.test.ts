/**
 * vmap: every op of the table (the op matrix's rows, keyed by OpName) mapped over a batch against
 * a loop over the examples, with batch axes other than 0, unbatched arguments and nesting; then
 * the compositions with grad and jvp, per-example gradients, and the named errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ArgumentError,
  GradError,
  ShapeError,
  type Tensor,
  defineOp,
  grad,
  jacrev,
  jvp,
  matmul,
  sigmoid,
  stack,
  tensor,
  vmap,
} from '@tapegrad/autograd';
import type { Arr } from './support/naive.js';
import { cases } from './support/op-cases.js';

const NUM_RUNS = 25;
const SEED = Number(process.env.FC_SEED ?? 0x5a17);
const B = 3;

/** The values rotated by b places: another example that stays in the op's domain. */
function rotate(a: Arr, b: number): Arr {
  const n = a.data.length;
  return { shape: a.shape, data: a.data.map((_, i) => a.data[(i + b) % Math.max(n, 1)]!) };
}

/** Example b of a batch. */
function example(a: Arr, b: number): Tensor {
  return tensor([...rotate(a, b).data], { shape: [...a.shape] });
}

/** The examples stacked along `axis`. */
function batchOf(a: Arr, axis: number, size = B): Tensor {
  return stack(
    Array.from({ length: size }, (_, b) => example(a, b)),
    axis,
  );
}

function expectSame(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : Math.abs(a - e) > 1e-12 * (1 + Math.abs(e))) {
      throw new Error(`${what}: element ${i} is ${a}, the loop gives ${e}`);
    }
  }
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
  it('vmap matches a loop over the examples (any batch axis, some arguments unbatched)', () => {
    fc.assert(
      fc.property(c.sample, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), ({ inputs, params }, picks) => {
        // Each input is batched along a chosen axis, or shared; at least the first is batched.
        const axes = inputs.map((a, i) => (i > 0 && picks[i]! % 3 === 0 ? null : picks[i]! % (a.shape.length + 1)));
        const args = inputs.map((a, i) => (axes[i] === null ? example(a, 0) : batchOf(a, axes[i]!)));
        const got = vmap((...xs: Tensor[]) => c.run(params, ...xs), { inAxes: axes })(...args);
        const want = stack(
          Array.from({ length: B }, (_, b) =>
            c.run(params, ...inputs.map((a, i) => example(a, axes[i] === null ? 0 : b))),
          ),
          0,
        );
        expectSame(got, want, `${c.name} with inAxes ${JSON.stringify(axes)}`);
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });

  it('nested vmap matches a double loop', () => {
    fc.assert(
      fc.property(c.sample, ({ inputs, params }) => {
        // An outer batch of 2, each holding an inner batch of B, both along axis 0.
        const args = inputs.map((a) =>
          stack(
            [0, 1].map((o) => batchOf(rotate(a, o), 0)),
            0,
          ),
        );
        const got = vmap(vmap((...xs: Tensor[]) => c.run(params, ...xs)))(...args);
        const want = stack(
          [0, 1].map((o) =>
            stack(
              Array.from({ length: B }, (_, b) => c.run(params, ...inputs.map((a) => example(rotate(a, o), b)))),
              0,
            ),
          ),
          0,
        );
        expectSame(got, want, `${c.name} nested`);
      }),
      { numRuns: 10, seed: SEED },
    );
  });
});

describe('vmap composes', () => {
  const W = tensor([
    [0.1, 0.2, 0.3],
    [0.4, -0.5, 0.6],
  ]);
  const loss = (W: Tensor, x: Tensor, y: Tensor): Tensor => sigmoid(matmul(W, x)).sub(y).square().sum();
  const X = tensor([
    [1, 2, 3],
    [4, 5, 6],
    [-1, 0.5, 2],
  ]);
  const Y = tensor([
    [0, 1],
    [1, 0],
    [1, 1],
  ]);

  it('vmap(grad(loss), {inAxes: [null, 0, 0]}) gives per-example gradients', () => {
    const per = vmap(grad(loss), { inAxes: [null, 0, 0] })(W, X, Y) as unknown as Tensor;
    expect(per.shape).toEqual([3, 2, 3]);
    const loop = stack(
      [0, 1, 2].map(
        (b) =>
          grad(loss)(W, tensor((X.toArray() as number[][])[b]!), tensor((Y.toArray() as number[][])[b]!)) as Tensor,
      ),
      0,
    );
    expectSame(per, loop, 'per-example gradients');
  });

  it('grad of a vmapped function, and vmap of jvp and of jacrev', () => {
    const g = grad((X: Tensor) => vmap((x: Tensor) => x.mul(x).sum())(X).sum())(X) as Tensor;
    expectSame(g, X.mul(2), 'grad of vmap');
    const t = vmap((x: Tensor) => jvp((y: Tensor) => y.exp().sum(), [x], [tensor([1, 0, 0])])[1])(X);
    expectSame(t, tensor([Math.E, Math.exp(4), Math.exp(-1)]), 'vmap of jvp');
    const J = vmap(jacrev((x: Tensor) => x.mul(x)))(X) as Tensor;
    expect(J.shape).toEqual([3, 3, 3]);
    expect((J.toArray() as number[][][])[1]).toEqual([
      [8, 0, 0],
      [0, 10, 0],
      [0, 0, 12],
    ]);
  });

  it('puts the batch axis where outAxes says, and broadcasts unbatched outputs', () => {
    const out = vmap((x: Tensor) => [x.mul(2), tensor([7, 8])], { outAxes: [1, 0] })(X);
    expect(out[0]!.shape).toEqual([3, 3]);
    expectSame(out[0]!, X.mul(2).T, 'outAxes 1');
    expect(out[1]!.toArray()).toEqual([
      [7, 8],
      [7, 8],
      [7, 8],
    ]);
  });

  it('runs a custom op without a batching rule once per example', () => {
    let calls = 0;
    const twice = defineOp({
      name: 'twice',
      forward: (x) => {
        calls++;
        return x.mul(2);
      },
      vjp: (g) => [g.mul(2)],
    });
    expectSame(vmap((x: Tensor) => twice(x).sum())(X), X.sum({ axis: 1 }).mul(2), 'custom op');
    expect(calls).toBe(3);
  });
});

describe('vmap errors', () => {
  const X = tensor([
    [1, 2],
    [3, 4],
  ]);
  it('mismatched batch sizes, axes out of range, nothing batched, bad options', () => {
    expect(() => vmap((a: Tensor, b: Tensor) => a.add(b))(X, tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => vmap((a: Tensor, b: Tensor) => a.add(b))(X, tensor([1, 2, 3]))).toThrow(
      /vmap: argument 1 \(shape \[3\]\) has 3 examples along axis 0, but argument 0 \(shape \[2, 2\]\), axis 0 has 2/,
    );
    expect(() => vmap((a: Tensor) => a, { inAxes: 2 })(X)).toThrow(/axis 2 is out of range for 2 dimension/);
    expect(() => vmap((a: Tensor) => a, { inAxes: [null] })(X)).toThrow(ArgumentError);
    expect(() => vmap((a: Tensor) => a, { inAxes: [0, 0] })(X)).toThrow(
      /inAxes gives 2 entries for a call with 1 argument/,
    );
    expect(() => vmap((a: Tensor) => a, { in_axes: 0 } as never)).toThrow(
      /unknown option 'in_axes' \(did you mean 'inAxes'\?\)/,
    );
  });

  it('refuses to read a batched value inside the function, or to use one after it returned', () => {
    expect(() => vmap((a: Tensor) => tensor(a.item()))(tensor([1, 2]))).toThrow(
      /values of a batched tensor .* cannot be read/,
    );
    let leaked: Tensor | undefined;
    vmap((a: Tensor) => {
      leaked = a;
      return a;
    })(X);
    expect(() => vmap((b: Tensor) => b.add(leaked!))(X)).toThrow(GradError);
    expect(() => leaked!.toArray()).toThrow(ArgumentError);
  });
});
