/**
 * `npx -y pnpm@10 --filter @tapegrad/examples run optimizers`: SGD against Adam against AdamW on MNIST,
 * written as two SVG charts.
 */
import { Command } from 'commander';
import { outputDir } from '../common/paths.js';
import { integer, positiveInt } from '../cli/options.js';
import { runOptimizers } from './run.js';

const program = new Command()
  .name('optimizers')
  .description('Train the same MNIST network with SGD, Adam and AdamW and chart test accuracy and cost per epoch.')
  .option('--epochs <n>', 'epochs per optimiser', positiveInt, 10)
  .option('--seed <n>', 'seed of the initial weights and shuffles', integer, 1)
  .option('--limit <n>', 'use only about n digits in total (train + test)', positiveInt)
  .option('--out <dir>', 'output folder for the charts', 'out')
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const flags = program.opts<{ epochs: number; seed: number; limit?: number; out: string }>();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const result = await runOptimizers({ ...flags, out: outputDir(flags.out), log });
  log('written:');
  for (const file of result.files) log(`  ${file}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`optimizers: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
