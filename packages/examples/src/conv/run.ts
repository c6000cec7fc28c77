/**
 * Nielsen's first convolutional net (chapter 6, "Introducing convolutional networks"): a 5×5
 * convolution with 20 feature maps and 2×2 max-pooling, a fully connected layer of 100 sigmoid
 * neurons and a softmax output of 10 with the log-likelihood cost, trained by SGD (η = 0.1,
 * mini-batches of 10). The book reports 98.78% test accuracy after 60 epochs.
 */
import { Rng, type Tensor, noGrad, reshape } from '@tapegrad/autograd';
import {
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  batchIndices,
  compareBackprop,
  takeRows,
  trainStep,
  type InitFunction,
} from '@tapegrad/nn';
import { type Dataset, accuracy } from '../data/mnist.js';

/** The book's accuracy for this net (chapter 6): 98.78% on the test set after 60 epochs. */
export const BOOK_ACCURACY = 0.9878;

/** The book's setup (chapter 6): `net.SGD(training_data, 60, 10, 0.1, validation_data, test_data)`. */
export const CONV_DEFAULTS = { epochs: 60, batchSize: 10, lr: 0.1, seed: 1, maps: 20, hidden: 100 } as const;

/** What {@link runConv} needs. */
export interface ConvRunOptions {
  readonly train: Dataset;
  readonly validation?: Dataset;
  readonly test: Dataset;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  /** Stop training once this many minutes have passed (the epoch in progress is cut short). */
  readonly minutes?: number;
  readonly log: (line: string) => void;
}

/** One epoch's figures. */
export interface ConvEpoch {
  readonly epoch: number;
  /** Fraction of the epoch's batches that ran (1 unless the time limit cut it short). */
  readonly done: number;
  readonly validationAccuracy: number | null;
  readonly testAccuracy: number;
  readonly trainMs: number;
}

/** What {@link runConv} returns. */
export interface ConvRunResult {
  readonly epochs: ConvEpoch[];
  /** Test accuracy at the epoch of best validation accuracy (the book's way), else the last. */
  readonly reported: number;
  readonly trainMs: number;
  readonly imagesPerSecond: number;
  /** The per-layer tape-vs-hand-derived table before and after training. */
  readonly comparisons: { readonly before: string; readonly after: string };
}

/** N(0, std²) weights and N(0, 1) biases, or zeros for both: the initial values of Nielsen's network3.py. */
function network3(std: number | null): InitFunction {
  return (weight, bias, _fanIn, _fanOut, rng) => {
    for (let i = 0; i < weight.length; i++) weight[i] = std === null ? 0 : std * rng.normal();
    for (let i = 0; i < bias.length; i++) bias[i] = std === null ? 0 : rng.normal();
  };
}

/**
 * The chapter-6 net. Its initial values follow network3.py: N(0, 1/n_out) weights with n_out the
 * number of units each input feeds (maps·5·5/(2·2) for the convolution, 100 for the hidden layer),
 * N(0, 1) biases, and a zero softmax layer.
 */
export function chapter6Net(
  rng: Rng,
  maps: number = CONV_DEFAULTS.maps,
  hidden: number = CONV_DEFAULTS.hidden,
): Sequential {
  return new Sequential(
    new Conv2d(1, maps, 5, { rng, init: network3(Math.sqrt(4 / (maps * 25))) }),
    new MaxPool2d(2),
    new Sigmoid(),
    new Flatten(),
    new Linear(maps * 12 * 12, hidden, { rng, init: network3(Math.sqrt(1 / hidden)) }),
    new Sigmoid(),
    new Linear(hidden, 10, { rng, init: network3(null) }),
    new Softmax(),
  );
}

const images = (x: Tensor): Tensor => reshape(x, [x.shape[0]!, 1, 28, 28]);

/** Accuracy of `net` on a set in evaluation mode, in slices small enough that im2col stays a few MB. */
export function accuracyOf(net: Sequential, data: Dataset, slice = 250): number {
  let hits = 0;
  const wasTraining = net.training;
  net.eval();
  noGrad(() => {
    for (let start = 0; start < data.size; start += slice) {
      const rows = Array.from({ length: Math.min(slice, data.size - start) }, (_, i) => start + i);
      const out = net.forward(images(takeRows(data.x, rows)));
      hits += rows.length * accuracy(out, data.labels.subarray(start, start + rows.length));
    }
  });
  net.train(wasTraining);
  return data.size === 0 ? 0 : hits / data.size;
}

/** The per-layer comparison of the tape with the hand-derived backprops on the first `m` training digits. */
export function compareOn(net: Sequential, data: Dataset, m = 10): string {
  const rows = Array.from({ length: Math.min(m, data.size) }, (_, i) => i);
  return compareBackprop(net, images(takeRows(data.x, rows)), takeRows(data.y, rows), {
    cost: 'logLikelihood',
  }).format();
}

/** Trains the chapter-6 net and reports accuracy per epoch, its time, and the δ comparison. */
export function runConv(o: ConvRunOptions): ConvRunResult {
  const rng = new Rng(o.seed);
  const net = chapter6Net(rng);
  const optimizer = new SGD(net.parameters(), { lr: o.lr });
  const before = compareOn(net, o.train);
  o.log(`tape vs hand-derived backprop per layer, before training (${Math.min(10, o.train.size)} digits):`);
  o.log(before);
  const x = images(o.train.x);
  const deadline = o.minutes === undefined ? Infinity : performance.now() + o.minutes * 60_000;
  const epochs: ConvEpoch[] = [];
  let trainMs = 0;
  let seen = 0;
  for (let epoch = 1; epoch <= o.epochs && performance.now() < deadline; epoch++) {
    const order = batchIndices(o.train.size, { batchSize: o.batchSize, rng });
    const start = performance.now();
    let ran = 0;
    for (const idx of order) {
      if (performance.now() >= deadline) break;
      trainStep(net, optimizer, takeRows(x, idx), takeRows(o.train.y, idx), { cost: 'logLikelihood' });
      seen += idx.length;
      ran++;
      if (ran % Math.max(1, Math.floor(order.length / 10)) === 0) {
        const ms = performance.now() - start;
        o.log(
          `  epoch ${epoch}: ${ran}/${order.length} batches, ${Math.round((ran * o.batchSize) / (ms / 1000))} images/s`,
        );
      }
    }
    const ms = performance.now() - start;
    trainMs += ms;
    const validationAccuracy = o.validation ? accuracyOf(net, o.validation) : null;
    const testAccuracy = accuracyOf(net, o.test);
    const done = ran / order.length;
    epochs.push({ epoch, done, validationAccuracy, testAccuracy, trainMs: ms });
    o.log(
      `epoch ${epoch}${done < 1 ? ` (${(100 * done).toFixed(0)}% of it)` : ''}: ` +
        (validationAccuracy === null ? '' : `validation ${(100 * validationAccuracy).toFixed(2)}%, `) +
        `test ${(100 * testAccuracy).toFixed(2)}% (${(ms / 1000).toFixed(0)} s)`,
    );
  }
  let best = epochs.at(-1);
  for (const e of epochs)
    if (e.validationAccuracy !== null && e.validationAccuracy > (best?.validationAccuracy ?? -1)) best = e;
  const after = compareOn(net, o.train);
  return {
    epochs,
    reported: best?.testAccuracy ?? 0,
    trainMs,
    imagesPerSecond: seen / (trainMs / 1000),
    comparisons: { before, after },
  };
}
