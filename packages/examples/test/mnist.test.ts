import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stateDictFromSafetensors } from '@tapegrad/nn';
import { MNIST_QUICK, runMnist } from '../src/mnist/run.js';
import { OptionError } from '../src/errors.js';
import { checkSvg } from './helpers/svg.js';

describe('MNIST demo, quick mode', () => {
  it('reaches ≥ 80% after one epoch, agrees with the closed form, and writes plots and weights', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-out-'));
    const lines: string[] = [];
    const r = await runMnist({ ...MNIST_QUICK, seed: 1, out, log: (l) => lines.push(l) });

    expect([r.trainSize, r.testSize]).toEqual([5000, 1000]);
    expect(r.history).toHaveLength(1);
    expect(r.finalAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(r.bestAccuracy).toBe(r.finalAccuracy);
    expect(r.bestEpoch).toBe(1);
    expect(r.loadMs).toBeGreaterThan(0);
    expect(r.trainCpuMs).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('epoch  1: test accuracy'))).toBe(true);

    // Tape and closed form are the same mathematics in another rounding order.
    expect(r.comparisonPassed).toBe(true);
    expect(r.comparisonWorstRel).toBeLessThan(1e-12);
    expect(r.comparison).toMatch(/δ/);

    // One mean |δ^l| per layer, finite and positive, before and after training.
    expect(r.initialMeanAbsDelta).toHaveLength(2);
    for (const v of [...r.initialMeanAbsDelta, ...r.history[0]!.meanAbsDelta]) expect(v).toBeGreaterThan(0);

    const names = r.files.map((f) => f.slice(out.length + 1)).sort();
    expect(names).toEqual(['accuracy.svg', 'cost.svg', 'delta.svg', 'weights.safetensors']);
    for (const f of r.files.filter((p) => p.endsWith('.svg'))) {
      const check = checkSvg(readFileSync(f, 'utf8'));
      expect(check.problems, f).toEqual([]);
      expect(check.elements).toBeGreaterThan(20);
    }
    const saved = stateDictFromSafetensors(new Uint8Array(readFileSync(join(out, 'weights.safetensors'))));
    const state = r.net.stateDict();
    expect([...saved.tensors.keys()].sort()).toEqual([...state.keys()].sort());
    for (const [k, t] of state) expect(Array.from(saved.tensors.get(k)!.data)).toEqual(Array.from(t.data));
    expect(saved.metadata['seed']).toBe('1');
  });

  it('is deterministic for a seed', async () => {
    const a = await runMnist({ epochs: 2, limit: 400, seed: 7, out: null });
    const b = await runMnist({ epochs: 2, limit: 400, seed: 7, out: null });
    expect(a.history[1]!.testCost).toBe(b.history[1]!.testCost);
    expect(a.files).toEqual([]);
    // The best epoch is the first with the highest test accuracy.
    const accs = a.history.map((h) => h.testAccuracy);
    expect(a.bestAccuracy).toBe(Math.max(...accs));
    expect(a.bestEpoch).toBe(accs.indexOf(Math.max(...accs)) + 1);
  });

  it('rejects bad options with a named error', async () => {
    await expect(runMnist({ epochs: 0, out: null })).rejects.toThrow(OptionError);
    await expect(runMnist({ hidden: [], out: null })).rejects.toThrow(OptionError);
    await expect(runMnist({ lr: -1, out: null })).rejects.toThrow(OptionError);
  });
});
