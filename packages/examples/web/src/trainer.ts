import { Rng, Tensor, noGrad } from '@tapegrad/autograd';
import {
  mlp,
  SGD,
  trainStep,
  compareBackprop,
  batchIndices,
  takeRows,
  evaluate,
  Linear,
  type MLP,
  type BackpropComparison,
  type CostName,
} from '@tapegrad/nn';
import { makeDataset, type Dataset, type DatasetName } from './data.js';

/** Everything the controls decide; changing any of these except `lr` rebuilds the trainer. */
export interface TrainerSettings {
  /** The dataset. */
  dataset: DatasetName;
  /** Hidden layer widths, e.g. [8, 8]; the net is 2 → hidden… → 1, sigmoid everywhere. */
  hidden: number[];
  /** SGD learning rate η. */
  lr: number;
  /** The cost: the quadratic ½‖y − a‖² of Nielsen's chapter 1 or the sigmoid cross-entropy of chapter 3. */
  cost: Extract<CostName, 'quadratic' | 'cross-entropy'>;
  /** Mini-batch size m. */
  batchSize: number;
  /** The seed of every random draw (data, initial weights, shuffles). */
  seed: number;
}

/** What one optimisation step measured. */
export interface StepReport {
  /** The batch cost before the step. */
  readonly cost: number;
  /** mean |δ^l| per layer l = 1..L, per sample (see {@link meanAbsDelta}). */
  readonly meanAbsDelta: number[];
}

/**
 * mean_{i,j} |δ^l_{ij}| for one sample's δ^l. The tape's Δ^l is ∂C/∂Z^l of the *batch* cost and
 * so carries the 1/m of the mean; multiplying by m gives the per-sample δ^l of BP1–BP2, whose size
 * should not change when the user changes the batch size.
 */
export function meanAbsDelta(delta: Tensor, m: number): number {
  let s = 0;
  for (let i = 0; i < delta.size; i++) s += Math.abs(delta.data[i]!);
  return (s * m) / delta.size;
}

/** A sigmoid MLP trained by plain SGD on mini-batches, one step at a time (the page runs it in a worker, see worker.ts). */
export class Trainer {
  readonly settings: Readonly<TrainerSettings>;
  readonly data: Dataset;
  readonly net: MLP;
  /** The stage index of each layer's Linear, whose output z^l has the δ^l the plot shows. */
  readonly layers: readonly number[];
  private readonly opt: SGD;
  private readonly rng: Rng;
  private queue: Int32Array[] = [];
  private lastBatch: { x: Tensor; y: Tensor } | null = null;
  /** Optimisation steps taken. */
  steps = 0;

  /** Draws the data, then the weights, then the shuffles, all from one seeded stream. */
  constructor(settings: TrainerSettings) {
    this.settings = { ...settings, hidden: [...settings.hidden] };
    this.rng = new Rng(settings.seed);
    this.data = makeDataset(settings.dataset, 200, this.rng);
    this.net = mlp([2, ...settings.hidden, 1], { rng: this.rng });
    this.layers = this.net.stages().flatMap((m, i) => (m instanceof Linear ? [i] : []));
    this.opt = new SGD(this.net, { lr: settings.lr });
  }

  /** Changes η between steps; everything else needs a new Trainer. */
  setLearningRate(lr: number): void {
    this.opt.lr = lr;
  }

  /** The next mini-batch: a fresh seeded shuffle each epoch, rows drawn without replacement. */
  private nextBatch(): { x: Tensor; y: Tensor } {
    if (this.queue.length === 0)
      this.queue = batchIndices(this.data.n, { batchSize: this.settings.batchSize, rng: this.rng });
    const idx = this.queue.shift()!;
    return { x: takeRows(this.data.x, idx), y: takeRows(this.data.y, idx) };
  }

  /**
   * One SGD step with gradients from the tape, through nn's `trainStep`. With `deltas: true` the
   * tape also returns the adjoints of every z^l, i.e. Nielsen's δ^l, so the per-layer plot costs
   * no extra backward pass.
   */
  step(): StepReport {
    const batch = this.nextBatch();
    this.lastBatch = batch;
    const r = trainStep(this.net, this.opt, batch.x, batch.y, { cost: this.settings.cost, deltas: true });
    this.steps++;
    const m = batch.x.shape[0]!;
    return { cost: r.cost, meanAbsDelta: this.layers.map((i) => meanAbsDelta(r.deltas.get(String(i))!, m)) };
  }

  /** Cost and accuracy on all 200 points, with the current weights. */
  evaluate(): { loss: number; accuracy: number } {
    return evaluate(this.net, this.data.x, this.data.y, { cost: this.settings.cost });
  }

  /** Tape against closed-form BP1–BP4 on the batch of the latest step (or the first batch before any step). */
  compare(): BackpropComparison {
    const batch = this.lastBatch ?? this.nextBatch();
    this.lastBatch = batch;
    return compareBackprop(this.net, batch.x, batch.y, { cost: this.settings.cost });
  }

  /** The network output on a res × res grid over [−1, 1]², row-major from the top-left. */
  predictGrid(res: number): Float64Array {
    const xs = new Float64Array(2 * res * res);
    for (let r = 0; r < res; r++) {
      for (let c = 0; c < res; c++) {
        const k = 2 * (r * res + c);
        xs[k] = -1 + (2 * (c + 0.5)) / res;
        xs[k + 1] = 1 - (2 * (r + 0.5)) / res;
      }
    }
    const out = noGrad(() => this.net.forward(new Tensor(xs, [res * res, 2])));
    return Float64Array.from(out.data);
  }
}
