import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineChartSpec, lineChartSvg, perEpoch, writeLineChart } from '../src/plot/charts.js';
import { PlotError } from '../src/errors.js';
import { checkSvg } from './helpers/svg.js';

describe('Vega-Lite charts', () => {
  it('renders a single-series chart to well-formed SVG', async () => {
    const svg = await lineChartSvg({
      title: 'cost',
      xTitle: 'epoch',
      yTitle: 'C',
      series: [perEpoch('cost', [0.5, 0.3, 0.2])],
    });
    const check = checkSvg(svg);
    expect(check.problems).toEqual([]);
    expect(check.width).toBeGreaterThan(400);
    expect(svg).toContain('epoch');
  });

  it('renders a multi-series log chart with a legend, dropping non-positive values', async () => {
    const spec = lineChartSpec({
      title: 'mean |δ|',
      xTitle: 'epoch',
      yTitle: '|δ|',
      yScale: 'log',
      series: [perEpoch('δ^1', [1e-3, 5e-4, 0]), perEpoch('δ^2', [1e-2, 8e-3, 6e-3])],
    });
    expect((spec as { data: { values: unknown[] } }).data.values).toHaveLength(5);
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-plot-'));
    const path = await writeLineChart(join(dir, 'nested', 'delta.svg'), {
      title: 'mean |δ|',
      xTitle: 'epoch',
      yTitle: '|δ|',
      yScale: 'log',
      series: [perEpoch('δ^1', [1e-3, 5e-4]), perEpoch('δ^2', [1e-2, 8e-3])],
    });
    const svg = readFileSync(path, 'utf8');
    expect(checkSvg(svg).ok).toBe(true);
    expect(svg).toContain('δ^2');
  });

  it('refuses a chart with nothing to draw', () => {
    expect(() => lineChartSpec({ title: 't', xTitle: 'x', yTitle: 'y', series: [perEpoch('a', [NaN])] })).toThrow(
      PlotError,
    );
  });
});
