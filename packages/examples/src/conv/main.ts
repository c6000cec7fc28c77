/**
 * `npx -y pnpm@10 --filter @tapegrad/examples conv`: Nielsen's first convolutional net (chapter 6)
 * on MNIST, with the book's setup by default, the per-layer tape-vs-hand-derived δ table (the
 * convolution included), and our accuracy beside the book's 98.78% with the time it took.
 */
import { Command } from 'commander';
import { formatDuration, integer, positiveInt, positiveNumber } from '../cli/options.js';
import { loadMnistSplit } from '../data/mnist.js';
import { BOOK_ACCURACY, CONV_DEFAULTS, runConv } from './run.js';

const program = new Command()
  .name('conv')
  .description("Train Nielsen's chapter-6 convolutional net (conv 5×5 ×20, 2×2 max-pool, FC 100, softmax 10) on MNIST.")
  .option('--epochs <n>', 'training epochs (the book: 60)', positiveInt, CONV_DEFAULTS.epochs)
  .option('--batch-size <n>', 'mini-batch size (the book: 10)', positiveInt, CONV_DEFAULTS.batchSize)
  .option('--lr <eta>', 'learning rate η (the book: 0.1)', positiveNumber, CONV_DEFAULTS.lr)
  .option('--seed <n>', 'seed of the Rng for initialisation and shuffling', integer, CONV_DEFAULTS.seed)
  .option('--minutes <m>', 'stop training after m minutes, cutting the epoch in progress short', positiveNumber)
  .option('--limit <n>', 'use only about n digits of training + test in all, for quick runs', positiveInt)
  .showHelpAfterError();

interface Flags {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  minutes?: number;
  limit?: number;
}

function main(): void {
  program.parse();
  const flags = program.opts<Flags>();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const t0 = performance.now();
  const data = loadMnistSplit(flags.limit === undefined ? {} : { limit: flags.limit });
  log(
    `MNIST: ${data.train.size} training, ${data.validation.size} validation and ${data.test.size} test digits (Nielsen's split)`,
  );
  const result = runConv({
    train: data.train,
    validation: data.validation,
    test: data.test,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    lr: flags.lr,
    seed: flags.seed,
    log,
    ...(flags.minutes === undefined ? {} : { minutes: flags.minutes }),
  });
  const ran = result.epochs.reduce((s, e) => s + e.done, 0);
  log('');
  log('tape vs hand-derived backprop per layer, after training:');
  log(result.comparisons.after);
  log('');
  log(
    `test accuracy ${(100 * result.reported).toFixed(2)}% after ${ran.toFixed(2)} of ${flags.epochs} epochs ` +
      `(Nielsen, chapter 6: ${(100 * BOOK_ACCURACY).toFixed(2)}% after 60 epochs)`,
  );
  log(
    `time: ${formatDuration(result.trainMs)} training (${Math.round(result.imagesPerSecond)} images/s through ` +
      `forward + backward + SGD), ${formatDuration(performance.now() - t0)} in all`,
  );
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`conv: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
}
