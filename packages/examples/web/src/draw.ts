/** Canvas drawing of the decision boundary, with its axes. No state lives here. */

/** Colours of class 0 and class 1, as RGB (the page's class legend reads them from here). */
export const CLASS_RGB: readonly [readonly [number, number, number], readonly [number, number, number]] = [
  [214, 96, 77],
  [67, 147, 195],
];

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
  ctx.clearRect(0, 0, w, h);
  // The plot area leaves room on the left and at the bottom for the x₁ and x₂ axes.
  const pad = { left: 34, bottom: 30, top: 6, right: 8 };
  const pw = w - pad.left - pad.right;
  const ph = h - pad.top - pad.bottom;
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
  ctx.drawImage(off, pad.left, pad.top, pw, ph);
  const px = (v: number) => pad.left + ((v + 1) / 2) * pw;
  const py = (v: number) => pad.top + ((1 - v) / 2) * ph;
  for (let i = 0; i < labels.length; i++) {
    const [r, g, b] = CLASS_RGB[labels[i]! >= 0.5 ? 1 : 0];
    ctx.beginPath();
    ctx.arc(px(points[2 * i]!), py(points[2 * i + 1]!), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(pad.left, pad.top, pw, ph);
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  for (const t of [-1, -0.5, 0, 0.5, 1]) {
    ctx.beginPath();
    ctx.moveTo(px(t), pad.top + ph);
    ctx.lineTo(px(t), pad.top + ph + 4);
    ctx.moveTo(pad.left - 4, py(t));
    ctx.lineTo(pad.left, py(t));
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.fillText(String(t), px(t), pad.top + ph + 15);
    ctx.textAlign = 'right';
    ctx.fillText(String(t), pad.left - 6, py(t) + 4);
  }
  ctx.textAlign = 'center';
  ctx.fillText('x₁', pad.left + pw / 2, h - 2);
  ctx.save();
  ctx.translate(10, pad.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('x₂', 0, 0);
  ctx.restore();
  ctx.textAlign = 'start';
}
