/** `npx -y pnpm@10 --filter @tapegrad/examples xor`: a sigmoid MLP learns XOR; prints the tape of one step. */
import { Command } from 'commander';
import { integer, oneOf, positiveInt, positiveNumber } from '../cli/options.js';
import { COSTS, type CostName } from '../common/costs.js';
import { runXor } from './run.js';

const program = new Command()
  .name('xor')
  .description('Train the smallest sigmoid MLP, [2, 2, 1], on XOR and print the tape of one training step.')
  .option('--hidden <n>', 'hidden units', positiveInt, 2)
  .option('--epochs <n>', 'full-batch gradient steps', positiveInt, 2000)
  .option('--lr <eta>', 'learning rate η', positiveNumber, 10)
  .option('--seed <n>', 'seed for the initial weights', integer, 2)
  .option('--cost <name>', `cost: ${COSTS.join(' | ')}`, oneOf(COSTS), 'quadratic')
  .showHelpAfterError();

program.parse();
const flags = program.opts<{ hidden: number; epochs: number; lr: number; seed: number; cost: CostName }>();
const result = runXor(flags);
const print = (line = ''): void => void process.stdout.write(`${line}\n`);

print(`tape of one step (forward and ${flags.cost} cost) of MLP(2-${flags.hidden}-1); backward walks it bottom-up:`);
print(result.tape);
print();
print('gradients of that step:');
print(result.stepGradients);
print();
const every = Math.max(1, Math.floor(result.losses.length / 8));
print('cost by epoch:');
result.losses.forEach((c, i) => {
  if (i % every === 0 || i === result.losses.length - 1) print(`  ${String(i + 1).padStart(5)}  ${c.toExponential(3)}`);
});
print();
print(' x1 x2 | target | output');
for (const r of result.table) print(`  ${r.x[0]}  ${r.x[1]} |   ${r.target}    | ${r.output.toFixed(4)}`);
print();
print(
  result.converged
    ? 'learned: every output is within 0.1 of its target.'
    : 'not learned: this start is stuck in a local minimum (common with 2 hidden units); try another --seed or --hidden 3.',
);
if (!result.converged) process.exitCode = 1;
