/**
 * Tape vs closed form vs finite differences, and the vanishing gradient.
 *
 * Part 1: for a network [784, ...hidden, 10] and cost chosen by the user, δ^l of one MNIST
 * mini-batch from the tape, from BP1–BP2 and from central differences, side by side.
 * Part 2: in a deep sigmoid network at its N(0, 1) initialisation, mean |δ^l| shrinks layer by
 * layer towards the input (σ′ ≤ 1/4 at every step of BP2), which is why early layers learn slowly.
 */
import { join } from 'node:path';
import { Rng } from '@tapegrad/autograd';
import { Linear, mlp, takeRows, tapeBackprop } from '@tapegrad/nn';
import { loadMnistSplit, spreadRows } from '../data/mnist.js';
import { makeCost, type CostName } from '../common/costs.js';
import { meanAbs } from '../common/tensors.js';
import { requireInt, requirePositive } from '../cli/options.js';
import { OptionError } from '../errors.js';
import { writeLineChart } from '../plot/charts.js';
import { estimateDeltas } from './deltas.js';

/** Options of {@link runCompare}. */
export interface CompareOptions {
  /** Hidden widths of the compared network [784, ...hidden, 10] (default [30]). */
  hidden?: readonly number[];
  /** Cost (default 'quadratic'). */
  cost?: CostName;
  /** Digits in the compared mini-batch (default 10). */
  batchSize?: number;
  /** Seed for weights and the batch (default 1). */
  seed?: number;
  /** Entries of δ^l shown per layer (default 4). */
  show?: number;
  /** Finite-difference tolerances, PyTorch gradcheck's defaults (atol 1e-5, rtol 1e-3). */
  atol?: number;
  rtol?: number;
  /** Tape vs closed form: the largest accepted max|difference| / max|δ| (default 1e-10). */
  tolerance?: number;
  /** Hidden widths of the deep network of part 2 (default [30, 30, 30, 30]). */
  deepHidden?: readonly number[];
  /** Initialisations (seeds) averaged over in part 2 (default 3). */
  deepSeeds?: number;
  /** Digits on which part 2 measures mean |δ^l| (default 1000). */
  deepSamples?: number;
  /** Output folder for vanishing.svg; null writes nothing (default 'out'). */
  out?: string | null;
}

/** Part 1 for one layer. */
export interface LayerDeltas {
  /** l, 1-based. */
  layer: number;
  shape: readonly number[];
  /** The first `show` entries of sample 0: [unit, tape, closed form, finite differences]. */
  rows: [number, number, number, number][];
  /** max |tape − closed form| and its ratio to max |δ^l|. */
  tapeVsClosedAbs: number;
  tapeVsClosedRel: number;
  /** max |closed form − finite differences|. */
  closedVsFdAbs: number;
  /** Whether both agreements hold for this layer. */
  passed: boolean;
}

/** Part 2 for one initialisation. */
export interface VanishingSeries {
  seed: number;
  /** mean |δ^l| per sample, l = 1..L. */
  meanAbsDelta: number[];
}

/** What {@link runCompare} found. */
export interface CompareResult {
  sizes: number[];
  cost: CostName;
  batchSize: number;
  layers: LayerDeltas[];
  /** True when tape, closed form and finite differences agree on every layer. */
  agreement: boolean;
  /** nn's table of δ, ∂C/∂W, ∂C/∂b: tape vs closed form. */
  table: string;
  deepSizes: number[];
  vanishing: VanishingSeries[];
  /** mean over seeds of mean |δ^1| / mean |δ^L|: how much weaker the first layer's signal is. */
  firstToLastRatio: number;
  files: string[];
}

function widths(name: string, w: readonly number[]): readonly number[] {
  if (w.length === 0) throw new OptionError(`${name} must list at least one width.`);
  w.forEach((n, i) => requireInt(`${name}[${i}]`, n));
  return w;
}

