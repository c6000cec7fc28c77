/**
 * Child-process script: trains a small MLP from a seed and prints the SHA-256 of its weight bytes.
 * Run twice in separate processes by determinism.test.ts. Usage: train-and-hash.ts <seed>.
 */
import { createHash } from 'node:crypto';
import { Rng, tensor } from '@tapegrad/autograd';
import { Adam, fit, mlp } from '@tapegrad/nn';

const seed = Number(process.argv[2] ?? 1);
const rng = new Rng(seed);
const x = tensor(Array.from({ length: 32 }, () => [rng.normal(), rng.normal(), rng.normal()]));
const y = tensor(Array.from({ length: 32 }, (_, i) => [x.data[3 * i]! * x.data[3 * i + 1]! > 0 ? 1 : 0]));
const net = mlp([3, 8, 1], { rng: new Rng(seed + 1) });
fit(net, x, y, {
  optimizer: new Adam(net, { lr: 0.01 }),
  rng: new Rng(seed + 2),
  epochs: 30,
  batchSize: 4,
  cost: 'bce',
});
const hash = createHash('sha256');
for (const [name, t] of net.stateDict()) {
  hash.update(name);
  hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}
console.log(hash.digest('hex'));
