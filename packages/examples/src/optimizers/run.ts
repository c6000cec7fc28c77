/**
 * SGD against Adam against AdamW on MNIST: the same network from the same initial weights,
 * trained by each optimiser on the same shuffles, with test accuracy and training cost per epoch
 * drawn as SVG charts. The network is chapter 3's [784, 30, 10] sigmoid MLP with the
 * cross-entropy cost and N(0, 1/n_in) weights; SGD uses chapter 3's η = 0.5, Adam and AdamW
 * lr = 5e-3 (PyTorch's default 1e-3 barely moves this network in the few steps of a quick run)
 * with their other defaults, AdamW's weight decay on the weights only, through a parameter group.
 * The data comes through one function (`data`), so another loader drops in without other changes.
 */
import { join } from 'node:path';
import { Rng, checkOptions } from '@tapegrad/autograd';
import {
  Adam,
  AdamW,
  fit,
  mlp,
  regularizedWeights,
  SGD,
  type InitFunction,
  type MLP,
  type Optimizer,
} from '@tapegrad/nn';
import { loadMnistSplit, type MnistSplit } from '../data/mnist.js';
import { requireInt } from '../cli/options.js';
import { OptionError } from '../errors.js';
import { perEpoch, writeLineChart } from '../plot/charts.js';

/** The optimisers compared, by name, each built over a network's parameters. */
export const OPTIMIZERS: Readonly<Record<string, (net: MLP) => Optimizer>> = {
  'SGD (η = 0.5)': (net) => new SGD(net, { lr: 0.5 }),
  'Adam (lr = 5e-3)': (net) => new Adam(net, { lr: 5e-3 }),
  'AdamW (lr = 5e-3, λ = 1e-2 on weights)': (net) => {
    const weights = regularizedWeights(net);
    return new AdamW(
      [{ params: weights }, { params: net.parameters().filter((p) => !weights.includes(p)), weightDecay: 0 }],
      { lr: 5e-3, weightDecay: 1e-2 },
    );
  },
};

/** Options of {@link runOptimizers}. */
export interface OptimizersOptions {
  /** Epochs per optimiser (default 10). */
  epochs?: number;
  /** Mini-batch size (default 10). */
  batchSize?: number;
  /** Seed of the initial weights and the shuffles, shared by every optimiser (default 1). */
  seed?: number;
  /** Use only about this many digits in total, for quick runs (default all). */
  limit?: number;
  /** Output folder for the charts; null writes nothing (default 'out'). */
  out?: string | null;
  /** Receives one line per epoch (default: discard). */
  log?: (line: string) => void;
  /** Where the digits come from (default: the MNIST loader's per-digit split). */
  data?: (limit: number | undefined) => MnistSplit;
}

/** One optimiser's curves. */
export interface OptimizerCurve {
  /** The optimiser's label. */
  readonly name: string;
  /** Test accuracy after each epoch. */
  readonly testAccuracy: number[];
  /** Mean training cost after each epoch. */
  readonly trainCost: number[];
}

/** What {@link runOptimizers} measured and wrote. */
export interface OptimizersResult {
  /** One curve per optimiser, in {@link OPTIMIZERS} order. */
  readonly curves: OptimizerCurve[];
  /** Training and test set sizes. */
  readonly trainSize: number;
  readonly testSize: number;
  /** Files written. */
  readonly files: string[];
}

/** Chapter 3's initial weights: N(0, 1/n_in) weights, N(0, 1) biases. */
const scaledInit: InitFunction = (weight, bias, fanIn, _fanOut, rng) => {
  const s = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < weight.length; i++) weight[i] = s * rng.normal();
  for (let i = 0; i < bias.length; i++) bias[i] = rng.normal();
};

/** Trains one network per optimiser from the same weights and shuffles; writes optimizers-accuracy.svg and optimizers-cost.svg. */
export async function runOptimizers(options?: OptimizersOptions): Promise<OptimizersResult> {
  const o = checkOptions('runOptimizers', options, ['epochs', 'batchSize', 'seed', 'limit', 'out', 'log', 'data']);
  const epochs = requireInt('epochs', o.epochs ?? 10);
  const batchSize = requireInt('batchSize', o.batchSize ?? 10);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) throw new OptionError(`seed must be an integer, got ${seed}.`);
  const log = o.log ?? ((): void => {});
  const out = o.out === undefined ? 'out' : o.out;
  const { train, test } = (o.data ?? ((limit) => loadMnistSplit(limit === undefined ? {} : { limit })))(o.limit);
  const curves: OptimizerCurve[] = [];
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    const root = new Rng(seed);
    const net = mlp([784, 30, 10], { rng: root.fork(), init: scaledInit });
    const curve: OptimizerCurve = { name, testAccuracy: [], trainCost: [] };
    fit(net, train.x, train.y, {
      optimizer: make(net),
      rng: root.fork(),
      epochs,
      batchSize,
      cost: 'bce',
      validation: { x: test.x, y: test.y },
      onEpoch: ({ epoch, train: t, validation }) => {
        curve.testAccuracy.push(validation!.accuracy);
        curve.trainCost.push(t.loss);
        log(
          `${name}, epoch ${epoch + 1}: test accuracy ${(100 * validation!.accuracy).toFixed(2)}%, train cost ${t.loss.toFixed(4)}`,
        );
      },
    });
    curves.push(curve);
  }
  const files: string[] = [];
  if (out !== null) {
    files.push(
      await writeLineChart(join(out, 'optimizers-accuracy.svg'), {
        title: `MNIST test accuracy per epoch (${train.size} training digits, [784, 30, 10], cross-entropy)`,
        xTitle: 'epoch',
        yTitle: 'test accuracy (%)',
        series: curves.map((c) =>
          perEpoch(
            c.name,
            c.testAccuracy.map((a) => 100 * a),
          ),
        ),
      }),
      await writeLineChart(join(out, 'optimizers-cost.svg'), {
        title: 'training cost per epoch',
        xTitle: 'epoch',
        yTitle: 'mean cross-entropy (log scale)',
        yScale: 'log',
        series: curves.map((c) => perEpoch(c.name, c.trainCost)),
      }),
    );
  }
  return { curves, trainSize: train.size, testSize: test.size, files };
}
