/**
 * The live page: a Web Worker trains a sigmoid MLP on a 2-D dataset, a few SGD steps per animation
 * frame, and the page redraws the decision boundary, the cost curve, per-layer mean |δ^l| and the
 * tape-vs-closed-form check from what it sends back. Tests read the page's state from data
 * attributes on #status and #agreement.
 */
import { drawBoundary, CLASS_RGB } from './draw.js';
import { LineChart } from './charts.js';
import { renderComparison } from './panel.js';
import { byId, fillControls, findControls, readSettings, readStepsPerFrame } from './controls.js';
import { GRID, type FromWorker, type Snapshot, type ToWorker } from './protocol.js';
import type { TrainerSettings } from './trainer.js';

const LAYER_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e'];
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** Curves keep at most this many points; older history is thinned rather than dropped. */
const MAX_POINTS = 600;
/** Frames between two comparisons (each costs one extra tape and one closed-form backprop). */
const COMPARE_EVERY = 10;

const controls = findControls();
const status = byId('status', HTMLElement);
const agreement = byId('agreement', HTMLElement);
const errorBox = byId('error', HTMLElement);
const boundary = byId('boundary', HTMLCanvasElement);
const costRoot = byId('cost-chart', HTMLElement);
const deltaRoot = byId('delta-chart', HTMLElement);
const pauseButton = byId('pause', HTMLButtonElement);

/** Curves since the last reset; one point per `stride` frames, x in SGD steps. */
interface Curves {
  steps: number[];
  cost: number[];
  deltas: number[][];
  stride: number;
  frame: number;
  firstCost: number;
}

/** What the page knows of the worker's current net. */
interface Run {
  readonly settings: TrainerSettings;
  readonly points: Float64Array;
  readonly labels: Float64Array;
  readonly curves: Curves;
  readonly costChart: LineChart;
  readonly deltaChart: LineChart;
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker): void => worker.postMessage(message);

let run: Run | null = null;
/** The settings of the latest reset request. */
let requested: TrainerSettings | null = null;
let running = true;
/** Counts resets; the worker echoes it, so replies about an older net are dropped. */
let generation = 0;
/** A request is out and unanswered: at most one at a time, so the worker never queues up work. */
let pending = false;

for (const k of [0, 1] as const) {
  const [r, g, b] = CLASS_RGB[k];
  byId(`swatch-class-${k}`, HTMLElement).style.background = `rgb(${r},${g},${b})`;
}

function reset(): void {
  errorBox.textContent = '';
  try {
    requested = readSettings(controls);
    generation++;
    send({ type: 'reset', generation, settings: requested });
    pending = true;
  } catch (e) {
    showError(e);
  }
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
  c.steps = half(c.steps);
  c.cost = half(c.cost);
  c.deltas = c.deltas.map(half);
  c.stride *= 2;
}

function startRun(message: Extract<FromWorker, { type: 'reset' }>): void {
  run?.costChart.destroy();
  run?.deltaChart.destroy();
  const settings = requested!;
  const first = message.snapshot.loss;
  run = {
    settings,
    points: message.points,
    labels: message.labels,
    curves: {
      steps: [0],
      cost: [first],
      deltas: Array.from({ length: message.layers }, () => [NaN]),
      stride: 1,
      frame: 0,
      firstCost: first,
    },
    costChart: new LineChart(costRoot, {
      xLabel: 'SGD step',
      yLabel: 'cost',
      series: [{ label: `${settings.cost} cost`, color: '#333' }],
    }),
    deltaChart: new LineChart(deltaRoot, {
      xLabel: 'SGD step',
      yLabel: 'mean |δˡ|',
      logY: true,
      series: Array.from({ length: message.layers }, (_, l) => ({
        label: `δ${[...String(l + 1)].map((d) => SUPERSCRIPT[Number(d)]).join('')}`,
        color: LAYER_COLORS[l % LAYER_COLORS.length]!,
      })),
    }),
  };
  status.dataset['costFirst'] = String(first);
  redraw(message.snapshot);
}

function addFrame(meanAbsDelta: readonly number[], snap: Snapshot): void {
  if (run === null) return;
  const c = run.curves;
  c.frame++;
  if (c.frame % c.stride === 0) {
    c.steps.push(snap.steps);
    c.cost.push(snap.loss);
    meanAbsDelta.forEach((d, l) => c.deltas[l]!.push(d));
    thin(c);
  }
  redraw(snap);
}

function redraw(snap: Snapshot): void {
  if (run === null) return;
  const { curves } = run;
  drawBoundary(boundary, snap.grid, GRID, run.points, run.labels);
  run.costChart.update(curves.steps, [curves.cost]);
  run.deltaChart.update(curves.steps, curves.deltas);
  if (snap.comparison !== null) renderComparison(agreement, snap.comparison, snap.steps);
  const { settings } = run;
  status.dataset['steps'] = String(snap.steps);
  status.dataset['costLast'] = String(snap.loss);
  status.dataset['accuracy'] = String(snap.accuracy);
  status.textContent =
    `MLP ${[2, ...settings.hidden, 1].join('–')} · step ${snap.steps} · epoch ${snap.epoch} · ` +
    `cost ${snap.loss.toPrecision(4)} (start ${curves.firstCost.toPrecision(4)}) · accuracy ${(100 * snap.accuracy).toFixed(1)}%`;
}

worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.generation !== generation) return;
  pending = false;
  try {
    if (message.type === 'error') showError(new Error(message.message));
    else if (message.type === 'reset') startRun(message);
    else addFrame(message.meanAbsDelta, message.snapshot);
  } catch (e) {
    showError(e);
  }
});
worker.addEventListener('error', (e) => showError(new Error(`training worker: ${e.message}`)));

let frames = 0;
/** One request per animation frame at most: the worker trains while the page stays free to draw. */
function loop(): void {
  if (running && run !== null && !pending && errorBox.textContent === '') {
    frames++;
    send({ type: 'frame', generation, steps: readStepsPerFrame(controls), compare: frames % COMPARE_EVERY === 0 });
    pending = true;
  }
  requestAnimationFrame(loop);
}

byId('reset', HTMLButtonElement).addEventListener('click', reset);
pauseButton.addEventListener('click', () => {
  running = !running;
  pauseButton.textContent = running ? 'Pause' : 'Resume';
  status.dataset['running'] = String(running);
});
controls.lr.addEventListener('change', () => {
  // η is the one setting that can change mid-run without invalidating the curves.
  try {
    send({ type: 'learning-rate', lr: readSettings(controls).lr });
    errorBox.textContent = '';
  } catch (e) {
    showError(e);
  }
});
for (const el of [controls.dataset, controls.hidden, controls.cost, controls.batchSize, controls.seed])
  el.addEventListener('change', reset);

fillControls(controls, new URLSearchParams(window.location.search));
status.dataset['running'] = 'true';
reset();
requestAnimationFrame(loop);
