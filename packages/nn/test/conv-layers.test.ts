/**
 * The chapter-3 and chapter-6 layers (Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout) under the
 * layer protocol: each hand-derived backprop against the tape and central differences alone
 * (checkLayer), and stacked into Nielsen's first convolutional net (compareBackprop).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ArgumentError, Rng, ShapeError, randn, tensor } from '@tapegrad/autograd';
import {
  AvgPool2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Sequential,
  Sigmoid,
  Softmax,
  checkLayer,
  closedFormBackprop,
  compareBackprop,
} from '@tapegrad/nn';

describe('Conv2d', () => {
  it('its backprop (the flipped-kernel correlation) matches the tape and finite differences for any stride, padding and dilation', () => {
    fc.assert(
      fc.property(
        fc.record({
          k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          extra: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
          channels: fc.tuple(
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 2 }),
          ),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ k, stride, padding, dilation, extra, channels: [cin, cout, n], seed }) => {
          const rng = new Rng(seed);
          const need = (a: 0 | 1): number => Math.max(1, dilation[a] * (k[a] - 1) + 1 - 2 * padding[a]);
          const layer = new Conv2d(cin, cout, k, { rng, stride, padding, dilation });
          const x = randn([n, cin, need(0) + extra[0], need(1) + extra[1]], { rng });
          const r = checkLayer(layer, x, { finiteDifferences: true });
          if (!r.passed) throw new Error(r.format());
        },
      ),
      { numRuns: 60, seed: 19 },
    );
  });

  it('names itself and refuses inputs that are not images of its channel count', () => {
    const conv = new Conv2d(1, 20, 5, { rng: new Rng(1) });
    expect(conv.describe()).toBe('Conv2d(1 → 20, 5×5)');
    expect(() => conv.forward(randn([10, 784], { rng: new Rng(2) }))).toThrow(ShapeError);
    expect(() => conv.forward(randn([10, 784], { rng: new Rng(2) }))).toThrow(
      /expects images \[N, 1, H, W\]; reshape flat rows/,
    );
    expect(() => new Conv2d(1, 2, 3, { rng: new Rng(1), strides: 2 } as never)).toThrow(/did you mean 'stride'/);
    expect(() => new Conv2d(1, 2, 3, {} as never)).toThrow(/pass \{ rng: new Rng\(seed\) \}/);
  });
});

describe('pooling layers', () => {
  it('MaxPool2d and AvgPool2d backprops match the tape and finite differences', () => {
    const rng = new Rng(7);
    const x = randn([2, 3, 6, 5], { rng });
    for (const layer of [
      new MaxPool2d(2),
      new MaxPool2d([3, 2], { stride: 1 }),
      new AvgPool2d(2),
      new AvgPool2d([2, 3], { stride: [2, 1] }),
    ]) {
      const r = checkLayer(layer, x, { finiteDifferences: true });
      expect(r.passed, r.format()).toBe(true);
    }
  });

  it('MaxPool2d shares δ among tied maxima exactly as the tape does', () => {
    const x = tensor([1, 3, 3, 0, 2, 2, 2, 2], { shape: [1, 1, 2, 4] });
    const r = checkLayer(new MaxPool2d(2), x);
    expect(r.passed, r.format()).toBe(true);
    expect(r.worst!.check.maxAbs).toBe(0);
  });
});

describe('Dropout', () => {
  it('drops with the seeded Rng, scales kept units by 1/(1 − p), and is the identity in eval()', () => {
    const x = randn([50, 40], { rng: new Rng(3) });
    const a = new Dropout(0.3, { rng: new Rng(11) }).forward(x);
    const b = new Dropout(0.3, { rng: new Rng(11) }).forward(x);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    let dropped = 0;
    a.data.forEach((v, i) => {
      if (v === 0) dropped++;
      else expect(v).toBeCloseTo(x.data[i]! / 0.7, 14);
    });
    // 2000 Bernoulli(0.3) draws: 600 ± 4.5 standard deviations.
    expect(Math.abs(dropped - 600)).toBeLessThan(4.5 * Math.sqrt(2000 * 0.3 * 0.7));
    const d = new Dropout(0.3, { rng: new Rng(11) });
    d.eval();
    expect(d.forward(x)).toBe(x);
  });

  it('its backprop uses the saved mask (training) and matches the tape; in eval() finite differences too', () => {
    const x = randn([4, 6], { rng: new Rng(5) });
    const d = new Dropout(0.5, { rng: new Rng(9) });
    const r = checkLayer(d, x);
    expect(r.passed, r.format()).toBe(true);
    d.eval();
    const e = checkLayer(d, x, { finiteDifferences: true });
    expect(e.passed, e.format()).toBe(true);
  });

  it('refuses p outside [0, 1) and a missing Rng', () => {
    expect(() => new Dropout(1, { rng: new Rng(1) })).toThrow(ArgumentError);
    expect(() => new Dropout(-0.1, { rng: new Rng(1) })).toThrow(/p must be a probability in \[0, 1\)/);
    expect(() => new Dropout(0.5, undefined as never)).toThrow(/explicit seeded generator/);
  });
});

describe("Nielsen's chapter-6 net, scaled down", () => {
  // conv 5×5 → 2×2 max-pool → sigmoid → FC → sigmoid → (dropout) → FC → softmax, with the log-likelihood cost.
  const net = (rng: Rng, p = 0): Sequential =>
    new Sequential(
      new Conv2d(1, 3, 5, { rng }),
      new MaxPool2d(2),
      new Sigmoid(),
      new Flatten(),
      new Linear(3 * 2 * 2, 6, { rng }),
      new Sigmoid(),
      ...(p > 0 ? [new Dropout(p, { rng })] : []),
      new Linear(6, 4, { rng }),
      new Softmax(),
    );

  it('every layer, the conv layer included, agrees with the tape and with finite differences', () => {
    const rng = new Rng(61);
    const x = randn([3, 1, 8, 8], { rng });
    const y = tensor([0, 3, 1]);
    const cmp = compareBackprop(net(rng), x, y, { cost: 'logLikelihood', finiteDifferences: true });
    expect(cmp.passed, cmp.format()).toBe(true);
    expect(cmp.worstRel).toBeLessThan(1e-12);
    expect(cmp.layers.every((l) => l.handDerived)).toBe(true);
  });

  it('with dropout, the tape and the closed form see the same mask', () => {
    const rng = new Rng(62);
    const x = randn([3, 1, 8, 8], { rng });
    const y = tensor([2, 0, 1]);
    const cmp = compareBackprop(net(rng, 0.5), x, y, { cost: 'logLikelihood' });
    expect(cmp.passed, cmp.format()).toBe(true);
    expect(() => closedFormBackprop(net(rng, 0.5), x, y, { cost: 'logLikelihood' })).not.toThrow();
  });
});
