/**
 * Turning per-seed runs into the table: mean and spread over seeds, the measure the book uses
 * (its peak epoch or its final one), and a plain statement wherever we miss the book's figure by
 * more than the seeds' spread explains.
 */
import type { NielsenRow } from './rows.js';

/** One training run of one row with one seed. */
export interface SeedRun {
  readonly seed: number;
  /** Accuracy on the row's evaluation set after each epoch, as a fraction. */
  readonly curve: readonly number[];
  /** Seconds for the run: training plus the per-epoch evaluations. */
  readonly seconds: number;
}

/** A row's runs and what they add up to; accuracies in percent. */
export interface RowResult {
  readonly row: NielsenRow;
  readonly runs: readonly SeedRun[];
  /** Per run: the accuracy the book's measure picks (peak epoch or final epoch), in percent. */
  readonly ours: readonly number[];
  /** Mean of `ours`. */
  readonly mean: number;
  /** Sample standard deviation of `ours` (NaN with one seed). */
  readonly sd: number;
  /** Mean seconds per run. */
  readonly secondsPerRun: number;
  /** One sentence comparing us with the book. */
  readonly verdict: string;
  /** Whether we miss the book by more than twice the seeds' standard deviation. */
  readonly miss: boolean;
}

/** Mean and sample standard deviation (NaN for fewer than two values). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: NaN };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (values.length - 1)) };
}

/** Whether the row is scored by its best epoch (the book's chapter-1 figures) or its last. */
function picksPeak(row: NielsenRow): boolean {
  return row.book?.measure === 'peak';
}

/**
 * Summarises a row's runs. `faithful` is false when the run changed the book's procedure (fewer
 * epochs or digits); then nothing is judged against the book.
 */
export function summarise(row: NielsenRow, runs: readonly SeedRun[], faithful: boolean): RowResult {
  const ours = runs.map((r) => 100 * (picksPeak(row) ? Math.max(...r.curve) : r.curve[r.curve.length - 1]!));
  const { mean, sd } = meanAndSd(ours);
  const secondsPerRun = runs.reduce((a, r) => a + r.seconds, 0) / runs.length;
  let verdict: string;
  let miss = false;
  const book = row.book;
  if (book === undefined) verdict = 'the book gives no figure; ours alone';
  else if (!faithful) verdict = "shortened run (fewer epochs or digits than the book's): not compared";
  else if (runs.length < 2)
    verdict = `${signed(mean - book.percent)} points from the book; one seed gives no spread to judge by`;
  else {
    const gap = mean - book.percent;
    if (Math.abs(gap) <= 2 * sd)
      verdict = `within twice the seeds' spread of the book (${signed(gap)} points, sd ${sd.toFixed(2)})`;
    else {
      miss = gap < 0;
      verdict = `${gap < 0 ? 'MISSES' : 'beats'} the book by ${Math.abs(gap).toFixed(2)} points, more than twice the seeds' spread (sd ${sd.toFixed(2)})`;
    }
  }
  return { row, runs, ours, mean, sd, secondsPerRun, verdict, miss };
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
}

function measureText(row: NielsenRow): string {
  if (picksPeak(row)) return 'best epoch';
  return 'last epoch';
}

/** The Markdown table (with its notes) for `results`; `notes` go below it as a list. */
export function markdownTable(results: readonly RowResult[], notes: readonly string[] = []): string {
  const lines = [
    '| experiment | scored on | measure | book | ours: mean ± sd (per seed) | seeds | time per run | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const book = r.row.book ? `${r.row.book.percent.toFixed(2)}% (${r.row.book.source})` : '—';
    const spread = Number.isNaN(r.sd) ? '' : ` ± ${r.sd.toFixed(2)}`;
    const perSeed = r.ours.map((v) => v.toFixed(2)).join(', ');
    lines.push(
      `| ${r.row.title} | ${r.row.evalSet} | ${measureText(r.row)} | ${book} | ${r.mean.toFixed(2)}%${spread} (${perSeed}) | ` +
        `${r.runs.map((s) => s.seed).join(', ')} | ${r.secondsPerRun.toFixed(0)} s | ${r.verdict} |`,
    );
  }
  const always = [
    "The book's chapter-1 figures are each the best of three runs at their best epoch; ours are the mean over our seeds at the best epoch.",
    'Where the book does not say which epoch its figure comes from, we compare it with our last epoch.',
    'A miss is reported when our mean is further from the book than twice the standard deviation over our seeds.',
  ];
  return `${lines.join('\n')}\n\n${[...always, ...notes].map((n) => `- ${n}`).join('\n')}\n`;
}
