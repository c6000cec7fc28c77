/**
 * `nielsen`: the MNIST experiments of Nielsen's chapters 1 and 3, run with the book's
 * hyper-parameters on the book's split, each over several seeds, and tabled beside the book's
 * figures. A row trains exactly as the demo does (same Rng streams, same `fit`), so the demo with
 * seed s and row ch1-30 with seed s give the same curve.
 */
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Rng, checkOptions } from '@tapegrad/autograd';
import { fit, mlp, SGD } from '@tapegrad/nn';
import { nnCostName } from '../common/costs.js';
import { loadMnistSplit, type MnistSplit } from '../data/mnist.js';
import { initScheme } from '../mnist/inits.js';
import { writeLineChart } from '../plot/charts.js';
import type { Progress } from '../cli/progress.js';
import { requireInt } from '../cli/options.js';
import { OptionError } from '../errors.js';
import { NIELSEN_ROWS, pickRows, type NielsenRow } from './rows.js';
import { markdownTable, meanAndSd, summarise, type RowResult, type SeedRun } from './report.js';

/** Options of {@link runNielsen}. */
export interface NielsenOptions {
  /** Row ids (see {@link NIELSEN_ROWS}), or ['all'] (default: the two chapter-1 rows). */
  rows?: readonly string[];
  /** Seeds; each row runs once per seed (default [1, 2, 3]). */
  seeds?: readonly number[];
  /** Train for this many epochs instead of the book's (a shortened run is not compared). */
  epochs?: number;
  /** Use about this many training + test digits (see `loadMnistSplit`); not compared either. */
  limit?: number;
  /** Folder for table.md, accuracy.svg and results.json, rewritten after every row; null writes nothing (default 'out/nielsen'). */
  out?: string | null;
  /** Progress bar driven per mini-batch (default none). */
  progress?: Progress;
  /** Receives a line per epoch and per row (default: discard). */
  log?: (line: string) => void;
}

/** What {@link runNielsen} measured and wrote. */
export interface NielsenResult {
  /** One summary per row, in the order run. */
  readonly rows: readonly RowResult[];
  /** The Markdown table with its notes. */
  readonly table: string;
  /** Files written. */
  readonly files: readonly string[];
}

/** Default rows: chapter 1's two networks. */
export const NIELSEN_DEFAULT_ROWS = ['ch1-30', 'ch1-100'] as const;
/** Default seeds. */
export const NIELSEN_DEFAULT_SEEDS = [1, 2, 3] as const;

/** Trains one row once; returns the accuracy on the row's evaluation set after every epoch. */
export function trainRow(
  row: NielsenRow,
  seed: number,
  data: MnistSplit,
  options: { epochs?: number; progress?: Progress; log?: (line: string) => void } = {},
): SeedRun {
  const epochs = options.epochs ?? row.epochs;
  const evalSet = data[row.evalSet];
  // The same stream layout as the demo's runMnist: init first, shuffles second.
  const root = new Rng(seed);
  const initRng = root.fork();
  const shuffleRng = root.fork();
  const net = mlp([784, ...row.hidden, 10], { rng: initRng, init: initScheme(row.init) });
  const started = performance.now();
  const curve: number[] = [];
  fit(net, data.train.x, data.train.y, {
    optimizer: new SGD(net, { lr: row.lr }),
    rng: shuffleRng,
    epochs,
    batchSize: row.batchSize,
    cost: nnCostName(row.cost),
    lambda: row.lambda,
    validation: { x: evalSet.x, y: evalSet.y },
    onBatch: ({ epoch, batch, batches }) => {
      if (batch === 0)
        options.progress?.start(batches, `${row.id} seed ${seed} epoch ${epoch + 1}/${epochs}`, row.batchSize);
      options.progress?.update(batch + 1);
      if (batch === batches - 1) options.progress?.stop();
    },
    onEpoch: ({ epoch, validation }) => {
      curve.push(validation!.accuracy);
      options.log?.(
        `${row.id} seed ${seed} epoch ${String(epoch + 1).padStart(2)}: ${row.evalSet} accuracy ${(100 * validation!.accuracy).toFixed(2)}%`,
      );
    },
  });
  return { seed, curve, seconds: (performance.now() - started) / 1000 };
}

