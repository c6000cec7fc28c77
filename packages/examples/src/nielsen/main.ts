/**
 * `npx -y pnpm@10 --filter @tapegrad/examples nielsen`: Nielsen's MNIST experiments beside the
 * book's figures; prints the Markdown table and writes it with a chart of the accuracy curves.
 */
import { Command, InvalidArgumentError } from 'commander';
import { outputDir } from '../common/paths.js';
import { integer, positiveInt } from '../cli/options.js';
import { createProgress } from '../cli/progress.js';
import { NIELSEN_ROWS } from './rows.js';
import { NIELSEN_DEFAULT_ROWS, NIELSEN_DEFAULT_SEEDS, runNielsen } from './run.js';

function list<T>(parse: (s: string) => T): (value: string) => T[] {
  return (value) => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) throw new InvalidArgumentError(`expected a comma-separated list, got '${value}'.`);
    return parts.map(parse);
  };
}

const program = new Command()
  .name('nielsen')
  .description(
    "Reproduce the MNIST experiments of Nielsen's chapters 1 and 3 with the book's hyper-parameters, over several seeds, beside the book's figures.",
  )
  .option(
    '--rows <ids>',
    `rows to run, comma-separated, or all: ${NIELSEN_ROWS.map((r) => r.id).join(', ')}`,
    list((s) => s),
    [...NIELSEN_DEFAULT_ROWS],
  )
  .option('--seeds <list>', 'seeds, comma-separated; each row runs once per seed', list(integer), [
    ...NIELSEN_DEFAULT_SEEDS,
  ])
  .option('--epochs <n>', "train this many epochs instead of the book's (then nothing is compared)", positiveInt)
  .option('--limit <n>', 'use only about n digits of train + test, 5 : 1 (then nothing is compared)', positiveInt)
  .option('--out <dir>', 'output folder for table.md, accuracy.svg and results.json', 'out/nielsen')
  .option('--list', 'list the rows and exit', false)
  .option('--no-progress', 'do not draw progress bars')
  .showHelpAfterError();

interface Flags {
  rows: string[];
  seeds: number[];
  epochs?: number;
  limit?: number;
  out: string;
  list: boolean;
  progress: boolean;
}

async function main(): Promise<void> {
  program.parse();
  const flags = program.opts<Flags>();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  if (flags.list) {
    for (const r of NIELSEN_ROWS) {
      const book = r.book ? `book ${r.book.percent}% (${r.book.source})` : 'no book figure';
      log(`${r.id.padEnd(14)} ${r.title}, ${r.epochs} epochs, batch ${r.batchSize}, scored on ${r.evalSet}; ${book}`);
    }
    return;
  }
  const result = await runNielsen({
    rows: flags.rows,
    seeds: flags.seeds,
    ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    out: outputDir(flags.out),
    progress: createProgress(flags.progress ? {} : { quiet: true }),
    log,
  });
  log('');
  log(result.table);
  log('written:');
  for (const file of result.files) log(`  ${file}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`nielsen: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
