/**
 * Op behaviour the finite-difference table cannot see: dtype rules (float32 stays float32, mixing
 * promotes to float64, float32 leaves get float32 gradients), the documented conventions at
 * kinks and ties, masks, argmax/argmin, and index handling.
 */
import { describe, expect, it } from 'vitest';
import * as tg from '@tapegrad/autograd';
import { type Tensor, gradients, tensor } from '@tapegrad/autograd';

const f32 = (v: number[] | number[][], requiresGrad = false): Tensor => tensor(v, { dtype: 'float32', requiresGrad });
const grad = (y: Tensor, x: Tensor): number[] => Array.from((gradients(y.sum(), [x]) as Tensor[])[0]!.data);

describe('float32', () => {
  const unaryOps: [string, (x: Tensor) => Tensor][] = [
    ['neg', tg.neg],
    ['exp', tg.exp],
    ['log', tg.log],
    ['sigmoid', tg.sigmoid],
    ['sqrt', tg.sqrt],
    ['abs', tg.abs],
    ['square', tg.square],
    ['tanh', tg.tanh],
    ['relu', tg.relu],
    ['softplus', tg.softplus],
    ['clone', tg.clone],
    ['sum', (x) => tg.sum(x, { axis: 1 })],
    ['mean', (x) => tg.mean(x)],
    ['max', (x) => tg.max(x, { axis: 0 })],
    ['min', (x) => tg.min(x)],
    ['logsumexp', (x) => tg.logsumexp(x, { axis: -1 })],
    ['softmax', (x) => tg.softmax(x)],
    ['logSoftmax', (x) => tg.logSoftmax(x, { axis: 0 })],
    ['reshape', (x) => tg.reshape(x, [-1])],
    ['broadcastTo', (x) => tg.broadcastTo(x, [3, 2, 2])],
    ['permute', (x) => tg.permute(x, [1, 0])],
    ['transpose', (x) => tg.transpose(x)],
    ['squeeze', (x) => tg.squeeze(tg.unsqueeze(x, 0))],
    ['slice', (x) => tg.slice(x, [[1, 2]])],
    [
      'pad',
      (x) =>
        tg.pad(x, [
          [1, 0],
          [0, 2],
        ]),
    ],
    ['concat', (x) => tg.concat([x, x], 1)],
    ['stack', (x) => tg.stack([x, x])],
    ['gather', (x) => tg.gather(x, [1, 1, 0], 1)],
    ['takeAlongAxis', (x) => tg.takeAlongAxis(x, tensor([[1], [0]]), 1)],
    ['clamp', (x) => tg.clamp(x, 0.5, 1.5)],
    ['matmul', (x) => tg.matmul(x, x)],
    ['pow', (x) => tg.pow(x, 2)],
    ['maximum', (x) => tg.maximum(x, 1)],
    ['where', (x) => tg.where(tg.gt(x, 1), x, 0)],
  ];

  it.each(unaryOps)('%s keeps float32 and gives a float32 leaf a float32 gradient', (_, op) => {
    const x = f32(
      [
        [0.5, 1.25],
        [2, 3],
      ],
      true,
    );
    const y = op(x);
    expect(y.dtype).toBe('float32');
    const g = (gradients(y.sum(), [x]) as Tensor[])[0]!;
    expect(g.dtype).toBe('float32');
    expect(g.shape).toEqual(x.shape);
  });

  const binaryOps: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', tg.add],
    ['sub', tg.sub],
    ['mul', tg.mul],
    ['div', tg.div],
    ['pow', tg.pow],
    ['maximum', tg.maximum],
    ['minimum', tg.minimum],
    ['matmul', tg.matmul],
    ['concat', (a, b) => tg.concat([a, b])],
    ['where', (a, b) => tg.where(tg.gt(a, b), a, b)],
  ];

  it.each(binaryOps)(
    '%s promotes float32 with float64 to float64, and each leaf keeps its dtype in its gradient',
    (_, op) => {
      const a = f32(
        [
          [0.5, 1.25],
          [2, 3],
        ],
        true,
      );
      const b = tensor(
        [
          [1.5, 0.75],
          [1, 2],
        ],
        { requiresGrad: true },
      );
      const y = op(a, b);
      expect(y.dtype).toBe('float64');
      const [ga, gb] = gradients(y.sum(), [a, b]) as Tensor[];
      expect(ga!.dtype).toBe('float32');
      expect(gb!.dtype).toBe('float64');
    },
  );

  it('a number operand never promotes: float32 op number stays float32', () => {
    expect(tg.add(f32([1, 2]), 0.1).dtype).toBe('float32');
    expect(tg.pow(2, f32([1, 2])).dtype).toBe('float32');
  });

  it('comparison masks take the promoted dtype', () => {
    expect(tg.gt(f32([1, 2]), 1).dtype).toBe('float32');
    expect(tg.eq(f32([1, 2]), tensor([1, 3])).dtype).toBe('float64');
  });
});

