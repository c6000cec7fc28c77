/**
 * Soak test: trains a small sigmoid MLP for many steps and reports heap usage at the start and
 * the end, which should be flat within noise if no step leaks its tape.
 * Run: npx pnpm@10 --filter @tapegrad/nn soak [steps] (with --expose-gc, so each heap figure is taken
 * after a full collection).
 */
import { Rng, tensor } from '@tapegrad/autograd';
import { SGD, mlp, resolveCost } from '@tapegrad/nn';

const steps = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
const heapMB = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const net = mlp([2, 8, 1], { rng: new Rng(5) });
const optimizer = new SGD(net, { lr: 0.5, momentum: 0.9 });
const cost = resolveCost('bce');
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
