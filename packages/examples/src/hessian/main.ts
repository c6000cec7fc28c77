/**
 * `npx -y pnpm@10 --filter @tapegrad/examples hessian`: Hessian-vector products of a small net's
 * cost by double backward, checked against finite differences of gradients.
 */
import { Command } from 'commander';
import { integer, oneOf, positiveInt, positiveNumber, widthList } from '../cli/options.js';
import { COSTS, type CostName } from '../common/costs.js';
import { runHessian } from './run.js';

const program = new Command()
  .name('hessian')
  .description(
    "Hessian-vector products H·v of a small sigmoid net's cost via double backward, checked against central differences of gradients and the Hessian's symmetry.",
  )
  .option('--sizes <widths>', 'layer widths n_0,…,n_L', widthList, [3, 4, 2])
  .option('--batch-size <n>', 'samples in the fixed random batch', positiveInt, 6)
  .option('--cost <name>', `cost: ${COSTS.join(' | ')}`, oneOf(COSTS), 'quadratic')
  .option('--directions <n>', 'random directions v to check', positiveInt, 3)
  .option('--eps <ε>', 'step of the gradient differences', positiveNumber, 1e-5)
  .option('--seed <n>', 'seed', integer, 1)
  .showHelpAfterError();

program.parse();
const f = program.opts<{
  sizes: number[];
  batchSize: number;
  cost: CostName;
  directions: number;
  eps: number;
  seed: number;
}>();
const r = runHessian(f);
const print = (line = ''): void => void process.stdout.write(`${line}\n`);

print(
  `sigmoid MLP [${r.sizes.join(', ')}], ${f.cost} cost ${r.cost.toFixed(6)} on ${f.batchSize} random samples; ${r.parameterCount} parameters, so H is ${r.parameterCount}×${r.parameterCount} (never formed)`,
);
print();
print('H·v for the first direction v, by double backward:');
for (const { name, values } of r.firstHv)
  print(`  ${name.padEnd(3)} ${values.map((v) => v.toExponential(3).padStart(11)).join(' ')}`);
print();
print(`direction  max |Hv − fd|  relative   symmetry uᵀHv vs vᵀHu`);
r.directions.forEach((d, i) => {
  print(
    `${String(i + 1).padStart(9)}  ${d.maxAbs.toExponential(2).padStart(12)}  ${d.maxRel.toExponential(2).padStart(8)}   ` +
      `${d.symmetryRel.toExponential(2).padStart(8)}   ${d.passed ? 'ok' : 'FAIL'}`,
  );
});
print();
print(r.passed ? 'PASS: double backward agrees with finite differences of gradients.' : 'FAIL: see the rows above.');
if (!r.passed) process.exitCode = 1;