/** Runs both parts; see the module comment. */
export async function runCompare(options: CompareOptions = {}): Promise<CompareResult> {
  const hidden = widths('hidden', options.hidden ?? [30]);
  const deepHidden = widths('deepHidden', options.deepHidden ?? [30, 30, 30, 30]);
  const cost = options.cost ?? 'quadratic';
  const batchSize = requireInt('batchSize', options.batchSize ?? 10);
  const show = requireInt('show', options.show ?? 4);
  const seed = options.seed ?? 1;
  const atol = requirePositive('atol', options.atol ?? 1e-5, true);
  const rtol = requirePositive('rtol', options.rtol ?? 1e-3, true);
  const tolerance = requirePositive('tolerance', options.tolerance ?? 1e-10, true);
  const deepSeeds = requireInt('deepSeeds', options.deepSeeds ?? 3);
  const deepSamples = requireInt('deepSamples', options.deepSamples ?? 1000);
  const out = options.out === undefined ? 'out' : options.out;
  // Summed over the batch, so each row of ∂C/∂Z^l is one digit's δ^l as in BP1–BP2.
  const perSample = makeCost(cost, 'sum');

  const { train } = loadMnistSplit();
  const root = new Rng(seed);
  const sizes = [784, ...hidden, 10];
  const net = mlp(sizes, { rng: root.fork() });
  const pick = Int32Array.from(root.fork().permutation(train.size).slice(0, batchSize));
  const x = takeRows(train.x, pick);
  const y = takeRows(train.y, pick);
  const est = estimateDeltas(net, x, y, perSample, { tolerance, atol, rtol });

  const layers: LayerDeltas[] = est.comparison.layers.map(({ delta }, l) => {
    const tape = est.tape[l]!;
    const cf = est.closedForm[l]!;
    const fd = est.finiteDifferences[l]!;
    const units = tape.shape[1]!;
    const rows: [number, number, number, number][] = [];
    for (let j = 0; j < Math.min(show, units); j++) rows.push([j, tape.data[j]!, cf.data[j]!, fd.data[j]!]);
    return {
      layer: l + 1,
      shape: tape.shape,
      rows,
      tapeVsClosedAbs: delta.tape!.maxAbs,
      tapeVsClosedRel: delta.tape!.maxRel,
      closedVsFdAbs: delta.finiteDifferences!.maxAbs,
      passed: delta.tape!.passed && delta.finiteDifferences!.passed,
    };
  });

  // Part 2: the deep network, several initialisations, one fixed spread of digits.
  const deepSizes = [784, ...deepHidden, 10];
  const probe = spreadRows(train, deepSamples);
  const vanishing: VanishingSeries[] = [];
  for (let s = 0; s < deepSeeds; s++) {
    const deep = mlp(deepSizes, { rng: new Rng(seed + s).fork() });
    const { deltas } = tapeBackprop(deep, probe.x, probe.y, { cost: perSample, deltas: true });
    const linear = deep.stages().flatMap((m, i) => (m instanceof Linear ? [deltas.get(String(i))!] : []));
    vanishing.push({ seed: seed + s, meanAbsDelta: linear.map(meanAbs) });
  }
  const firstToLastRatio =
    vanishing.reduce((acc, v) => acc + v.meanAbsDelta[0]! / v.meanAbsDelta[v.meanAbsDelta.length - 1]!, 0) /
    vanishing.length;

  const files: string[] = [];
  if (out !== null) {
    files.push(
      await writeLineChart(join(out, 'vanishing.svg'), {
        title: `mean |δˡ| per layer at initialisation, sigmoid MLP [${deepSizes.join(', ')}]`,
        xTitle: 'layer l (1 = first hidden layer)',
        yTitle: 'mean |δˡ| per digit (log scale)',
        yScale: 'log',
        series: vanishing.map((v) => ({
          name: `seed ${v.seed}`,
          points: v.meanAbsDelta.map((d, l) => ({ x: l + 1, y: d })),
        })),
      }),
    );
  }
  return {
    sizes,
    cost,
    batchSize: pick.length,
    layers,
    agreement: est.comparison.passed && layers.every((l) => l.passed),
    table: est.comparison.format(),
    deepSizes,
    vanishing,
    firstToLastRatio,
    files,
  };
}
