import { describe, expect, it } from 'vitest';
import { runPerSample } from '../src/per-sample/run.js';

describe('per-sample example', () => {
  it('gives a saliency map and per-example gradients that agree with a loop of grad', () => {
    const r = runPerSample({ sizes: [6, 4, 3], batchSize: 5, repeats: 1, seed: 2 });
    expect(r.saliency.shape).toEqual([3, 6]);
    expect(r.topInputs).toHaveLength(5);
    expect(r.gradientNorms).toHaveLength(5);
    expect(r.gradientNorms.every((n) => n > 0 && Number.isFinite(n))).toBe(true);
    expect(r.maxDifference).toBeLessThan(1e-14);
  });
});
