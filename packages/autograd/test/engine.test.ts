import { describe, expect, it } from 'vitest';
import { GradError, tensor, noGrad, gradients, sum, mul } from '@tapegrad/autograd';

describe('backward', () => {
  it('handles fan-out: b = a + a; c = b + b gives dc/da = 4', () => {
    const a = tensor(3, { requiresGrad: true });
    const b = a.add(a);
    const c = b.add(b);
    c.backward();
    expect(a.grad!.item()).toBe(4);
  });

  it('walks a chain of 100,000 ops without overflowing the stack', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('accumulates across two backward calls', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
  });

  it('refuses a second backward through a released tape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(/retainGraph/);
  });

  it('asks for a reduction or a seed on non-scalar backward', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/\.sum\(\)/);
  });

  it('refuses a tensor edited in place after it was saved', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = w.mul(w).sum();
    noGrad(() => w.mutate_((d) => (d[0] = 5)));
    expect(() => y.backward()).toThrow(/modified in place/);
  });

  it('records nothing under noGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
  });

  it('gives gradients of intermediates', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = mul(x, 3);
    const c = sum(mul(z, z));
    const [gz] = gradients(c, [z]);
    expect(gz!.toArray()).toEqual([6, 12]);
  });

  it('reduces broadcast gradients to the input shape', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([10, 20, 30], { requiresGrad: true });
    a.mul(b).sum().backward();
    expect(b.grad!.toArray()).toEqual([5, 7, 9]);
    expect(a.grad!.toArray()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
    ]);
  });

  it('matmul gradients', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const b = tensor(
      [
        [5, 6],
        [7, 8],
      ],
      { requiresGrad: true },
    );
    a.matmul(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [11, 15],
      [11, 15],
    ]);
    expect(b.grad!.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });
});

describe('Tensor constructor and .grad setter guard their inputs', () => {
  it('refuses storage that is not a float TypedArray, and a malformed shape', async () => {
    const { Tensor, DTypeError, ArgumentError } = await import('@tapegrad/autograd');
    expect(() => new Tensor(new Int32Array(2) as unknown as Float64Array, [2])).toThrow(DTypeError);
    expect(() => new Tensor(new Float64Array(2), [-1, -2])).toThrow(ArgumentError);
    expect(() => new Tensor(new Float64Array(2), [0.5, 4])).toThrow(ArgumentError);
  });

  it('accepts null or a gradient of the same shape and dtype, nothing else', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => (x.grad = tensor([1, 2, 3]))).toThrow(GradError);
    expect(() => (x.grad = tensor([1, 2], { dtype: 'float32' }))).toThrow(/float64 tensor of shape \[2\]/);
    x.grad = tensor([3, 4]);
    expect(x.grad!.toArray()).toEqual([3, 4]);
    x.grad = null;
    expect(x.grad).toBeNull();
  });
});
