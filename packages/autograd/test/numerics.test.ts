/**
 * Stable numerics at the edges: sigmoid, softplus, logsumexp, softmax and logSoftmax must give
 * finite, correct values and gradients at ±50 and ±800, and the documented values at ±Infinity.
 */
import { describe, expect, it } from 'vitest';
import { type Tensor, gradients, logSoftmax, logsumexp, sigmoid, softmax, softplus, tensor } from '@tapegrad/autograd';

function valueAndGrad(f: (x: Tensor) => Tensor, values: number[], seed?: number[]): { y: number[]; g: number[] } {
  const x = tensor(values, { requiresGrad: true });
  const y = f(x);
  const u = seed ?? new Array<number>(y.size).fill(1);
  const [g] = gradients(y, [x], { gradOutputs: [tensor(u, { shape: [...y.shape] })] }) as Tensor[];
  return { y: Array.from(y.data), g: Array.from(g!.data) };
}

function expectAll(got: number[], want: number[], tol = 1e-15): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => {
    const w = want[i]!;
    if (!Number.isFinite(w)) expect(v, `element ${i}`).toBe(w);
    else expect(Math.abs(v - w), `element ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

describe('sigmoid', () => {
  it('is exact and finite at ±50, ±800 and ±Infinity', () => {
    const { y, g } = valueAndGrad(sigmoid, [50, -50, 800, -800, Infinity, -Infinity]);
    expectAll(y, [1 / (1 + Math.exp(-50)), Math.exp(-50) / (1 + Math.exp(-50)), 1, 0, 1, 0]);
    // σ′(−50) ≈ 1.9e-22 must survive, not be rounded to 0 by 1 − σ.
    expect(g[1]).toBeGreaterThan(1e-22);
    expectAll(g, [Math.exp(-50), Math.exp(-50), 0, 0, 0, 0], 1e-6);
  });
});

describe('softplus', () => {
  it('is exact and finite at ±50, ±800; softplus(+Inf) = +Inf with gradient 1, softplus(−Inf) = 0 with gradient 0', () => {
    const { y, g } = valueAndGrad(softplus, [50, -50, 800, -800, Infinity, -Infinity, 0]);
    expectAll(y, [50 + Math.log1p(Math.exp(-50)), Math.exp(-50), 800, 0, Infinity, 0, Math.LN2]);
    expect(y[1]).toBeGreaterThan(0); // log1p keeps e^−50 instead of log(1 + tiny) = 0
    expectAll(g, [1 / (1 + Math.exp(-50)), 1 / (1 + Math.exp(50)), 1, 0, 1, 0, 0.5], 1e-12);
  });
});

describe('logsumexp', () => {
  it('does not overflow at ±800 and ±50', () => {
    const { y, g } = valueAndGrad((x) => logsumexp(x), [800, 800, -800]);
    expectAll(y, [800 + Math.LN2]);
    expectAll(g, [0.5, 0.5, 0]);
    const small = valueAndGrad((x) => logsumexp(x), [-50, -50]);
    expectAll(small.y, [-50 + Math.LN2]);
    expectAll(small.g, [0.5, 0.5]);
  });

  it('gives −Infinity for all −Infinity (gradient shared evenly) and +Infinity for any +Infinity', () => {
    const neg = valueAndGrad((x) => logsumexp(x), [-Infinity, -Infinity]);
    expect(neg.y).toEqual([-Infinity]);
    expectAll(neg.g, [0.5, 0.5]);
    const pos = valueAndGrad((x) => logsumexp(x), [Infinity, 3, Infinity, -Infinity]);
    expect(pos.y).toEqual([Infinity]);
    expectAll(pos.g, [0.5, 0, 0.5, 0]);
    const mixed = valueAndGrad((x) => logsumexp(x), [-Infinity, 2]);
    expectAll(mixed.y, [2]);
    expectAll(mixed.g, [0, 1]);
  });

  it('reduces per axis with keepdims', () => {
    const x = tensor([
      [800, 800],
      [-Infinity, -Infinity],
    ]);
    const y = logsumexp(x, { axis: 1, keepdims: true });
    expect(y.shape).toEqual([2, 1]);
    expect(Array.from(y.data)).toEqual([800 + Math.LN2, -Infinity]);
  });
});

describe('softmax', () => {
  it('is finite with exact gradients at ±800 and ±50', () => {
    const { y, g } = valueAndGrad((x) => softmax(x), [800, -800, 0], [1, 0, 0]);
    expectAll(y, [1, 0, 0]);
    expectAll(g, [0, 0, 0]); // y₀(1 − y₀) = 0 and −y₀yᵢ = 0
    const mid = valueAndGrad((x) => softmax(x), [50, 50], [1, 0]);
    expectAll(mid.y, [0.5, 0.5]);
    expectAll(mid.g, [0.25, -0.25]);
  });

  it('shares probability among +Infinity entries and is uniform over all −Infinity', () => {
    const pos = valueAndGrad((x) => softmax(x), [Infinity, 1, Infinity], [1, 0, 0]);
    expectAll(pos.y, [0.5, 0, 0.5]);
    expectAll(pos.g, [0.25, 0, -0.25]);
    const neg = valueAndGrad((x) => softmax(x), [-Infinity, -Infinity], [1, 0]);
    expectAll(neg.y, [0.5, 0.5]);
    expectAll(neg.g, [0.25, -0.25]);
    const mixed = valueAndGrad((x) => softmax(x), [-Infinity, 0], [1, 1]);
    expectAll(mixed.y, [0, 1]);
    expectAll(mixed.g, [0, 0]);
  });
});

describe('logSoftmax', () => {
  it('stays exact where softmax underflows', () => {
    const { y, g } = valueAndGrad((x) => logSoftmax(x), [0, -800, 800 - 800]);
    expectAll(y, [-Math.LN2, -800 - Math.LN2, -Math.LN2]);
    expectAll(g, [1 - 3 * 0.5, 1, 1 - 3 * 0.5]);
    const big = valueAndGrad((x) => logSoftmax(x), [800, -800], [1, 0]);
    expectAll(big.y, [0, -1600]);
    expectAll(big.g, [0, 0]);
    const mid = valueAndGrad((x) => logSoftmax(x), [50, -50], [0, 1]);
    expectAll(mid.y, [-Math.log1p(Math.exp(-100)), -100 - Math.log1p(Math.exp(-100))]);
    expectAll(mid.g, [-1, 1], 1e-15);
  });

  it('handles ±Infinity without NaN', () => {
    const pos = valueAndGrad((x) => logSoftmax(x), [Infinity, 1], [1, 1]);
    expect(pos.y).toEqual([0, -Infinity]);
    expectAll(pos.g, [-1, 1]);
    const neg = valueAndGrad((x) => logSoftmax(x), [-Infinity, -Infinity], [1, 0]);
    expectAll(neg.y, [-Math.LN2, -Math.LN2]);
    expectAll(neg.g, [0.5, -0.5]);
    const mixed = valueAndGrad((x) => logSoftmax(x), [-Infinity, 3], [0, 1]);
    expect(mixed.y).toEqual([-Infinity, 0]);
    expectAll(mixed.g, [0, 0]);
  });
});
