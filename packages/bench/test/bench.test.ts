import { describe, expect, it } from 'vitest';
import { runSuite } from '../src/suite.js';
import { matmulDiscrepancy } from '../src/workloads/matmul.js';
import { MLP_CASES, initParams, oursAfterOneStep, theirsAfterOneStep } from '../src/workloads/mlp.js';
import { oursChainGradient, theirsChainGradient } from '../src/workloads/tape.js';
import { useBackend } from '../src/tfjs.js';

// Timings are never asserted: the machine is shared. These tests check that every workload
// runs in quick mode and that our numbers agree with TensorFlow.js's.

/** Largest |a − b| / (1 + |b|) over paired arrays. */
function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

describe('benchmark suite (quick mode)', () => {
  it('runs every workload and produces finite, positive figures', async () => {
    const rows = await runSuite({ quick: true, maxTime: 0, rounds: 1 });
    expect(new Set(rows.map((r) => r.workload))).toEqual(new Set(['W1', 'W2', 'W3']));
    for (const r of rows) {
      expect(r.ours).toBeGreaterThan(0);
      expect(Number.isFinite(r.ours)).toBe(true);
      expect(r.cpu).not.toBeNull();
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matmul agrees with tfjs-${backend} in float32`, async () => {
      // The wasm backend ships in the registry package and runs under Node: failing to load it is a failure.
      if (backend === 'wasm') expect(await useBackend('wasm'), 'the tfjs wasm backend loads').toBeNull();
      for (const n of [1, 7, 64, 130]) expect(await matmulDiscrepancy(n, backend)).toBeLessThan(1e-4);
    });
  }

  for (const c of MLP_CASES) {
    it(`one SGD step of [${c.sizes.join(', ')}] batch ${c.batch} updates weights as tfjs-cpu does`, async () => {
      const theirs = await theirsAfterOneStep(c, 'cpu');
      for (const path of ['tape', 'closed-form'] as const) {
        for (const dtype of ['float32', 'float64'] as const) {
          const ours = oursAfterOneStep(c, dtype, path);
          expect(ours.length).toBe(theirs.length);
          for (let i = 0; i < theirs.length; i++) expect(worstRelative(ours[i]!, theirs[i]!)).toBeLessThan(1e-5);
        }
      }
      const ours64 = oursAfterOneStep(c, 'float64');
      // The step must actually move the weights, or the comparison above proves nothing.
      const init = initParams(c.sizes);
      const last = init.weights.length - 1;
      expect(worstRelative(ours64[last]!, init.weights[last]!)).toBeGreaterThan(1e-4);
    });
  }

  it('the chain gradient of W3 agrees with tf.grad', async () => {
    await useBackend('cpu');
    const theirs = theirsChainGradient(30);
    const ours = oursChainGradient(30);
    expect(worstRelative(ours, theirs)).toBeLessThan(1e-5);
    expect(ours.some((v) => v !== 0)).toBe(true);
  });
});