describe('conventions at kinks and ties', () => {
  it('relu and abs have gradient 0 at 0', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    expect(grad(tg.relu(x), x)).toEqual([0, 0, 1]);
    expect(grad(tg.abs(x), x)).toEqual([-1, 0, 1]);
  });

  it('maximum and minimum split the gradient 0.5 / 0.5 at ties', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([2, 2, 2], { requiresGrad: true });
    const [ga, gb] = gradients(tg.maximum(a, b).sum(), [a, b]) as Tensor[];
    expect(Array.from(ga!.data)).toEqual([0, 0.5, 1]);
    expect(Array.from(gb!.data)).toEqual([1, 0.5, 0]);
    const [ha, hb] = gradients(tg.minimum(a, b).sum(), [a, b]) as Tensor[];
    expect(Array.from(ha!.data)).toEqual([1, 0.5, 0]);
    expect(Array.from(hb!.data)).toEqual([0, 0.5, 1]);
  });

  it('max and min share the gradient evenly among tied elements', () => {
    const x = tensor(
      [
        [3, 1, 3],
        [0, 0, 0],
      ],
      { requiresGrad: true },
    );
    expect(grad(tg.max(x, { axis: 1 }), x)).toEqual([0.5, 0, 0.5, 1 / 3, 1 / 3, 1 / 3]);
    expect(grad(tg.min(x), x)).toEqual([0, 0, 0, 1 / 3, 1 / 3, 1 / 3]);
  });

  it('clamp passes the gradient where min ≤ x ≤ max, bounds included', () => {
    const x = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    const y = tg.clamp(x, -1, 1);
    expect(Array.from(y.data)).toEqual([-1, -1, 0, 1, 1]);
    expect(grad(y, x)).toEqual([0, 1, 1, 1, 0]);
    expect(Array.from(tg.clamp(x, undefined, 0).data)).toEqual([-2, -1, 0, 0, 0]);
  });

  it('pow gives the exponent gradient 0 at base 0 instead of NaN', () => {
    const a = tensor([0, 2]);
    const b = tensor([2, 3], { requiresGrad: true });
    expect(grad(tg.pow(a, b), b)).toEqual([0, 8 * Math.log(2)]);
  });
});

