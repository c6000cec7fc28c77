/**
 * Custom layers end to end: check the hand-written gradients of `affineSoftsign` (defineOp) and
 * `swish` (customVjp) against finite differences; check the hand-derived backprop of the
 * `SoftsignDense` layer against the tape with nn's `checkLayer` (a correct derivation passes, a
 * deliberately wrong one is caught) and of the whole network with `compareBackprop`; list the
 * tape of the network, then train it on MNIST digits with nn's `fit`.
 */
import { Rng, formatTape, gradcheck, gradgradcheck, randn, tensor, type Tensor } from '@tapegrad/autograd';
import { Linear, SGD, Sequential, Sigmoid, checkLayer, compareBackprop, fit, takeRows } from '@tapegrad/nn';
import { loadMnistSplit } from '../data/mnist.js';
import { requireInt, requirePositive } from '../cli/options.js';
import { SloppySoftsignDense, SoftsignDense, affineSoftsign, swish, swishLayer } from './layers.js';

/** Options of {@link runCustomLayer}. */
export interface CustomLayerOptions {
  /** Seed for the check inputs, the weights and the shuffles (default 1). */
  seed?: number;
  /** Training epochs (default 5). */
  epochs?: number;
  /** Learning rate η (default 1). */
  lr?: number;
  /** Mini-batch size (default 10). */
  batchSize?: number;
  /** Digits used in all, train + test (default 5000). */
  limit?: number;
}

/** One gradient check. */
export interface CheckReport {
  /** What was checked, e.g. "gradcheck affineSoftsign". */
  name: string;
  passed: boolean;
  /** gradcheck's own summary. */
  report: string;
}

/** What {@link runCustomLayer} found. */
export interface CustomLayerResult {
  checks: CheckReport[];
  /** True when every check passed. */
  gradcheckPassed: boolean;
  /** checkLayer of SoftsignDense's hand-derived backprop against the tape (passes). */
  layerCheck: CheckReport;
  /** checkLayer of SloppySoftsignDense's deliberately wrong backprop (fails, naming quantity and element). */
  wrongLayerCheck: CheckReport;
  /** compareBackprop of the whole network on a few digits, layer by layer. */
  networkCheck: CheckReport;
  /** The error raised by second derivatives through the customVjp op (they are refused, not wrong). */
  swishSecondOrder: string;
  /** The tape of the custom network's forward pass on two digits. */
  tape: string;
  /** The network, as its modules describe themselves. */
  architecture: string;
  /** Test accuracy after each epoch. */
  testAccuracy: number[];
  trainSize: number;
  testSize: number;
  net: Sequential;
}

/** The network of the example: a fused softsign layer, then a swish layer, then a sigmoid output. */
export function customNet(rng: Rng): Sequential {
  return new Sequential(
    new SoftsignDense(784, 30, rng),
    new Linear(30, 30, { rng, init: 'xavierNormal' }),
    swishLayer(),
    new Linear(30, 10, { rng, init: 'xavierNormal' }),
    new Sigmoid(),
  );
}

/** Runs the checks and the training; see the module comment. */
export function runCustomLayer(options: CustomLayerOptions = {}): CustomLayerResult {
  const seed = options.seed ?? 1;
  const epochs = requireInt('epochs', options.epochs ?? 5);
  const lr = requirePositive('lr', options.lr ?? 1);
  const batchSize = requireInt('batchSize', options.batchSize ?? 10);
  const limit = requireInt('limit', options.limit ?? 5000, 20);
  const root = new Rng(seed);
  const checkRng = root.fork();

  // Small random inputs in float64, every one requiring grad, so each Jacobian block is checked.
  const input = (shape: number[]): Tensor => randn(shape, { rng: checkRng, requiresGrad: true });
  const x = input([4, 5]);
  const w = input([3, 5]);
  const b = input([3]);
  // swish at typical points plus the far tails, where a careless σ would overflow.
  const s = tensor(
    [
      [-30, -2.5, -0.3, 0],
      [0.2, 1.5, 4, 30],
    ],
    { requiresGrad: true },
  );
  const checks: CheckReport[] = [];
  const record = (name: string, result: { passed: boolean; format(): string }): void => {
    checks.push({ name, passed: result.passed, report: result.format() });
  };
  record('gradcheck affineSoftsign (defineOp) w.r.t. x, W, b', gradcheck(affineSoftsign, [x, w, b]));
  record(
    'gradgradcheck affineSoftsign: its vjp is written in tensor ops, so it differentiates again',
    gradgradcheck(affineSoftsign, [x, w, b]),
  );
  record('gradcheck swish (customVjp)', gradcheck(swish, [s]));

  let swishSecondOrder = 'no error (unexpected)';
  try {
    gradgradcheck(swish, [s]);
  } catch (error) {
    swishSecondOrder = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }

  // The layers' own derivations: the same weights in both, so only the backprop differs.
  const layerRng = checkRng.fork();
  const good = new SoftsignDense(5, 3, layerRng.fork());
  const sloppy = new SloppySoftsignDense(5, 3, layerRng.fork());
  sloppy.loadStateDict(good.stateDict());
  const layerInput = randn([4, 5], { rng: checkRng });
  const report = (name: string, result: { passed: boolean; format(): string }): CheckReport => ({
    name,
    passed: result.passed,
    report: result.format(),
  });
  const layerCheck = report(
    'checkLayer SoftsignDense: hand-derived backprop against the tape',
    checkLayer(good, layerInput, { finiteDifferences: true }),
  );
  const wrongLayerCheck = report(
    'checkLayer SloppySoftsignDense: softsign′ left unsquared',
    checkLayer(sloppy, layerInput),
  );

  const { train, test } = loadMnistSplit({ limit });
  const net = customNet(root.fork());
  const few = Int32Array.from({ length: 8 }, (_, i) => i);
  const networkCheck = report(
    'compareBackprop of the network: every layer hand-derived, against the tape',
    compareBackprop(net, takeRows(train.x, few), takeRows(train.y, few), { cost: 'quadratic' }),
  );
  // The forward of two digits is enough to show every op; parameters are listed by state-dict name.
  const two = tensor(train.x.data.slice(0, 2 * 784), { shape: [2, 784] });
  const tape = formatTape(net.forward(two), { names: { x: two, ...Object.fromEntries(net.namedParameters()) } });

  const history = fit(net, train.x, train.y, {
    optimizer: new SGD(net, { lr }),
    rng: root.fork(),
    epochs,
    batchSize,
    cost: 'quadratic',
    validation: { x: test.x, y: test.y },
  });
  return {
    checks,
    gradcheckPassed: checks.every((c) => c.passed),
    layerCheck,
    wrongLayerCheck,
    networkCheck,
    swishSecondOrder,
    tape,
    architecture: net
      .stages()
      .map((m) => m.describe())
      .join(' → '),
    testAccuracy: history.valAccuracy,
    trainSize: train.size,
    testSize: test.size,
    net,
  };
}
