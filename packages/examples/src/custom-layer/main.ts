/**
 * `npx -y pnpm@10 --filter @tapegrad/examples custom-layer`: a layer made with defineOp and one made
 * with customVjp, gradient-checked, then trained inside an MLP on MNIST.
 */
import { Command } from 'commander';
import { integer, positiveInt, positiveNumber } from '../cli/options.js';
import { runCustomLayer } from './run.js';

const program = new Command()
  .name('custom-layer')
  .description(
    "Check custom ops (defineOp: fused softsign layer; customVjp: swish) with gradcheck, a layer's hand-derived backprop with checkLayer, then train them inside an MLP on MNIST.",
  )
  .option('--epochs <n>', 'training epochs', positiveInt, 5)
  .option('--lr <eta>', 'learning rate η', positiveNumber, 1)
  .option('--batch-size <n>', 'mini-batch size', positiveInt, 10)
  .option('--limit <n>', 'digits used, train + test', positiveInt, 5000)
  .option('--seed <n>', 'seed', integer, 1)
  .option('--quick', 'one epoch on 3000 digits', false)
  .showHelpAfterError();

program.parse();
const f = program.opts<{
  epochs: number;
  lr: number;
  batchSize: number;
  limit: number;
  seed: number;
  quick: boolean;
}>();
const quick = (name: string, value: number, fallback: number): number =>
  f.quick && program.getOptionValueSource(name) === 'default' ? value : fallback;
const r = runCustomLayer({ ...f, epochs: quick('epochs', 1, f.epochs), limit: quick('limit', 3000, f.limit) });
const print = (line = ''): void => void process.stdout.write(`${line}\n`);

for (const c of r.checks) {
  print(`${c.passed ? 'PASS' : 'FAIL'}  ${c.name}`);
  print(c.report.replace(/^/gm, '      '));
}
print();
print("a layer's own hand-derived backprop, checked against the tape:");
for (const c of [r.layerCheck, r.wrongLayerCheck, r.networkCheck]) {
  print(`${c.passed ? 'PASS' : 'FAIL'}  ${c.name}`);
  print(c.report.replace(/^/gm, '      '));
}
print(
  r.wrongLayerCheck.passed
    ? 'the deliberately wrong derivation was NOT caught'
    : 'the deliberately wrong derivation was caught, as it should be.',
);
print();
print('second derivatives through the customVjp op are refused, not silently wrong:');
print(`  ${r.swishSecondOrder}`);
print();
print('tape of the network on two digits (each custom op is one node):');
print(r.tape);
print();
print(`training ${r.architecture} on ${r.trainSize} digits, testing on ${r.testSize}:`);
r.testAccuracy.forEach((a, i) => print(`  epoch ${i + 1}: test accuracy ${(100 * a).toFixed(2)}%`));
if (!r.gradcheckPassed || !r.layerCheck.passed || !r.networkCheck.passed || r.wrongLayerCheck.passed)
  process.exitCode = 1;
