import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runXor } from '../src/xor/run.js';
import { runCompare } from '../src/compare/run.js';
import { runCustomLayer } from '../src/custom-layer/run.js';
import { runHessian } from '../src/hessian/run.js';
import { OptionError } from '../src/errors.js';
import { checkSvg } from './helpers/svg.js';

describe('xor', () => {
  it('converges with the defaults and lists the tape of one step', () => {
    const r = runXor();
    expect(r.converged).toBe(true);
    for (const row of r.table) expect(Math.abs(row.output - row.target)).toBeLessThan(0.1);
    expect(r.losses[r.losses.length - 1]!).toBeLessThan(r.losses[0]!);
    for (const op of ['leaf W1', 'leaf x', 'matmul', 'sigmoid', 'sum', '(output)']) expect(r.tape).toContain(op);
    expect(r.stepGradients.split('\n')).toHaveLength(4);
  });

  it('is deterministic and rejects bad options', () => {
    expect(runXor({ epochs: 50 }).losses).toEqual(runXor({ epochs: 50 }).losses);
    expect(() => runXor({ hidden: 0 })).toThrow(OptionError);
    expect(() => runXor({ cost: 'bce' as never })).toThrow(/cost must be one of quadratic, cross-entropy/);
  });

  it("trains with the book's cross-entropy, the name every example and the page use", () => {
    const r = runXor({ cost: 'cross-entropy', hidden: 3, epochs: 500, lr: 2 });
    expect(r.converged).toBe(true);
    expect(r.losses.at(-1)!).toBeLessThan(0.1 * r.losses[0]!);
  });
});

describe('compare', () => {
  it('finds tape, BP1–BP2 and finite differences in agreement, and writes the vanishing-gradient plot', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-compare-'));
    const r = await runCompare({
      hidden: [20, 15],
      cost: 'cross-entropy',
      batchSize: 4,
      deepSeeds: 2,
      deepSamples: 200,
      out,
    });
    expect(r.agreement).toBe(true);
    expect(r.layers.map((l) => l.shape)).toEqual([
      [4, 20],
      [4, 15],
      [4, 10],
    ]);
    for (const l of r.layers) {
      expect(l.tapeVsClosedRel).toBeLessThan(1e-12);
      expect(l.closedVsFdAbs).toBeLessThan(1e-6);
    }
    expect(r.table).toContain('PASS');
    // In a deep sigmoid net at N(0, 1) initialisation the first layer's δ is much smaller than the last's.
    expect(r.vanishing).toHaveLength(2);
    expect(r.firstToLastRatio).toBeLessThan(0.2);
    expect(r.files).toHaveLength(1);
    expect(checkSvg(readFileSync(r.files[0]!, 'utf8')).problems).toEqual([]);
  });
});

describe('custom-layer', () => {
  it('passes gradcheck for the defineOp and customVjp layers, checkLayer for a hand-derived backprop (catching a wrong one), and trains them', () => {
    const r = runCustomLayer({ epochs: 1, limit: 3000 });
    expect(r.gradcheckPassed).toBe(true);
    expect(r.checks).toHaveLength(3);
    expect(r.swishSecondOrder).toMatch(/^GradError: 'swish'/);
    expect(r.tape).toContain('affineSoftsign(');
    expect(r.tape).toContain('swish(');
    expect(r.testAccuracy[0]!).toBeGreaterThan(0.7);
    // The layer's own hand-derived backprop: the right derivation passes, the sloppy one is
    // caught with the quantity and the element named.
    expect(r.layerCheck.passed).toBe(true);
    expect(r.networkCheck.passed).toBe(true);
    expect(r.wrongLayerCheck.passed).toBe(false);
    expect(r.wrongLayerCheck.report).toMatch(
      /∂C\/∂input is wrong: worst at \[\d+, \d+\], hand-derived -?[\d.e-]+ vs tape/,
    );
    expect(r.wrongLayerCheck.report).toContain('SloppySoftsignDense(5 → 3)');
  });
});

describe('hessian', () => {
  it('matches finite differences of gradients and is symmetric', () => {
    const r = runHessian();
    expect(r.passed).toBe(true);
    expect(r.parameterCount).toBe(3 * 4 + 4 + 4 * 2 + 2);
    for (const d of r.directions) {
      expect(d.maxRel).toBeLessThan(1e-6);
      expect(d.symmetryRel).toBeLessThan(1e-12);
    }
    expect(runHessian({ sizes: [4, 5, 5, 3], cost: 'cross-entropy', directions: 2 }).passed).toBe(true);
  });
});
