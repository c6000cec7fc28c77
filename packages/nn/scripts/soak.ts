/**
 * Soak test: trains a small sigmoid MLP for many steps and reports heap usage at the start and
 * the end, which should be flat within noise if no step leaks its tape.
 * Run: npx -y pnpm@10 --filter @tapegrad/nn soak [steps] (with --expose-gc, so each heap figure is
 * taken after a full collection).
 */
import { parseArgs } from 'node:util';
import { Rng, tensor } from '@tapegrad/autograd';
import { SGD, mlp, resolveCost } from '@tapegrad/nn';

const USAGE = `Usage: npx -y pnpm@10 --filter @tapegrad/nn soak [steps]

Trains mlp([2, 8, 1]) with SGD on XOR for [steps] steps (default 100000) and prints the heap
used at the start and the end; a flat heap means no step leaks its tape.

Options:
  -h, --help  print this help`;

function readSteps(): number {
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    console.error(`soak: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const [arg, ...rest] = parsed.positionals;
  const n = Number(arg ?? 100_000);
  if (rest.length > 0 || !Number.isInteger(n) || n < 1) {
    console.error(`soak: steps must be one whole number ≥ 1, got ${parsed.positionals.join(' ')}.\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const steps = readSteps();
const gc = (globalThis as { gc?: () => void }).gc;
const heapMB = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const net = mlp([2, 8, 1], { rng: new Rng(5) });
const optimizer = new SGD(net, { lr: 0.5, momentum: 0.9 });
const cost = resolveCost('cross-entropy');
const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);

function step(): number {
  optimizer.zeroGrad();
  const loss = cost.forward(net.forward(x), y);
  loss.backward();
  optimizer.step();
  return loss.item();
}

for (let i = 0; i < 1000; i++) step(); // warm up the JIT before the first reading
const start = heapMB();
let loss = NaN;
const samples: string[] = [];
for (let i = 1; i <= steps; i++) {
  loss = step();
  if (i % Math.max(1, Math.floor(steps / 5)) === 0) samples.push(`${i}: ${heapMB().toFixed(2)} MB`);
}
const end = heapMB();
console.log(`soak: ${steps} steps of mlp([2, 8, 1]) + SGD on XOR, gc ${gc ? 'exposed' : 'not exposed'}`);
console.log(
  `heap used: start ${start.toFixed(2)} MB, end ${end.toFixed(2)} MB (Δ ${(end - start).toFixed(2)} MB); final loss ${loss.toExponential(3)}`,
);
console.log(`samples: ${samples.join(', ')}`);
