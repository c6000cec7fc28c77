/**
 * `npx -y pnpm@10 demo`: chapter 1's experiment in Nielsen's book on the real MNIST (50,000 digits to
 * train, 10,000 to test); prints per-epoch accuracy, the tape-vs-closed-form table, and where the
 * plots and weights went.
 */
import { outputDir } from '../common/paths.js';
import { Command } from 'commander';
import {
  integer,
  nonNegativeNumber,
  oneOf,
  positiveInt,
  positiveNumber,
  widthList,
  formatDuration,
} from '../cli/options.js';
import { createProgress } from '../cli/progress.js';
import { COSTS, INITS, MNIST_DEFAULTS, MNIST_QUICK, runMnist, type CostName, type InitName } from './run.js';

const program = new Command()
  .name('demo')
  .description(
    "Chapter 1 of Nielsen's book: train a sigmoid MLP on 50,000 MNIST digits with SGD, test it on 10,000 after every epoch, and check the tape against closed-form backprop.",
  )
  .option('--epochs <n>', 'training epochs', positiveInt, MNIST_DEFAULTS.epochs)
  .option('--batch-size <n>', 'mini-batch size', positiveInt, MNIST_DEFAULTS.batchSize)
  .option('--lr <eta>', 'learning rate η', positiveNumber, MNIST_DEFAULTS.lr)
  .option('--hidden <widths>', 'hidden layer widths, comma-separated (e.g. 30 or 100,30)', widthList, [
    ...MNIST_DEFAULTS.hidden,
  ])
  .option('--seed <n>', 'seed of the Rng for initialisation and shuffling', integer, MNIST_DEFAULTS.seed)
  .option('--cost <name>', `cost function: ${COSTS.join(' | ')}`, oneOf(COSTS), MNIST_DEFAULTS.cost)
  .option(
    '--init <scheme>',
    `initial weights: normal = N(0, 1) (chapter 1), scaled = N(0, 1/n_in) (chapter 3)`,
    oneOf(INITS),
    MNIST_DEFAULTS.init,
  )
  .option(
    '--lambda <λ>',
    'L2 strength λ: the cost gains (λ/2n)·ΣW² over weights, n = number of training digits',
    nonNegativeNumber,
    MNIST_DEFAULTS.lambda,
  )
  .option('--out <dir>', 'output folder for plots and weights', MNIST_DEFAULTS.out)
  .option('--limit <n>', 'use only about n digits of train + test, 5 : 1 (6000 → 5,000 train, 1,000 test)', positiveInt)
  .option(
    '--quick',
    `a short run for smoke tests: ${MNIST_QUICK.epochs} epoch on ${MNIST_QUICK.limit} digits, ${MNIST_QUICK.init} init (explicit flags win)`,
    false,
  )
  .option('--no-progress', 'do not draw progress bars')
  .showHelpAfterError();

interface Flags {
  epochs: number;
  batchSize: number;
  lr: number;
  hidden: number[];
  seed: number;
  cost: CostName;
  init: InitName;
  lambda: number;
  out: string;
  limit?: number;
  quick: boolean;
  progress: boolean;
}

async function main(): Promise<void> {
  program.parse();
  const flags = program.opts<Flags>();
  // --quick changes only what the user did not set explicitly.
  const unset = (name: string): boolean => flags.quick && program.getOptionValueSource(name) === 'default';
  const epochs = unset('epochs') ? MNIST_QUICK.epochs : flags.epochs;
  const init = unset('init') ? MNIST_QUICK.init : flags.init;
  const limit = flags.limit ?? (flags.quick ? MNIST_QUICK.limit : undefined);
  const progress = createProgress(flags.progress ? {} : { quiet: true });
  const log = (line: string): void => void process.stdout.write(`${line}\n`);

  const result = await runMnist({
    epochs,
    batchSize: flags.batchSize,
    lr: flags.lr,
    hidden: flags.hidden,
    seed: flags.seed,
    cost: flags.cost,
    init,
    lambda: flags.lambda,
    out: outputDir(flags.out),
    limit,
    progress,
    log,
  });

  log('');
  log(
    `tape vs closed-form backprop on one mini-batch of ${result.comparisonBatch} (max abs / max rel difference per layer):`,
  );
  log(result.comparison);
  log('');
  log(
    `final test accuracy: ${(100 * result.finalAccuracy).toFixed(2)}% (${result.testSize} test digits, seed ${flags.seed}); ` +
      `best ${(100 * result.bestAccuracy).toFixed(2)}% after epoch ${result.bestEpoch}`,
  );
  log(
    `wall time: ${formatDuration(result.wallMs)} in all, ${formatDuration(result.trainMs)} training ` +
      `(${Math.round(result.samplesPerSecond)} samples/s through forward + backward + SGD; ` +
      `${formatDuration(result.trainCpuMs)} of CPU, ${Math.round(result.samplesPerCpuSecond)} samples per CPU-second)`,
  );
  log('written:');
  for (const file of result.files) log(`  ${file}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
