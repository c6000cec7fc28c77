/**
 * The main job: chapter 1's experiment in Nielsen's book, a sigmoid MLP [784, 30, 10] with the
 * quadratic cost, N(0, 1) weights and biases, trained by SGD (η = 3.0, mini-batches of 10,
 * 30 epochs) on the first 50,000 MNIST training digits and tested on the 10,000 t10k digits after
 * every epoch. Training goes through nn's `fit` (the tape path); the closed form only checks it.
 */
import { Rng } from '@tapegrad/autograd';
import { Linear, compareBackprop, fit, mlp, SGD, takeRows, tapeBackprop, type MLP } from '@tapegrad/nn';
import { COSTS, makeCost, nnCostName, type CostName } from '../common/costs.js';
import { loadMnistSplit, spreadRows, type Dataset } from '../data/mnist.js';
import { meanAbs } from '../common/tensors.js';
import type { Progress } from '../cli/progress.js';
import { requireInt, requirePositive } from '../cli/options.js';
import { OptionError } from '../errors.js';
import { INITS, initScheme, type InitName } from './inits.js';
import { DeltaSampler, writeTrainingPlots, type DeltaPoint, type EpochRecord } from './plots.js';
import { saveWeights } from './weights.js';

export { COSTS, INITS, type CostName, type InitName };

/** The chapter-1 defaults. */
export const MNIST_DEFAULTS = {
  epochs: 30,
  batchSize: 10,
  lr: 3.0,
  hidden: [30] as readonly number[],
  seed: 1,
  cost: 'quadratic' as CostName,
  lambda: 0,
  init: 'normal' as InitName,
  out: 'out',
} as const;

/**
 * `--quick`: one epoch on 5,000 training digits, tested on the first 1,000 test digits, for smoke
 * tests. With chapter 1's N(0, 1) weights, one epoch of so few steps leaves many sigmoids
 * saturated, so the quick run starts from the scaled weights instead; everything else stays at
 * the defaults.
 */
export const MNIST_QUICK = { epochs: 1, limit: 6000, init: 'scaled' as InitName } as const;

/** Training digits on which mean |δ^l| is measured before training (the δ plot's first point). */
const PROBE_SIZE = 1000;

/** Options of {@link runMnist}; every field has the chapter-1 default. */
export interface MnistOptions {
  epochs?: number;
  batchSize?: number;
  /** Learning rate η. */
  lr?: number;
  /** Hidden widths; the network is [784, ...hidden, 10]. */
  hidden?: readonly number[];
  /** Seed of the one Rng from which initialisation and shuffling streams are forked. */
  seed?: number;
  cost?: CostName;
  /** Initial weights (default 'normal', N(0, 1) as in chapter 1). */
  init?: InitName;
  /** L2 strength λ of the training objective's (λ / 2n) Σ W², n = number of training digits. */
  lambda?: number;
  /** Output folder for plots and weights; null writes nothing (default 'out'). */
  out?: string | null;
  /** Use only about this many training + test digits, 5 : 1, for quick runs (see `loadMnistSplit`). */
  limit?: number;
  /** Progress bar driven per mini-batch (default none). */
  progress?: Progress;
  /** Receives one line per epoch (default: discard). */
  log?: (line: string) => void;
}