/** Mean accuracy per epoch over a row's seeds, in percent, as a chart series. */
function meanCurve(result: RowResult): { name: string; points: { x: number; y: number }[] } {
  const epochs = result.runs[0]!.curve.length;
  const points = Array.from({ length: epochs }, (_, e) => ({
    x: e + 1,
    y: 100 * meanAndSd(result.runs.map((r) => r.curve[e]!)).mean,
  }));
  return { name: `${result.row.id} (${result.row.evalSet})`, points };
}

async function writeOutputs(out: string, results: readonly RowResult[], table: string): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const tablePath = join(out, 'table.md');
  writeFileSync(tablePath, table);
  const jsonPath = join(out, 'results.json');
  writeFileSync(
    jsonPath,
    `${JSON.stringify(
      results.map((r) => ({ row: r.row, mean: r.mean, sd: r.sd, ours: r.ours, verdict: r.verdict, runs: r.runs })),
      null,
      1,
    )}\n`,
  );
  const svg = await writeLineChart(join(out, 'accuracy.svg'), {
    title: "accuracy per epoch, mean over seeds (Nielsen's experiments)",
    xTitle: 'epoch',
    yTitle: 'accuracy (%)',
    series: results.map(meanCurve),
    points: false,
  });
  return [tablePath, svg, jsonPath];
}

/** Runs the chosen rows over the chosen seeds; writes the table and chart after every row. */
export async function runNielsen(options?: NielsenOptions): Promise<NielsenResult> {
  const o = checkOptions('runNielsen', options, ['rows', 'seeds', 'epochs', 'limit', 'out', 'progress', 'log']);
  const rows = pickRows(o.rows ?? NIELSEN_DEFAULT_ROWS, (id) => {
    throw new OptionError(`nielsen: unknown row '${id}'; rows are ${NIELSEN_ROWS.map((r) => r.id).join(', ')} or all.`);
  });
  const seeds = o.seeds ?? NIELSEN_DEFAULT_SEEDS;
  if (seeds.length === 0) throw new OptionError('nielsen: give at least one seed.');
  seeds.forEach((s) => {
    if (!Number.isInteger(s)) throw new OptionError(`nielsen: seeds must be integers, got ${s}.`);
  });
  if (o.epochs !== undefined) requireInt('epochs', o.epochs);
  const log = o.log ?? ((): void => {});
  const out = o.out === undefined ? 'out/nielsen' : o.out;
  const faithful = o.epochs === undefined && o.limit === undefined;
  const notes: string[] = [];
  if (!faithful)
    notes.push(`Shortened run (${o.epochs ?? 'book'} epochs, limit ${o.limit ?? 'none'}): not the book's procedure.`);

  const loadStart = performance.now();
  const data = loadMnistSplit(o.limit === undefined ? {} : { limit: o.limit });
  log(
    `MNIST read in ${Math.round(performance.now() - loadStart)} ms: ${data.train.size} training, ${data.validation.size} validation, ${data.test.size} test digits`,
  );

  const results: RowResult[] = [];
  let table = '';
  let files: string[] = [];
  for (const row of rows) {
    const runs = seeds.map((seed) =>
      trainRow(row, seed, data, {
        ...(o.epochs === undefined ? {} : { epochs: o.epochs }),
        ...(o.progress ? { progress: o.progress } : {}),
        log,
      }),
    );
    const result = summarise(row, runs, faithful);
    results.push(result);
    log(`${row.id}: ${result.mean.toFixed(2)}% over seeds ${seeds.join(', ')}; ${result.verdict}`);
    table = markdownTable(results, notes);
    if (out !== null) files = await writeOutputs(out, results, table);
  }
  return { rows: results, table, files };
}
