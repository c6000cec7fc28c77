import { describe, expect, it } from 'vitest';
import { GradError, ShapeError, Tensor, gradients, matmul, sigmoid, sum, tensor, noGrad } from '@tapegrad/autograd';

// A two-layer sigmoid net in the project's notation: z^l = W^l a^{l−1} + b^l, a^l = σ(z^l),
// C = ½‖a^2 − y‖², W^l of shape [out, in].
const X = [0.5, -1.2];
const W1 = [
  [0.1, -0.4],
  [0.7, 0.2],
  [-0.3, 0.9],
];
const B1 = [0.05, -0.1, 0.2];
const W2 = [
  [0.6, -0.5, 0.3],
  [-0.2, 0.8, 0.4],
];
const B2 = [-0.3, 0.1];
const Y = [1, 0];

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const affine = (W: number[][], a: number[], b: number[]): number[] =>
  W.map((row, i) => row.reduce((s, w, j) => s + w * a[j]!, b[i]!));

/** δ by hand: BP1 δ^L = (a^L − y) ⊙ σ′(z^L), BP2 δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ σ′(z^l). */
function handBackprop() {
  const z1 = affine(W1, X, B1);
  const a1 = z1.map(sig);
  const z2 = affine(W2, a1, B2);
  const a2 = z2.map(sig);
  const d2 = a2.map((a, i) => (a - Y[i]!) * sig(z2[i]!) * (1 - sig(z2[i]!)));
  const d1 = z1.map((z, j) => W2.reduce((s, row, i) => s + row[j]! * d2[i]!, 0) * sig(z) * (1 - sig(z)));
  return { a1, d1, d2 };
}

function tapeNet() {
  const w1 = tensor(W1, { requiresGrad: true });
  const b1 = tensor(B1, { requiresGrad: true });
  const w2 = tensor(W2, { requiresGrad: true });
  const b2 = tensor(B2, { requiresGrad: true });
  const x = tensor(X);
  const z1 = matmul(w1, x).add(b1);
  const a1 = sigmoid(z1);
  const z2 = matmul(w2, a1).add(b2);
  const a2 = sigmoid(z2);
  const diff = a2.sub(tensor(Y));
  const C = sum(diff.mul(diff)).mul(0.5);
  return { w1, b1, w2, b2, z1, z2, a1, C };
}

function expectClose(actual: Tensor, expected: number[] | number[][]): void {
  const flat = expected.flat();
  expect(actual.size).toBe(flat.length);
  flat.forEach((e, i) => {
    // Same mathematics, different rounding order: agreement to ~1e-15 relative is expected.
    expect(Math.abs(actual.data[i]! - e)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(e)));
  });
}