/** What {@link runMnist} measured and wrote. */
export interface MnistResult {
  /** One record per epoch. */
  history: EpochRecord[];
  /** Mean |δ^l| per layer before training (the epoch-0 point of the δ plot). */
  initialMeanAbsDelta: number[];
  /** The δ plot's points: mean |δ^l| per run of mini-batches, each measured in its own step. */
  deltaPoints: DeltaPoint[];
  /** Test accuracy after the last epoch. */
  finalAccuracy: number;
  /** The best test accuracy after any epoch (the figure Nielsen's chapter 1 reports). */
  bestAccuracy: number;
  /** The 1-based epoch of {@link MnistResult.bestAccuracy} (the first, on ties). */
  bestEpoch: number;
  /** Milliseconds spent reading and scaling the IDX files. */
  loadMs: number;
  trainSize: number;
  testSize: number;
  /** The tape-vs-closed-form table for one mini-batch of the trained net. */
  comparison: string;
  /** Whether every quantity of that table agreed within tolerance. */
  comparisonPassed: boolean;
  /** The worst tape-vs-closed-form relative difference. */
  comparisonWorstRel: number;
  /** Rows in the compared mini-batch. */
  comparisonBatch: number;
  /** Milliseconds from start to end, loading and writing included. */
  wallMs: number;
  /** Milliseconds inside the SGD steps (forward, backward, update), excluding evaluation. */
  trainMs: number;
  /**
   * CPU milliseconds of this process over the same spans as `trainMs`: on a machine shared with
   * other jobs the wall time stretches, the CPU time does not.
   */
  trainCpuMs: number;
  /** Training samples per second through forward + backward + update. */
  samplesPerSecond: number;
  /** Training samples per CPU-second of this process (all its threads) over the same spans. */
  samplesPerCpuSecond: number;
  /** Files written (plots and weights). */
  files: string[];
  /** The trained network. */
  net: MLP;
}

/**
 * Mean |δ^l| per layer on the probe digits. The cost is summed over the batch (not averaged) so
 * each row of ∂C/∂Z^l is one sample's δ^l, the quantity BP1–BP2 describe.
 */
function probeDeltas(net: MLP, probe: Dataset, cost: CostName): number[] {
  const { deltas } = tapeBackprop(net, probe.x, probe.y, { cost: makeCost(cost, 'sum'), deltas: true });
  return net.stages().flatMap((m, i) => (m instanceof Linear ? [meanAbs(deltas.get(String(i))!)] : []));
}

function checkOptions(o: Required<Omit<MnistOptions, 'limit' | 'progress' | 'log' | 'out'>>): void {
  requireInt('epochs', o.epochs);
  requireInt('batchSize', o.batchSize);
  requirePositive('lr', o.lr);
  requirePositive('lambda', o.lambda, true);
  if (!Number.isFinite(o.seed)) throw new OptionError(`seed must be a finite number, got ${o.seed}.`);
  if (o.hidden.length === 0) throw new OptionError('hidden must list at least one width.');
  o.hidden.forEach((w, i) => requireInt(`hidden[${i}]`, w));
  nnCostName(o.cost);
  if (!(INITS as readonly string[]).includes(o.init))
    throw new OptionError(`init must be one of ${INITS.join(', ')}, got ${o.init}.`);
}

/**
 * Loads MNIST, trains, evaluates after every epoch, compares the tape with the closed form on
 * one mini-batch, and writes plots and weights. Deterministic for a given seed.
 */
