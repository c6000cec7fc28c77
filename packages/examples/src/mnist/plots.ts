/**
 * The MNIST run's charts: cost and accuracy per epoch, and the mean |δ^l| of each layer over
 * training, each written as an SVG file drawn by Vega-Lite.
 */
import { join } from 'node:path';
import type { DeltaInfo } from '@tapegrad/nn';
import { perEpoch, writeLineChart, type Point } from '../plot/charts.js';

/** What was measured after each epoch (epoch 1 first). */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean cost over the test set (including the L2 term when λ > 0). */
  testCost: number;
  /** Share of test digits classified correctly. */
  testAccuracy: number;
  /** Mean cost over the whole training set after the epoch. */
  trainCost: number;
  /** Mean cost of the epoch's mini-batches, each taken before its step. */
  batchCost: number;
  /**
   * Mean |δ^l| = mean |∂C_x/∂z^l| per layer l = 1..L over the epoch's mini-batches, each measured
   * in its own training step, with δ per sample.
   */
  meanAbsDelta: number[];
  /** Seconds spent training in this epoch (excluding evaluation). */
  seconds: number;
}

/** One point of the δ plot: mean |δ^l| per layer over a run of consecutive batches. */
export interface DeltaPoint {
  /** Epochs of training done at the end of the run (fractional). */
  readonly epoch: number;
  /** Mean |δ^l| per sample, l = 1..L. */
  readonly meanAbsDelta: readonly number[];
}

/**
 * Collects fit's per-batch δ statistics: every batch is measured; each plotted point averages
 * `batches / pointsPerEpoch` consecutive batches, so a long run still gives a readable chart.
 */
export class DeltaSampler {
  /** The plotted points, in training order. */
  readonly points: DeltaPoint[] = [];
  private run: number[] = [];
  private runLength = 0;
  private epoch: number[] = [];
  private epochLength = 0;

  /** @param pointsPerEpoch points plotted per epoch. */
  constructor(private readonly pointsPerEpoch = 20) {}

  /** fit's `onDeltas` callback. */
  readonly add = ({ epoch, batch, batches, layers }: DeltaInfo): void => {
    const values = layers.map((l) => l.meanAbs);
    if (this.runLength === 0) this.run = values.map(() => 0);
    if (this.epochLength === 0) this.epoch = values.map(() => 0);
    values.forEach((v, l) => {
      this.run[l] = this.run[l]! + v;
      this.epoch[l] = this.epoch[l]! + v;
    });
    this.runLength++;
    this.epochLength++;
    const window = Math.max(1, Math.ceil(batches / this.pointsPerEpoch));
    if ((batch + 1) % window === 0 || batch === batches - 1) {
      this.points.push({ epoch: epoch + (batch + 1) / batches, meanAbsDelta: this.run.map((v) => v / this.runLength) });
      this.runLength = 0;
    }
  };

  /** Mean |δ^l| over the batches since the last call (the epoch just finished), and starts a new epoch. */
  takeEpochMean(): number[] {
    const mean = this.epoch.map((v) => v / this.epochLength);
    this.epochLength = 0;
    return mean;
  }
}

/** Writes cost.svg, accuracy.svg and delta.svg into `dir`; returns their paths. */
export async function writeTrainingPlots(
  dir: string,
  history: readonly EpochRecord[],
  initialMeanAbsDelta: readonly number[],
  deltaPoints: readonly DeltaPoint[],
  costName: string,
): Promise<string[]> {
  const files: string[] = [];
  files.push(
    await writeLineChart(join(dir, 'cost.svg'), {
      title: `${costName} cost per epoch`,
      xTitle: 'epoch',
      yTitle: 'mean cost',
      series: [
        perEpoch(
          'training set',
          history.map((h) => h.trainCost),
        ),
        perEpoch(
          'test set',
          history.map((h) => h.testCost),
        ),
      ],
    }),
  );
  files.push(
    await writeLineChart(join(dir, 'accuracy.svg'), {
      title: 'test accuracy per epoch',
      xTitle: 'epoch',
      yTitle: 'accuracy (%)',
      series: [
        perEpoch(
          'test accuracy',
          history.map((h) => 100 * h.testAccuracy),
        ),
      ],
    }),
  );
  const layers = initialMeanAbsDelta.length;
  files.push(
    await writeLineChart(join(dir, 'delta.svg'), {
      title: 'mean |δˡ| = mean |∂C/∂zˡ| per layer over training, measured in every mini-batch step',
      xTitle: 'epoch (0 = initial weights)',
      yTitle: 'mean |δˡ| (log scale)',
      // Points fall every fraction of an epoch.
      integerX: false,
      yScale: 'log',
      series: Array.from({ length: layers }, (_, l) => ({
        name: `layer ${l + 1}${l === layers - 1 ? ' (output)' : ' (hidden)'}`,
        points: [
          { x: 0, y: initialMeanAbsDelta[l]! },
          ...deltaPoints.map((p): Point => ({ x: p.epoch, y: p.meanAbsDelta[l]! })),
        ],
      })),
    }),
  );
  return files;
}