describe('gradients of intermediates: δ^l = ∂C/∂z^l', () => {
  it('equals hand-computed BP1/BP2 deltas in a two-layer sigmoid net', () => {
    const { d1, d2 } = handBackprop();
    const net = tapeNet();
    const [g1, g2] = gradients(net.C, [net.z1, net.z2]);
    expectClose(g1!, d1);
    expectClose(g2!, d2);
  });

  it('gives BP3/BP4 for the leaves in the same call: ∂C/∂b^l = δ^l, ∂C/∂W^l = δ^l (a^{l−1})ᵀ', () => {
    const { a1, d1, d2 } = handBackprop();
    const net = tapeNet();
    const [gb1, gw2, gz1] = gradients(net.C, [net.b1, net.w2, net.z1]);
    expectClose(gb1!, d1);
    expectClose(gz1!, d1);
    expectClose(
      gw2!,
      d2.map((d) => a1.map((a) => d * a)),
    );
  });

  it('does not touch any .grad field, of leaves or of retained intermediates', () => {
    const net = tapeNet();
    net.z1.retainGrad();
    gradients(net.C, [net.z2, net.w1]);
    expect(net.w1.grad).toBeNull();
    expect(net.b2.grad).toBeNull();
    expect(net.z1.grad).toBeNull();
  });

  it('only runs (and releases) the part of the tape that leads to the requested inputs', () => {
    // h depends on w but not on x; asking for ∂C/∂x must leave h's history usable.
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4], { requiresGrad: true });
    const h = w.mul(w);
    const C = sum(h.mul(x));
    expect(gradients(C, x)!.toArray()).toEqual([1, 4]);
    expect(gradients(sum(h), w)!.toArray()).toEqual([2, 4]);
  });

  it('seeds with gradOutputs, sums several outputs, and checks seed shapes', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x);
    const [g] = gradients(y, [x], { gradOutputs: [tensor([1, 0, 2])] });
    expect(g!.toArray()).toEqual([2, 0, 12]);
    const both = gradients([sum(x), sum(x.mul(3))], x);
    expect(both!.toArray()).toEqual([4, 4, 4]);
    expect(() => gradients(x.mul(x), [x], { gradOutputs: [tensor([1, 2])] })).toThrow(ShapeError);
    expect(() => gradients(x.mul(x), [x])).toThrow(/one-element/);
  });

  it('explains unused inputs, and returns null for them with allowUnused', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const u = tensor([5], { requiresGrad: true });
    expect(() => gradients(sum(x), [x, u])).toThrow(/input 1 .*not used.*allowUnused/);
    const [gx, gu] = gradients(sum(x), [x, u], { allowUnused: true });
    expect(gx!.toArray()).toEqual([1, 1]);
    expect(gu).toBeNull();
  });

  it('releases the tape unless retainGraph, and says how to keep it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = sum(x.mul(x));
    gradients(y, x, { retainGraph: true });
    expect(gradients(y, x)!.toArray()).toEqual([2, 4]);
    expect(() => gradients(y, x)).toThrow(/retainGraph/);
  });

  it('returns results off the tape without createGraph and on it with createGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(gradients(sum(x.mul(x)), x)!.requiresGrad).toBe(false);
    expect(gradients(sum(x.mul(x)), x, { createGraph: true })!.requiresGrad).toBe(true);
  });
});

describe('retainGrad and .grad of non-leaves', () => {
  it('keeps .grad on a retained intermediate after backward (equal to δ)', () => {
    const { d1 } = handBackprop();
    const net = tapeNet();
    net.z1.retainGrad();
    net.C.backward();
    expectClose(net.z1.grad!, d1);
  });

  it('throws on .grad of a non-retained non-leaf, naming the op and the two ways out', () => {
    const net = tapeNet();
    net.C.backward();
    expect(() => net.z1.grad).toThrow(GradError);
    expect(() => net.z1.grad).toThrow(/produced by 'add'.*retainGrad\(\).*gradients\(loss, \[tensor\]\)/);
  });

  it('leaves have a null .grad until reached', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(x.grad).toBeNull();
  });
});

describe('registerHook', () => {
  it('sees the total gradient flowing into an intermediate (summed over its uses)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = x.mul(3);
    const seen: number[][] = [];
    z.registerHook((g) => void seen.push(Array.from(g.data)));
    sum(z.mul(z)).add(sum(z)).backward();
    expect(seen).toEqual([[7, 13]]); // 2z + 1 at z = [3, 6]
    expect(x.grad!.toArray()).toEqual([21, 39]);
  });

  it('may replace the gradient, and the replacement flows on', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = x.mul(3);
    z.registerHook((g) => g.mul(0));
    sum(z.mul(z)).backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });

  it('runs on leaves before accumulation, also in gradients(), and can be removed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const remove = x.registerHook((g) => g.mul(10));
    expect(gradients(sum(x.mul(x)), x)!.toArray()).toEqual([20, 40]);
    remove();
    sum(x.mul(x)).backward();
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  it('rejects a replacement of the wrong shape and hooks on tensors without grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = x.mul(2);
    z.registerHook(() => tensor([1, 2, 3]));
    expect(() => sum(z).backward()).toThrow(/hook .*\[2\]/);
    expect(() => tensor([1]).registerHook(() => undefined)).toThrow(/does not require grad/);
    expect(() => noGrad(() => x.mul(2)).registerHook(() => undefined)).toThrow(GradError);
  });
});
