/**
 * conv2d and pooling beyond the op matrix: hand-worked values, the input gradient as a full
 * correlation with the flipped kernel, and errors that name the op and the shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  ShapeError,
  type Tensor,
  avgPool2d,
  conv2d,
  gradients,
  maxPool2d,
  permute,
  tensor,
} from '@tapegrad/autograd';

const img = (shape: number[], f: (i: number) => number): Tensor =>
  tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
    { shape, requiresGrad: true },
  );

describe('conv2d', () => {
  it('matches a hand-worked 3×3 ⋆ 2×2 correlation with bias', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 1, 3, 3] });
    const w = tensor([1, 0, 0, -1], { shape: [1, 1, 2, 2] });
    // Each output is x[i, j] − x[i+1, j+1] + 10 = −4 + 10.
    expect(conv2d(x, w, tensor([10])).toArray()).toEqual([
      [
        [
          [6, 6],
          [6, 6],
        ],
      ],
    ]);
    // Stride 2 over the zero-padded 5×5: windows at padded (0,0), (0,2), (2,0), (2,2) give
    // 0 − x₀₀, 0 − x₀₂, 0 − x₂₀ and x₁₁ − x₂₂.
    expect(conv2d(x, w, null, { stride: 2, padding: 1 }).toArray()).toEqual([
      [
        [
          [-1, -3],
          [-7, -4],
        ],
      ],
    ]);
  });

  it("gives ∂x as the full correlation of ∂y with the flipped kernel (Nielsen ch. 6's backprop through a conv layer)", () => {
    const x = img([2, 3, 5, 6], (i) => Math.sin(i));
    const w = img([4, 3, 3, 2], (i) => Math.cos(0.7 * i));
    const y = conv2d(x, w);
    const g = img(y.shape as number[], (i) => Math.sin(0.3 * i + 1));
    const [gx] = gradients(y, [x], { gradOutputs: [g] }) as Tensor[];
    // Swap in/out channels and flip both spatial axes; pad by kernel − 1 for the full correlation.
    const flipped = permute(flipSpatial(w), [1, 0, 2, 3]);
    const want = conv2d(g, flipped, null, { padding: [2, 1] });
    expect(gx!.shape).toEqual(want.shape);
    gx!.data.forEach((v, i) => expect(v).toBeCloseTo(want.data[i]!, 12));
  });

  it('keeps float32 when both operands are float32 and widens a mixed pair to float64', () => {
    const x = tensor([1, 2, 3, 4], { shape: [1, 1, 2, 2], dtype: 'float32' });
    const w = tensor([1, 1, 1, 1], { shape: [1, 1, 2, 2], dtype: 'float32' });
    expect(conv2d(x, w).dtype).toBe('float32');
    expect(conv2d(x, tensor([1, 1, 1, 1], { shape: [1, 1, 2, 2] })).dtype).toBe('float64');
  });

  it('names the op and the shapes when they do not fit', () => {
    const x = tensor(new Array(2 * 3 * 4 * 4).fill(0), { shape: [2, 3, 4, 4] });
    const w = tensor(new Array(5 * 2 * 3 * 3).fill(0), { shape: [5, 2, 3, 3] });
    expect(() => conv2d(x, w)).toThrow(ShapeError);
    expect(() => conv2d(x, w)).toThrow(/conv2d: the input \[2, 3, 4, 4\] has 3 channels but the weight \[5, 2, 3, 3\]/);
    const x3 = tensor(new Array(3 * 4 * 4).fill(0), { shape: [3, 4, 4] });
    expect(() => conv2d(x3, w)).toThrow(
      /conv2d: the input must be 4-D \[N, C, H, W\], got shape \[3, 4, 4\]; add a batch axis/,
    );
    const big = tensor(new Array(5 * 3 * 5 * 5).fill(0), { shape: [5, 3, 5, 5] });
    expect(() => conv2d(x, big)).toThrow(/conv2d: the window 5×5 .*does not fit the input of shape \[2, 3, 4, 4\]/);
    expect(() => conv2d(x, big, tensor([1, 2]), { padding: 1 })).toThrow(/conv2d: the bias must have shape \[5\]/);
  });

  it('checks its options', () => {
    const x = tensor(new Array(16).fill(0), { shape: [1, 1, 4, 4] });
    const w = tensor([1], { shape: [1, 1, 1, 1] });
    expect(() => conv2d(x, w, null, { strides: 2 } as never)).toThrow(
      /unknown option 'strides' \(did you mean 'stride'\?\)/,
    );
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(ArgumentError);
    expect(() => conv2d(x, w, null, { padding: [1, 1.5] as never })).toThrow(/padding must be an integer ≥ 0/);
  });
});

describe('pooling', () => {
  it('max-pools and average-pools 2×2 windows by hand', () => {
    const x = tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 1, 1, 2, -6, 1, 3], { shape: [1, 1, 4, 4] });
    expect(maxPool2d(x, { kernelSize: 2 }).toArray()).toEqual([
      [
        [
          [5, 8],
          [2, 3],
        ],
      ],
    ]);
    expect(avgPool2d(x, { kernelSize: 2 }).toArray()).toEqual([
      [
        [
          [13 / 4, 11 / 4],
          [-1, 6 / 4],
        ],
      ],
    ]);
  });

  it('routes the max-pool gradient to the maximum of each window, shared among ties', () => {
    const x = tensor([1, 5, 2, 2, 3, 4, 2, 2], { shape: [1, 1, 2, 4], requiresGrad: true });
    const [g] = gradients(maxPool2d(x, { kernelSize: 2 }).sum(), [x]) as Tensor[];
    expect(g!.toArray()).toEqual([
      [
        [
          [0, 1, 0.25, 0.25],
          [0, 0, 0.25, 0.25],
        ],
      ],
    ]);
  });

  it('requires kernelSize and names the op when the window does not fit', () => {
    const x = tensor(new Array(9).fill(0), { shape: [1, 1, 3, 3] });
    expect(() => maxPool2d(x, {} as never)).toThrow(/maxPool2d: the option kernelSize is required/);
    expect(() => avgPool2d(x, { kernelSize: 4 })).toThrow(/avgPool2d: the window 4×4 .*\[1, 1, 3, 3\]/);
    expect(() => maxPool2d(x, { kernel_size: 2 } as never)).toThrow(/did you mean 'kernelSize'/);
  });
});

/** w[o, c, kh − 1 − i, kw − 1 − j], by plain loops (no op of the library involved). */
function flipSpatial(w: Tensor): Tensor {
  const [O, C, kh, kw] = w.shape as [number, number, number, number];
  const out = new Array<number>(w.size);
  for (let p = 0; p < O * C; p++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) out[(p * kh + i) * kw + j] = w.data[(p * kh + kh - 1 - i) * kw + kw - 1 - j]!;
  return tensor(out, { shape: [O, C, kh, kw] });
}
