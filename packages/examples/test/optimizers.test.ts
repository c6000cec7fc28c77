import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/autograd';
import { runOptimizers } from '../src/optimizers/run.js';
import { checkSvg } from './helpers/svg.js';

describe('SGD vs Adam vs AdamW on an MNIST slice', () => {
  it('trains each optimiser from the same weights, learns, and charts both curves', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-optimizers-'));
    const r = await runOptimizers({ epochs: 2, limit: 600, seed: 3, out });
    expect(r.curves.map((c) => c.name)).toEqual([
      'SGD (η = 0.5)',
      'Adam (lr = 5e-3)',
      'AdamW (lr = 5e-3, λ = 1e-2 on weights)',
    ]);
    for (const c of r.curves) {
      expect(c.testAccuracy).toHaveLength(2);
      // Ten classes: chance is 10%; two epochs on ~480 digits already do far better.
      expect(c.testAccuracy[1]!).toBeGreaterThan(0.4);
      expect(c.trainCost[1]!).toBeLessThan(c.trainCost[0]!);
    }
    // Adam and AdamW differ only by the decoupled decay: close, but not the same numbers.
    expect(r.curves[2]!.trainCost).not.toEqual(r.curves[1]!.trainCost);
    expect(r.files.map((f) => f.slice(out.length + 1)).sort()).toEqual([
      'optimizers-accuracy.svg',
      'optimizers-cost.svg',
    ]);
    for (const f of r.files) {
      const svg = readFileSync(f, 'utf8');
      expect(checkSvg(svg).problems, f).toEqual([]);
      expect(svg).toContain('AdamW');
    }
  });

  it('refuses unknown options by name', async () => {
    await expect(runOptimizers({ epoch: 1 } as never)).rejects.toThrow(ArgumentError);
    await expect(runOptimizers({ epoch: 1 } as never)).rejects.toThrow(/did you mean 'epochs'/);
  });
});
