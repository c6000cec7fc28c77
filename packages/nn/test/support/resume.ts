/**
 * Child-process script for optim-state.test.ts: trains a small MLP with AdamW (weight decay on
 * weights only, AMSGrad), gradient clipping and a cosine schedule stepped by fit, one fit() epoch at a time with a seeded
 * shuffle per epoch. Usage:
 *   resume.ts full <file>     train all epochs, writing a safetensors checkpoint after half of them;
 *                             print the final weights' SHA-256
 *   resume.ts second <file>   load the checkpoint into fresh objects, train the rest, print the SHA-256
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Rng, tensor } from '@tapegrad/autograd';
import {
  AdamW,
  CosineAnnealingLR,
  fit,
  mergeStateDicts,
  mlp,
  regularizedWeights,
  splitStateDict,
  stateDictFromSafetensors,
  stateDictToSafetensors,
} from '@tapegrad/nn';

const EPOCHS = 8;
const [mode, file] = process.argv.slice(2);
const data = new Rng(1);
const x = tensor(Array.from({ length: 24 }, () => [data.normal(), data.normal(), data.normal()]));
const y = tensor(Array.from({ length: 24 }, (_, i) => [x.data[3 * i]! * x.data[3 * i + 1]! > 0 ? 1 : 0]));
// A fresh process on 'second' starts from other weights, so only the checkpoint can make it agree.
const net = mlp([3, 8, 1], { rng: new Rng(mode === 'second' ? 99 : 2) });
const weights = regularizedWeights(net);
const optimizer = new AdamW(
  [{ params: weights }, { params: net.parameters().filter((p) => !weights.includes(p)), weightDecay: 0 }],
  { lr: 0.05, weightDecay: 0.01, amsgrad: true },
);
const scheduler = new CosineAnnealingLR(optimizer, { tMax: EPOCHS, etaMin: 0.001 });

function epoch(e: number): void {
  fit(net, x, y, {
    optimizer,
    rng: new Rng(1000 + e),
    epochs: 1,
    batchSize: 5,
    cost: 'bce',
    scheduler,
    clipGradNorm: 0.5,
  });
}

function checkpoint(): void {
  const state = mergeStateDicts({
    model: net.stateDict(),
    optimizer: optimizer.stateDict(),
    scheduler: scheduler.stateDict(),
  });
  writeFileSync(file!, stateDictToSafetensors(state));
}

let start = 0;
if (mode === 'second') {
  const parts = splitStateDict(stateDictFromSafetensors(new Uint8Array(readFileSync(file!))).tensors);
  net.loadStateDict(parts['model']!);
  optimizer.loadStateDict(parts['optimizer']!);
  scheduler.loadStateDict(parts['scheduler']!);
  start = EPOCHS / 2;
}
for (let e = start; e < EPOCHS; e++) {
  if (mode === 'full' && e === EPOCHS / 2) checkpoint();
  epoch(e);
}
const hash = createHash('sha256');
for (const [name, t] of net.stateDict()) {
  hash.update(name);
  hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}
console.log(hash.digest('hex'));
