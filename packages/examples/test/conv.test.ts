import { describe, expect, it } from 'vitest';
import { Rng, Tensor } from '@tapegrad/autograd';
import { BOOK_ACCURACY, CONV_DEFAULTS, chapter6Net, runConv } from '../src/conv/run.js';
import type { Dataset } from '../src/data/mnist.js';

/** Synthetic 28×28 "digits": class k lights a bar at row 2k, so a conv net separates them quickly. */
function bars(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n * 784);
  const y = new Float64Array(n * 10);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Three in a row per class, so no batch holds each class once (whose output-bias gradient is
    // exactly 0 under the zero-initialised softmax layer, leaving nothing for a relative difference).
    const k = Math.floor(i / 3) % 10;
    labels[i] = k;
    y[i * 10 + k] = 1;
    for (let p = 0; p < 784; p++) x[i * 784 + p] = 0.1 * rng.uniform();
    for (let c = 4; c < 24; c++) x[i * 784 + (4 + 2 * k) * 28 + c] = 1;
  }
  return { x: new Tensor(x, [n, 784]), y: new Tensor(y, [n, 10]), labels, size: n };
}

describe('chapter-6 conv example', () => {
  it("defaults to the book's setup and builds its net", () => {
    expect(CONV_DEFAULTS).toMatchObject({ epochs: 60, batchSize: 10, lr: 0.1, maps: 20, hidden: 100 });
    expect(BOOK_ACCURACY).toBe(0.9878);
    expect(chapter6Net(new Rng(1)).describe()).toBe(
      'Sequential(Conv2d(1 → 20, 5×5), MaxPool2d(2×2), Sigmoid, Flatten, Linear(2880 → 100), Sigmoid, Linear(100 → 10), Softmax(axis=-1))',
    );
  });

  it('trains, and prints the per-layer comparison (conv layer included) passing before and after', () => {
    const lines: string[] = [];
    const r = runConv({
      train: bars(200, 1),
      test: bars(50, 2),
      epochs: 2,
      batchSize: 10,
      lr: 0.1,
      seed: 3,
      log: (l) => void lines.push(l),
    });
    expect(r.epochs).toHaveLength(2);
    expect(r.comparisons.before).toMatch(/Conv2d\(1 → 20, 5×5\)\s+δ/);
    expect(r.comparisons.before).toMatch(/^PASS/m);
    expect(r.comparisons.after).toMatch(/^PASS/m);
    // Forty steps only start the descent: the cost of the first ten digits falls below log 10.
    const cost = (table: string): number => Number(/cost ([0-9.e+-]+)/.exec(table)![1]);
    expect(cost(r.comparisons.before)).toBeCloseTo(Math.log(10), 12);
    expect(cost(r.comparisons.after)).toBeLessThan(cost(r.comparisons.before) - 0.05);
    expect(r.imagesPerSecond).toBeGreaterThan(0);
  });
});