describe('comparisons, where, argmax', () => {
  it('comparisons give 0/1 masks with broadcasting and no tape', () => {
    const a = tensor([[1, 2, 3]], { requiresGrad: true });
    const b = tensor([[2], [3]]);
    expect(tg.lt(a, b).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    expect(tg.le(a, b).toArray()).toEqual([
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(tg.gt(a, b).toArray()).toEqual([
      [0, 0, 1],
      [0, 0, 0],
    ]);
    expect(tg.ge(a, 2).toArray()).toEqual([[0, 1, 1]]);
    expect(tg.eq(a, 2).toArray()).toEqual([[0, 1, 0]]);
    expect(tg.ne(a, NaN).toArray()).toEqual([[1, 1, 1]]);
    expect(tg.gt(a, b).requiresGrad).toBe(false);
  });

  it('where routes gradients to the selected operand only', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor(10, { requiresGrad: true });
    const y = tg.where(tensor([1, 0, 1]), a, b);
    expect(Array.from(y.data)).toEqual([1, 10, 3]);
    const [ga, gb] = gradients(y.sum(), [a, b]) as Tensor[];
    expect(Array.from(ga!.data)).toEqual([1, 0, 1]);
    expect(gb!.item()).toBe(1);
    const numbers = tg.where(tensor([0, 2], { dtype: 'float32' }), 1, -1);
    expect(numbers.dtype).toBe('float32');
    expect(Array.from(numbers.data)).toEqual([-1, 1]);
  });

  it('argmax / argmin return float64 integer indices, first on ties', () => {
    const x = tensor(
      [
        [1, 5, 5],
        [7, 0, 7],
      ],
      { dtype: 'float32' },
    );
    const am = tg.argmax(x, { axis: 1 });
    expect(am.dtype).toBe('float64');
    expect(Array.from(am.data)).toEqual([1, 0]);
    expect(Array.from(tg.argmin(x, { axis: 0 }).data)).toEqual([0, 1, 0]);
    expect(tg.argmax(x).item()).toBe(3);
    expect(tg.argmax(x, { axis: -1, keepdims: true }).shape).toEqual([2, 1]);
    expect(tg.argmax(tensor([1, NaN, 3])).item()).toBe(1);
  });
});

describe('indexing and blocks', () => {
  it('gather accumulates gradients of repeated indices', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const y = tg.gather(x, [2, 0, 2], 1);
    expect(y.toArray()).toEqual([
      [3, 1, 3],
      [6, 4, 6],
    ]);
    expect(grad(y, x)).toEqual([1, 0, 2, 1, 0, 2]);
    expect(tg.gather(x, tensor([[1, 0]]), 0).shape).toEqual([1, 2, 3]);
    expect(tg.gather(x, tensor(1), 0).toArray()).toEqual([4, 5, 6]);
  });

  it('takeAlongAxis picks logits[i, label[i]]', () => {
    const logits = tensor(
      [
        [0.1, 0.9, 0.0],
        [0.3, 0.2, 0.5],
      ],
      { requiresGrad: true },
    );
    const picked = tg.takeAlongAxis(logits, tg.unsqueeze(tensor([1, 2]), 1), 1);
    expect(picked.toArray()).toEqual([[0.9], [0.5]]);
    expect(grad(picked, logits)).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('slice takes [start, end] per axis, null for whole axes, negatives from the end', () => {
    const x = tg.reshape(tg.arange(12), [3, 4]);
    expect(tg.slice(x, [null, [1, 3]]).toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(tg.slice(x, [[-1]]).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(x.slice([[0, -2], [-1]]).toArray()).toEqual([[3]]);
  });

  it('squeeze removes every size-1 dimension by default', () => {
    expect(tg.squeeze(tg.zeros([1, 2, 1, 3])).shape).toEqual([2, 3]);
    expect(tg.squeeze(tg.zeros([1, 2, 1]), -1).shape).toEqual([1, 2]);
  });

  it('sum, mean, max of a 0-d tensor are the value itself', () => {
    const x = tensor(3, { requiresGrad: true });
    expect(tg.sum(x).item()).toBe(3);
    expect(tg.max(x).item()).toBe(3);
    expect(tg.mean(x).item()).toBe(3);
    expect(tg.logsumexp(x).item()).toBe(3);
    expect(tg.softmax(x).item()).toBe(1);
  });

  it('methods delegate to the functions', () => {
    const x = tensor([
      [1, -2],
      [3, 4],
    ]);
    expect(x.relu().toArray()).toEqual([
      [1, 0],
      [3, 4],
    ]);
    expect(x.max({ axis: 0 }).toArray()).toEqual([3, 4]);
    expect(x.mean().item()).toBe(1.5);
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 2]);
    expect(x.pow(2).toArray()).toEqual([
      [1, 4],
      [9, 16],
    ]);
    expect(x.clamp(0).toArray()).toEqual([
      [1, 0],
      [3, 4],
    ]);
    expect(x.argmax({ axis: 1 }).toArray()).toEqual([0, 1]);
  });
});
