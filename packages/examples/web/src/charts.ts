/**
 * The page's line charts, drawn by uPlot: real axes with ticks and labels, and a legend naming
 * every series. Values ≤ 0 or non-finite are left as gaps, which a log axis needs. uPlot draws
 * axes on its canvas, so each chart also writes its axis labels and the tick labels it drew to
 * data attributes of its root (data-x-label, data-y-ticks, …) for tests to read.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A tick label: 3 significant digits, and on a log axis only the powers of ten (1e-3, 0.01, …). */
function tickLabel(v: number | null, log: boolean): string {
  // uPlot passes null for the splits its log filter hides.
  if (v === null || !Number.isFinite(v)) return '';
  if (log) {
    if (v <= 0) return '';
    const e = Math.log10(v);
    if (Math.abs(e - Math.round(e)) > 1e-9) return '';
    return Math.abs(e) <= 2 ? String(10 ** Math.round(e)) : `1e${Math.round(e)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** One line of a chart. */
export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
}

/** What a chart shows. */
export interface ChartSpec {
  /** The x axis label. */
  readonly xLabel: string;
  /** The y axis label. */
  readonly yLabel: string;
  /** A log₁₀ y axis: per-layer |δ^l| of sigmoid nets differ by orders of magnitude, which is the point. */
  readonly logY?: boolean;
  readonly series: readonly SeriesSpec[];
}

/** A chart in `root`, sized to the root's width; call `update` with x and one array per series. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly logY: boolean;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly root: HTMLElement,
    spec: ChartSpec,
  ) {
    this.logY = spec.logY ?? false;
    root.replaceChildren();
    root.dataset['xLabel'] = spec.xLabel;
    root.dataset['yLabel'] = spec.yLabel;
    root.dataset['yScale'] = this.logY ? 'log' : 'linear';
    const axis = { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ccc' } };
    const values = (key: 'xTicks' | 'yTicks', log: boolean) => (_: uPlot, splits: (number | null)[]) => {
      const labels = splits.map((v) => tickLabel(v, log));
      root.dataset[key] = labels.filter((t) => t !== '').join(' ');
      return labels;
    };
    this.plot = new uPlot(
      {
        width: Math.max(200, root.clientWidth),
        height: 170,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: this.logY ? { distr: 3 } : {} },
        axes: [
          { ...axis, label: spec.xLabel, values: values('xTicks', false) },
          { ...axis, label: spec.yLabel, size: 60, values: values('yTicks', this.logY) },
        ],
        series: [
          { label: spec.xLabel },
          ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, points: { show: false } })),
        ],
      },
      [[], ...spec.series.map(() => [])],
      root,
    );
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: Math.max(200, root.clientWidth), height: 170 }));
    this.resize.observe(root);
  }

  /** Redraws with new data: `x` and, for each series, one value per x. */
  update(x: readonly number[], ys: readonly (readonly number[])[]): void {
    const clean = (v: number): number | null => (Number.isFinite(v) && (!this.logY || v > 0) ? v : null);
    this.plot.setData([x as number[], ...ys.map((y) => y.map(clean))]);
  }

  /** Removes the chart from the page. */
  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
    this.root.replaceChildren();
  }
}
