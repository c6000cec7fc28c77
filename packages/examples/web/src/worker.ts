/**
 * The training worker: owns the page's {@link Trainer} and runs its steps off the main thread.
 * It only wraps the trainer; the training loop itself stays in trainer.ts. One worker means one
 * core for training; the page's own thread stays free for drawing and the controls.
 */
import type { BackpropComparison } from '@tapegrad/nn';
import { Trainer } from './trainer.js';
import { GRID, type ComparisonSummary, type FromWorker, type Snapshot, type ToWorker } from './protocol.js';

// The web tsconfig types `self` as a Window; inside a dedicated worker it is this scope.
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

let trainer: Trainer | null = null;

function summary(c: BackpropComparison): ComparisonSummary {
  return { layers: c.layers, passed: c.passed, worstRel: c.worstRel, tolerance: c.tolerance };
}

function snapshot(t: Trainer, comparison: ComparisonSummary | null): Snapshot {
  const { loss, accuracy } = t.evaluate();
  const epoch = Math.floor((t.steps * t.settings.batchSize) / t.data.n);
  return { steps: t.steps, epoch, loss, accuracy, grid: t.predictGrid(GRID), comparison };
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'reset': {
      trainer = null;
      const t = new Trainer(message.settings);
      trainer = t;
      const snap = snapshot(t, summary(t.compare()));
      const points = Float64Array.from(t.data.x.data);
      const labels = Float64Array.from(t.data.y.data);
      const reply: FromWorker = {
        type: 'reset',
        generation: message.generation,
        points,
        labels,
        layers: t.layers.length,
        snapshot: snap,
      };
      scope.postMessage(reply, [points.buffer, labels.buffer, snap.grid.buffer]);
      return;
    }
    case 'learning-rate':
      trainer?.setLearningRate(message.lr);
      return;
    case 'frame': {
      const t = trainer;
      // Every request gets a reply, so the page never waits forever.
      if (t === null) throw new Error('training worker: no network to train; change a setting to rebuild it.');
      const sums = t.layers.map(() => 0);
      for (let i = 0; i < message.steps; i++) t.step().meanAbsDelta.forEach((d, l) => (sums[l] = sums[l]! + d));
      const snap = snapshot(t, message.compare ? summary(t.compare()) : null);
      const reply: FromWorker = {
        type: 'frame',
        generation: message.generation,
        meanAbsDelta: sums.map((s) => s / message.steps),
        snapshot: snap,
      };
      scope.postMessage(reply, [snap.grid.buffer]);
      return;
    }
  }
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (e) {
    const generation = 'generation' in event.data ? event.data.generation : -1;
    scope.postMessage({ type: 'error', generation, message: e instanceof Error ? e.message : String(e) }, []);
  }
};
