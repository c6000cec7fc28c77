/**
 * `npx -y pnpm@10 --filter @tapegrad/examples compare`: δ^l from the tape, BP1–BP2 and finite
 * differences side by side, then the vanishing gradient of a deep sigmoid network.
 */
import { outputDir } from '../common/paths.js';
import { Command } from 'commander';
import { integer, oneOf, positiveInt, widthList } from '../cli/options.js';
import { COSTS, type CostName } from '../common/costs.js';
import { runCompare } from './run.js';

const program = new Command()
  .name('compare')
  .description(
    'Print δ^l = ∂C/∂z^l of one MNIST mini-batch from the tape, from BP1–BP2 and from finite differences; plot how |δ^l| shrinks towards the input of a deep sigmoid net.',
  )
  .option('--hidden <widths>', 'hidden widths of the compared net [784, ..., 10]', widthList, [30])
  .option('--cost <name>', `cost: ${COSTS.join(' | ')}`, oneOf(COSTS), 'quadratic')
  .option('--batch-size <n>', 'digits in the compared mini-batch', positiveInt, 10)
  .option('--seed <n>', 'seed for weights and batch', integer, 1)
  .option('--show <n>', 'entries of δ^l shown per layer (sample 0)', positiveInt, 4)
  .option(
    '--deep <widths>',
    'hidden widths of the deep net of the vanishing-gradient plot',
    widthList,
    [30, 30, 30, 30],
  )
  .option('--out <dir>', 'output folder for vanishing.svg', 'out')
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const f = program.opts<{
    hidden: number[];
    cost: CostName;
    batchSize: number;
    seed: number;
    show: number;
    deep: number[];
    out: string;
  }>();
  const r = await runCompare({ ...f, deepHidden: f.deep, out: outputDir(f.out) });
  const print = (line = ''): void => void process.stdout.write(`${line}\n`);
  const e = (v: number): string => (v < 0 ? '' : ' ') + v.toExponential(9);

  print(
    `network [${r.sizes.join(', ')}], ${r.cost} cost summed over ${r.batchSize} digits (so row i of δ^l is digit i's own δ^l)`,
  );
  for (const l of r.layers) {
    print();
    print(`δ^${l.layer}  [${l.shape.join(', ')}]   digit 0, first ${l.rows.length} units:`);
    print(`  unit  ${'tape'.padEnd(17)}  ${'BP1–BP2'.padEnd(17)}  finite differences`);
    for (const [j, t, c, d] of l.rows) print(`  ${String(j).padStart(4)}  ${e(t)}  ${e(c)}  ${e(d)}`);
    print(
      `  over all ${l.shape.reduce((a, b) => a * b, 1)} entries: max |tape − BP| = ${l.tapeVsClosedAbs.toExponential(2)} ` +
        `(relative ${l.tapeVsClosedRel.toExponential(2)}), max |BP − FD| = ${l.closedVsFdAbs.toExponential(2)}  ${l.passed ? 'ok' : 'FAIL'}`,
    );
  }
  print();
  print('tape vs closed form for every gradient of that batch:');
  print(r.table);
  print();
  print(
    r.agreement
      ? 'AGREE: tape, BP1–BP2 and finite differences give the same δ^l.'
      : 'DISAGREE: see the FAIL rows above.',
  );
  print();
  print(`vanishing gradient: mean |δ^l| per digit at initialisation, sigmoid MLP [${r.deepSizes.join(', ')}]`);
  print(`  layer  ${r.vanishing.map((v) => `seed ${v.seed}`.padStart(10)).join('  ')}`);
  for (let l = 0; l < r.deepSizes.length - 1; l++) {
    print(
      `  ${String(l + 1).padStart(5)}  ${r.vanishing.map((v) => v.meanAbsDelta[l]!.toExponential(2).padStart(10)).join('  ')}`,
    );
  }
  print(
    `  mean |δ^1| / mean |δ^L| = ${r.firstToLastRatio.toExponential(2)} (averaged over seeds): the first layer hears a fraction of the output's error.`,
  );
  for (const file of r.files) print(`written: ${file}`);
  if (!r.agreement) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`compare: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exitCode = 1;
});
