/**
 * `npx -y pnpm@10 --filter @tapegrad/examples per-sample`: a saliency map by jacrev, and
 * per-example gradient norms by vmap of grad, timed beside a loop of grad.
 */
import { Command } from 'commander';
import { integer, positiveInt, widthList } from '../cli/options.js';
import { runPerSample } from './run.js';

const program = new Command()
  .name('per-sample')
  .description(
    "A sigmoid MLP's saliency map ∂a^L/∂x (jacrev) and every example's own gradient norm ‖∂C_x/∂θ‖ (vmap of grad), timed beside a loop of grad.",
  )
  .option('--sizes <widths>', 'layer widths n_0,…,n_L', widthList, [784, 30, 10])
  .option('--batch-size <n>', 'examples in the batch', positiveInt, 64)
  .option('--repeats <n>', 'timed repetitions of each method (the fastest counts)', positiveInt, 3)
  .option('--seed <n>', 'seed', integer, 1)
  .showHelpAfterError();

program.parse();
const f = program.opts<{ sizes: number[]; batchSize: number; repeats: number; seed: number }>();
const r = runPerSample(f);
const print = (line = ''): void => void process.stdout.write(`${line}\n`);

print(`sigmoid MLP [${r.sizes.join(', ')}], quadratic cost, ${f.batchSize} random examples (inputs in [0, 1))`);
print();
print(`saliency of example 0: ∂a^L/∂x has shape [${r.saliency.shape.join(', ')}]; predicted class ${r.predicted}`);
print(`  inputs that move a^L_${r.predicted} most:`);
for (const { index, value } of r.topInputs) print(`    x[${index}]  ∂a/∂x = ${value.toExponential(3)}`);
print();
const norms = r.gradientNorms;
const sorted = [...norms].sort((a, b) => a - b);
print(`per-example gradient norms ‖∂C_x/∂θ‖₂ over ${norms.length} examples:`);
print(
  `  min ${sorted[0]!.toExponential(3)}   median ${sorted[Math.floor(sorted.length / 2)]!.toExponential(3)}   max ${sorted[sorted.length - 1]!.toExponential(3)}`,
);
print();
print(
  `vmap(grad): ${r.vmapMs.toFixed(1)} ms   loop of grad: ${r.loopMs.toFixed(1)} ms   speed-up ${(r.loopMs / r.vmapMs).toFixed(1)}×`,
);
print(`max |vmap − loop| = ${r.maxDifference.toExponential(2)}`);
