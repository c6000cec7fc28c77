/**
 * The live page: trains a sigmoid MLP on a 2-D dataset a few SGD steps per animation frame and
 * redraws the decision boundary, the cost curve, per-layer mean |δ^l| and the tape-vs-closed-form
 * check. Tests read its state from data attributes on #status and #agreement.
 */
import { Trainer } from './trainer.js';
import { drawBoundary, drawSeries } from './draw.js';
import { renderComparison } from './panel.js';
import { byId, fillControls, findControls, readSettings, readStepsPerFrame } from './controls.js';

const LAYER_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e'];
/** Curves keep at most this many points; older history is thinned rather than dropped. */
const MAX_POINTS = 600;
/** Grid resolution of the boundary image. */
const GRID = 64;
/** Frames between two comparisons (each costs one extra tape and one closed-form backprop). */
const COMPARE_EVERY = 10;

const controls = findControls();
const status = byId('status', HTMLElement);
const agreement = byId('agreement', HTMLElement);
const errorBox = byId('error', HTMLElement);
const boundary = byId('boundary', HTMLCanvasElement);
const costChart = byId('cost-chart', HTMLCanvasElement);
const deltaChart = byId('delta-chart', HTMLCanvasElement);
const pauseButton = byId('pause', HTMLButtonElement);

/** Curves since the last reset; one point per `stride` frames. */
interface Curves {
  cost: number[];
  deltas: number[][];
  stride: number;
  frame: number;
  firstCost: number;
}

let trainer: Trainer;
let curves: Curves;
let running = true;
let frames = 0;

function reset(): void {
  errorBox.textContent = '';
  try {
    trainer = new Trainer(readSettings(controls));
  } catch (e) {
    showError(e);
    return;
  }
  const first = trainer.evaluate().loss;
  curves = { cost: [first], deltas: trainer.layers.map(() => []), stride: 1, frame: 0, firstCost: first };
  frames = 0;
  status.dataset['costFirst'] = String(first);
  renderComparison(agreement, trainer.compare(), 0);
  redraw();
}

function showError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  errorBox.textContent = message;
  console.error(message);
}

/** Halves every curve when it grows past MAX_POINTS, so a long run keeps its whole shape. */
function thin(c: Curves): void {
  if (c.cost.length <= MAX_POINTS) return;
  const half = (v: number[]) => v.filter((_, i) => i % 2 === 0);
  c.cost = half(c.cost);
  c.deltas = c.deltas.map(half);
  c.stride *= 2;
}

function trainFrame(): void {
  const n = readStepsPerFrame(controls);
  const sums = trainer.layers.map(() => 0);
  for (let i = 0; i < n; i++) {
    trainer.step().meanAbsDelta.forEach((d, l) => (sums[l] = sums[l]! + d));
  }
  curves.frame++;
  if (curves.frame % curves.stride === 0) {
    curves.cost.push(trainer.evaluate().loss);
    sums.forEach((s, l) => curves.deltas[l]!.push(s / n));
    thin(curves);
  }
  if (++frames % COMPARE_EVERY === 0) renderComparison(agreement, trainer.compare(), trainer.steps);
}

function redraw(): void {
  const data = trainer.data;
  drawBoundary(boundary, trainer.predictGrid(GRID), GRID, data.x.data as Float64Array, data.y.data as Float64Array);
  drawSeries(costChart, [{ label: `${trainer.settings.cost} cost`, color: '#333', values: curves.cost }], {
    xLabel: 'frames',
  });
  drawSeries(
    deltaChart,
    curves.deltas.map((values, l) => ({ label: `δ${l + 1}`, color: LAYER_COLORS[l % LAYER_COLORS.length]!, values })),
    { logY: true, xLabel: 'frames' },
  );
  const { loss, accuracy } = trainer.evaluate();
  status.dataset['steps'] = String(trainer.steps);
  status.dataset['costLast'] = String(loss);
  status.dataset['accuracy'] = String(accuracy);
  status.textContent =
    `MLP ${[2, ...trainer.settings.hidden, 1].join('–')} · step ${trainer.steps} · epoch ${Math.floor((trainer.steps * trainer.settings.batchSize) / data.n)} · ` +
    `cost ${loss.toPrecision(4)} (start ${curves.firstCost.toPrecision(4)}) · accuracy ${(100 * accuracy).toFixed(1)}%`;
}

/** A few steps, then one redraw, per frame: the tab stays responsive whatever the step count. */
function loop(): void {
  if (running && trainer !== undefined && errorBox.textContent === '') {
    try {
      trainFrame();
      redraw();
    } catch (e) {
      showError(e);
    }
  }
  requestAnimationFrame(loop);
}

byId('reset', HTMLButtonElement).addEventListener('click', reset);
pauseButton.addEventListener('click', () => {
  running = !running;
  pauseButton.textContent = running ? 'Pause' : 'Resume';
});
controls.lr.addEventListener('change', () => {
  // η is the one setting that can change mid-run without invalidating the curves.
  try {
    trainer.setLearningRate(readSettings(controls).lr);
    errorBox.textContent = '';
  } catch (e) {
    showError(e);
  }
});
for (const el of [controls.dataset, controls.hidden, controls.cost, controls.batchSize, controls.seed])
  el.addEventListener('change', reset);

fillControls(controls, new URLSearchParams(window.location.search));
reset();
requestAnimationFrame(loop);
