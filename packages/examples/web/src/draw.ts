/** Canvas drawing for the page: the decision boundary and small line charts. No state lives here. */

/** Colours of class 0 and class 1, as RGB. */
const CLASS_RGB: readonly [readonly [number, number, number], readonly [number, number, number]] = [
  [214, 96, 77],
  [67, 147, 195],
];

/** One line of a chart. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** Fits the canvas backing store to its CSS size times the device pixel ratio, so lines stay sharp. */
function context(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('draw: this browser has no 2-D canvas context.');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

/**
 * The decision boundary: the net's output p on a res × res grid (row-major, top row first) as a
 * background shaded from class 0 (p = 0) to class 1 (p = 1), the p = 0.5 contour darkened, and the
 * data points on top.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  grid: Float64Array,
  res: number,
  points: Float64Array,
  labels: Float64Array,
): void {
  const { ctx, w, h } = context(canvas);
  const image = new ImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const p = Math.min(1, Math.max(0, grid[i]!));
    const [c0, c1] = CLASS_RGB;
    // Pale colours keep the points readable; the band near 0.5 marks the boundary.
    const edge = Math.abs(p - 0.5) < 0.04 ? 0.7 : 1;
    for (let k = 0; k < 3; k++) {
      const mix = c0[k]! * (1 - p) + c1[k]! * p;
      image.data[4 * i + k] = (255 - 0.45 * (255 - mix)) * edge;
    }
    image.data[4 * i + 3] = 255;
  }
  const off = document.createElement('canvas');
  off.width = res;
  off.height = res;
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, w, h);
  for (let i = 0; i < labels.length; i++) {
    const px = ((points[2 * i]! + 1) / 2) * w;
    const py = ((1 - points[2 * i + 1]!) / 2) * h;
    const [r, g, b] = CLASS_RGB[labels[i]! >= 0.5 ? 1 : 0];
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

/** A tick value printed compactly: 0.012 → "1.2e-2" only when small. */
function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 0.01 && a < 1000 ? String(Number(v.toPrecision(2))) : v.toExponential(1);
}

/**
 * A line chart of one or more series against their index. With `logY`, values are drawn on a
 * log₁₀ axis: per-layer |δ^l| differ by orders of magnitude in sigmoid nets, which is the point.
 */
export function drawSeries(
  canvas: HTMLCanvasElement,
  series: readonly Series[],
  options: { logY?: boolean; xLabel?: string } = {},
): void {
  const { ctx, w, h } = context(canvas);
  ctx.clearRect(0, 0, w, h);
  const pad = { left: 52, right: 10, top: 10, bottom: 24 };
  const f = options.logY ? (v: number) => Math.log10(Math.max(v, 1e-300)) : (v: number) => v;
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (const s of series) {
    n = Math.max(n, s.values.length);
    for (const v of s.values)
      if (Number.isFinite(f(v))) {
        lo = Math.min(lo, f(v));
        hi = Math.max(hi, f(v));
      }
  }
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#666';
  if (n < 2 || !Number.isFinite(lo)) {
    ctx.fillText('waiting for data…', pad.left, h / 2);
    return;
  }
  if (hi - lo < 1e-12) {
    hi += 0.5;
    lo -= 0.5;
  }
  const x = (i: number) => pad.left + (i / (n - 1)) * (w - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - (f(v) - lo) / (hi - lo)) * (h - pad.top - pad.bottom);
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, w - pad.left - pad.right, h - pad.top - pad.bottom);
  const show = (t: number) => tick(options.logY ? 10 ** t : t);
  ctx.fillText(show(hi), 4, pad.top + 8);
  ctx.fillText(show(lo), 4, h - pad.bottom);
  if (options.xLabel) ctx.fillText(options.xLabel, w - pad.right - ctx.measureText(options.xLabel).width, h - 6);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, pad.left + 6 + k * 70, h - 6);
  });
}
