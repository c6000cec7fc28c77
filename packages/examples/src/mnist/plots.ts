/**
 * The MNIST run's charts: cost and accuracy per epoch, and the mean |δ^l| of each layer over
 * training, each written as an SVG file drawn by Vega-Lite.
 */
import { join } from 'node:path';
import { perEpoch, writeLineChart } from '../plot/charts.js';

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
   * Mean |δ^l| = mean |∂C_x/∂z^l| per layer l = 1..L after the epoch, over a fixed probe set of
   * training digits, with δ per sample (the cost summed, not averaged, over the probe).
   */
  meanAbsDelta: number[];
  /** Seconds spent training in this epoch (excluding evaluation). */
  seconds: number;
}

/** Writes cost.svg, accuracy.svg and delta.svg into `dir`; returns their paths. */
export async function writeTrainingPlots(
  dir: string,
  history: readonly EpochRecord[],
  initialMeanAbsDelta: readonly number[],
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
      title: 'mean |δˡ| = mean |∂C/∂zˡ| per layer over training',
      xTitle: 'epoch (0 = initial weights)',
      yTitle: 'mean |δˡ| (log scale)',
      yScale: 'log',
      series: Array.from({ length: layers }, (_, l) => ({
        name: `layer ${l + 1}${l === layers - 1 ? ' (output)' : ' (hidden)'}`,
        points: [{ x: 0, y: initialMeanAbsDelta[l]! }, ...history.map((h) => ({ x: h.epoch, y: h.meanAbsDelta[l]! }))],
      })),
    }),
  );
  return files;
}
