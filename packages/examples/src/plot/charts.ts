/**
 * Charts as SVG, drawn by Vega-Lite: we describe each chart as a Vega-Lite spec, compile it to
 * Vega, and let Vega's headless View render the SVG in Node. No SVG is written by hand here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { PlotError } from '../errors.js';

/** One point of a series. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A named line on a chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
}

/** What a line chart shows. */
export interface LineChartOptions {
  /** Title above the chart. */
  title: string;
  /** Axis titles. */
  xTitle: string;
  yTitle: string;
  /** One line per series; a legend appears when there are several. */
  series: readonly Series[];
  /** 'log' for quantities spanning orders of magnitude, such as |δ^l| (default 'linear'). */
  yScale?: 'linear' | 'log';
  /** Show a point mark on every datum (default true when a series has ≤ 40 points). */
  points?: boolean;
  /** Treat x as integers (epochs, layers) so the axis has no fractional ticks (default true). */
  integerX?: boolean;
  /** Plot size in pixels, excluding axes and legend (default 480 × 260). */
  width?: number;
  height?: number;
}

/** Builds the Vega-Lite spec of a line chart (exported so tests can inspect it). */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  const yScale = options.yScale ?? 'linear';
  const values: { series: string; x: number; y: number }[] = [];
  for (const s of options.series) {
    for (const p of s.points) {
      // A log scale cannot place zero or negative values, and Vega would silently drop them.
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (yScale === 'log' && p.y <= 0)) continue;
      values.push({ series: s.name, x: p.x, y: p.y });
    }
  }
  if (values.length === 0) throw new PlotError(`chart "${options.title}": no finite points to plot.`);
  const longest = Math.max(...options.series.map((s) => s.points.length));
  const showPoints = options.points ?? longest <= 40;
  const integerX = options.integerX ?? true;
  const multi = options.series.length > 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 260,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: showPoints, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle,
        scale: { zero: false, nice: false },
        axis: integerX ? { format: 'd', tickMinStep: 1 } : {},
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: yScale === 'log' ? { type: 'log' } : { zero: false },
        axis: yScale === 'log' ? { format: '.0e' } : {},
      },
      ...(multi
        ? {
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              sort: options.series.map((s) => s.name),
              // Vega cuts labels at 160 px by default, which hides what tells long series names apart.
              legend: { labelLimit: 400 },
            },
          }
        : {}),
    },
  };
}

/** Compiles a Vega-Lite spec to Vega and renders it to an SVG string with a headless View. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  let view: View | undefined;
  try {
    const vegaSpec = compile(spec).spec;
    view = new View(parse(vegaSpec), { renderer: 'none' });
    return await view.toSVG();
  } catch (cause) {
    throw new PlotError(`cannot render chart: ${(cause as Error).message}`);
  } finally {
    // Release the dataflow's timers and listeners so a long-lived process does not leak views.
    view?.finalize();
  }
}

/** Renders a line chart to SVG text. */
export function lineChartSvg(options: LineChartOptions): Promise<string> {
  return renderSvg(lineChartSpec(options));
}

/** Writes text to `path`, creating parent folders; returns the path. */
export function writeTextFile(path: string, text: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (cause) {
    throw new PlotError(`cannot write ${path}: ${(cause as Error).message}`);
  }
  return path;
}

/** Renders a line chart and writes it to `path`; returns the path. */
export async function writeLineChart(path: string, options: LineChartOptions): Promise<string> {
  return writeTextFile(path, await lineChartSvg(options));
}

/** Turns per-epoch values (epoch 1 first) into a series. */
export function perEpoch(name: string, values: readonly number[]): Series {
  return { name, points: values.map((y, i) => ({ x: i + 1, y })) };
}
