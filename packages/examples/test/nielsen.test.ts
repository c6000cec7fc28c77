import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@tapegrad/autograd';
import { loadMnistSplit } from '../src/data/mnist.js';
import { runMnist } from '../src/mnist/run.js';
import { NIELSEN_ROWS } from '../src/nielsen/rows.js';
import { markdownTable, meanAndSd, summarise } from '../src/nielsen/report.js';
import { runNielsen, trainRow } from '../src/nielsen/run.js';
import { OptionError } from '../src/errors.js';
import { checkSvg } from './helpers/svg.js';

const row = (id: string) => NIELSEN_ROWS.find((r) => r.id === id)!;

describe('nielsen rows', () => {
  it("carry the book's hyper-parameters and figures", () => {
    expect(NIELSEN_ROWS.map((r) => r.id)).toEqual([
      'ch1-30',
      'ch1-100',
      'ch3-ce-30',
      'ch3-ce-100',
      'ch3-l2-30',
      'ch3-l2-100',
      'ch3-scaled-30',
    ]);
    expect(row('ch1-30')).toMatchObject({ hidden: [30], cost: 'quadratic', lr: 3, batchSize: 10, epochs: 30 });
    expect(row('ch1-30').book).toMatchObject({ percent: 95.42, measure: 'peak' });
    expect(row('ch3-l2-100')).toMatchObject({ hidden: [100], lambda: 5, lr: 0.5, evalSet: 'validation' });
    expect(row('ch3-scaled-30').book).toBeUndefined();
  });
});

describe('nielsen report', () => {
  it('takes the mean and sample standard deviation over seeds', () => {
    const { mean, sd } = meanAndSd([95.0, 95.1, 95.2]);
    expect(mean).toBeCloseTo(95.1, 12);
    expect(sd).toBeCloseTo(0.1, 12);
    expect(meanAndSd([94]).sd).toBeNaN();
  });

  it("scores a chapter-1 row by its best epoch and says when we miss by more than twice the seeds' spread", () => {
    const runs = [95.0, 95.1, 95.2].map((peak, i) => ({ seed: i, curve: [0.9, peak / 100, 0.93], seconds: 2 }));
    const missed = summarise(row('ch1-30'), runs, true);
    expect(missed.ours.map((v) => Number(v.toFixed(6)))).toEqual([95, 95.1, 95.2]);
    expect(missed.miss).toBe(true);
    expect(missed.verdict).toMatch(/^MISSES the book by 0\.32 points, more than twice the seeds' spread \(sd 0\.10\)/);
    const close = summarise(
      row('ch1-30'),
      [95.3, 95.5, 95.4].map((p, i) => ({ seed: i, curve: [p / 100], seconds: 1 })),
      true,
    );
    expect(close.miss).toBe(false);
    expect(close.verdict).toMatch(/^within twice the seeds' spread of the book \(−0\.02 points, sd 0\.10\)/);
    // A row scored by its last epoch ignores a better earlier one.
    const last = summarise(row('ch3-l2-100'), [{ seed: 1, curve: [0.99, 0.97], seconds: 1 }], true);
    expect(last.ours[0]).toBeCloseTo(97, 12);
    expect(last.verdict).toMatch(/one seed gives no spread/);
    expect(summarise(row('ch1-30'), runs, false).verdict).toMatch(/not compared/);
    const table = markdownTable([missed, last]);
    expect(table).toContain('| ch. 1: [784, 30, 10], quadratic cost, N(0, 1), η = 3.0 | test | best epoch | 95.42%');
    expect(table).toContain('95.10% ± 0.10 (95.00, 95.10, 95.20)');
    expect(table).toContain('97.92%');
  });
});

// Two trainings of 5,000 digits each: seconds alone, minutes on a machine shared with other jobs.
describe('nielsen runs, on a slice', { timeout: 180_000 }, () => {
  it('trains a row exactly as the demo does for the same seed', async () => {
    const data = loadMnistSplit({ limit: 6000 });
    const run = trainRow(row('ch1-30'), 5, data, { epochs: 1 });
    const demo = await runMnist({ epochs: 1, limit: 6000, seed: 5, out: null });
    expect(run.curve).toEqual(demo.history.map((h) => h.testAccuracy));
    expect(run.curve[0]!).toBeGreaterThan(0.5);
  });

  it('writes the table, the chart and the results; the scaled-init row learns in one epoch', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-nielsen-'));
    const lines: string[] = [];
    const r = await runNielsen({
      rows: ['ch3-scaled-30'],
      seeds: [1, 2],
      epochs: 1,
      limit: 6000,
      out,
      log: (l) => lines.push(l),
    });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.runs.map((s) => s.seed)).toEqual([1, 2]);
    // Scored on the first 1,000 validation digits, never trained on; η = 0.1 gives ~79% after 500 steps.
    for (const v of r.rows[0]!.ours) expect(v).toBeGreaterThan(70);
    expect(r.rows[0]!.verdict).toBe('the book gives no figure; ours alone');
    expect(r.table).toContain("Shortened run (1 epochs, limit 6000): not the book's procedure.");
    expect(lines.some((l) => l.startsWith('ch3-scaled-30 seed 2 epoch  1: validation accuracy'))).toBe(true);
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['table.md', 'accuracy.svg', 'results.json']);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toBe(r.table);
    expect(checkSvg(readFileSync(join(out, 'accuracy.svg'), 'utf8')).problems).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))[0].runs).toHaveLength(2);
  });

  it('rejects unknown rows, empty seeds and misspelled options with named errors', async () => {
    await expect(runNielsen({ rows: ['ch2'], out: null })).rejects.toThrow(OptionError);
    await expect(runNielsen({ rows: ['ch2'], out: null })).rejects.toThrow(/unknown row 'ch2'; rows are ch1-30/);
    await expect(runNielsen({ seeds: [], out: null })).rejects.toThrow(OptionError);
    await expect(runNielsen({ seed: [1] } as never)).rejects.toThrow(ArgumentError);
  });
});