export async function runMnist(options: MnistOptions = {}): Promise<MnistResult> {
  const started = performance.now();
  const o = {
    epochs: options.epochs ?? MNIST_DEFAULTS.epochs,
    batchSize: options.batchSize ?? MNIST_DEFAULTS.batchSize,
    lr: options.lr ?? MNIST_DEFAULTS.lr,
    hidden: options.hidden ?? MNIST_DEFAULTS.hidden,
    seed: options.seed ?? MNIST_DEFAULTS.seed,
    cost: options.cost ?? MNIST_DEFAULTS.cost,
    lambda: options.lambda ?? MNIST_DEFAULTS.lambda,
    init: options.init ?? MNIST_DEFAULTS.init,
  };
  checkOptions(o);
  const log = options.log ?? ((): void => {});
  const progress = options.progress;
  const out = options.out === undefined ? MNIST_DEFAULTS.out : options.out;

  const loadStart = performance.now();
  const { train, test } = loadMnistSplit(options.limit === undefined ? {} : { limit: options.limit });
  const loadMs = performance.now() - loadStart;
  // One root generator; each consumer gets its own stream so that, say, a different probe size
  // could never change the initial weights.
  const root = new Rng(o.seed);
  const initRng = root.fork();
  const shuffleRng = root.fork();
  const compareRng = root.fork();

  const net = mlp([784, ...o.hidden, 10], { rng: initRng, init: initScheme(o.init) });
  const optimizer = new SGD(net, { lr: o.lr });
  const probe = spreadRows(train, PROBE_SIZE);
  const initialMeanAbsDelta = probeDeltas(net, probe, o.cost);
  log(
    `MNIST (Nielsen's split, read in ${Math.round(loadMs)} ms): ${train.size} training and ${test.size} test digits; network [${net.sizes.join(', ')}], ${o.cost} cost, ${o.init} init, η = ${o.lr}, batch ${o.batchSize}, seed ${o.seed}`,
  );

  const history: EpochRecord[] = [];
  let trainMs = 0;
  let trainCpuMs = 0;
  // An epoch's clock runs from the end of the previous epoch's bookkeeping to its last step, so it
  // covers the shuffle, the SGD steps and their δ statistics, but not fit's evaluation.
  let epochStart = performance.now();
  let epochCpuStart = process.cpuUsage();
  let epochTrainMs = 0;
  const deltas = new DeltaSampler();
  let epochCpuMs = 0;
  fit(net, train.x, train.y, {
    optimizer,
    rng: shuffleRng,
    epochs: o.epochs,
    batchSize: o.batchSize,
    cost: nnCostName(o.cost),
    lambda: o.lambda,
    validation: { x: test.x, y: test.y },
    onDeltas: deltas.add,
    onBatch: ({ epoch, batch, batches }) => {
      if (batch === 0) progress?.start(batches, `epoch ${epoch + 1}/${o.epochs}`, o.batchSize);
      progress?.update(batch + 1);
      if (batch === batches - 1) {
        epochTrainMs = performance.now() - epochStart;
        const cpu = process.cpuUsage(epochCpuStart);
        epochCpuMs = (cpu.user + cpu.system) / 1000;
        progress?.stop();
      }
    },
    onEpoch: ({ epoch, loss, train: trainEval, validation }) => {
      trainMs += epochTrainMs;
      trainCpuMs += epochCpuMs;
      const record: EpochRecord = {
        epoch: epoch + 1,
        testCost: validation!.loss,
        testAccuracy: validation!.accuracy,
        trainCost: trainEval.loss,
        batchCost: loss,
        meanAbsDelta: deltas.takeEpochMean(),
        seconds: epochTrainMs / 1000,
      };
      history.push(record);
      log(
        `epoch ${String(record.epoch).padStart(2)}: test accuracy ${(100 * record.testAccuracy).toFixed(2)}% ` +
          `(${Math.round(record.testAccuracy * test.size)}/${test.size}), test cost ${record.testCost.toFixed(4)}, ` +
          `train cost ${record.trainCost.toFixed(4)}, ${record.seconds.toFixed(2)} s`,
      );
      epochStart = performance.now();
      epochCpuStart = process.cpuUsage();
    },
  });

  // One mini-batch of the trained net, drawn with its own stream, through both backprops.
  const pick = Int32Array.from(compareRng.permutation(train.size).slice(0, o.batchSize));
  const comparison = compareBackprop(net, takeRows(train.x, pick), takeRows(train.y, pick), {
    cost: nnCostName(o.cost),
    lambda: o.lambda,
    datasetSize: train.size,
  });

  const files: string[] = [];
  if (out !== null) {
    files.push(...(await writeTrainingPlots(out, history, initialMeanAbsDelta, deltas.points, o.cost)));
    files.push(saveWeights(out, net, { seed: o.seed, epochs: o.epochs, cost: o.cost }));
  }
  const samplesSeen = o.epochs * train.size;
  const best = history.reduce((a, h) => (h.testAccuracy > a.testAccuracy ? h : a), history[0]!);
  return {
    history,
    initialMeanAbsDelta,
    deltaPoints: deltas.points,
    finalAccuracy: history[history.length - 1]!.testAccuracy,
    bestAccuracy: best.testAccuracy,
    bestEpoch: best.epoch,
    loadMs,
    trainSize: train.size,
    testSize: test.size,
    comparison: comparison.format(),
    comparisonPassed: comparison.passed,
    comparisonWorstRel: comparison.worstRel,
    comparisonBatch: pick.length,
    wallMs: performance.now() - started,
    trainMs,
    trainCpuMs,
    samplesPerSecond: trainMs > 0 ? (samplesSeen * 1000) / trainMs : 0,
    samplesPerCpuSecond: trainCpuMs > 0 ? (samplesSeen * 1000) / trainCpuMs : 0,
    files,
    net,
  };
}
