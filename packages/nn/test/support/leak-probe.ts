/**
 * Child-process script (needs --expose-gc): runs training steps by hand, keeps WeakRefs to the
 * previous step's loss, its tape node and an intermediate activation, runs more steps, collects
 * garbage, and prints which of them are still reachable as JSON.
 */
import { Rng, tensor, type Tensor } from '@tapegrad/autograd';
import { SGD, mlp, resolveCost } from '@tapegrad/nn';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const net = mlp([2, 4, 1], { rng: new Rng(3) });
const optimizer = new SGD(net, { lr: 0.5 });
const cost = resolveCost('bce');
const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);

function step(): { loss: Tensor; hidden: Tensor } {
  optimizer.zeroGrad();
  const hidden = net.at(0).forward(x);
  const out = net.forward(x);
  const loss = cost.forward(out, y);
  loss.backward();
  optimizer.step();
  return { loss, hidden };
}

for (let i = 0; i < 10; i++) step();
// A control: one step's loss kept on purpose, which must stay alive (so the probe can see a leak).
const kept: Tensor[] = [];
const probe = ((): WeakRef<object>[] => {
  const { loss, hidden } = step();
  kept.push(step().loss);
  return [
    new WeakRef(loss),
    new WeakRef(loss.gradFn!),
    new WeakRef(hidden),
    new WeakRef(hidden.gradFn!),
    new WeakRef(kept[0]!.gradFn!),
  ];
})();
for (let i = 0; i < 3; i++) step();
// Collection is asynchronous in part (WeakRefs are cleared at the end of a job): yield, then check.
await new Promise((r) => setTimeout(r, 0));
gc();
await new Promise((r) => setTimeout(r, 0));
gc();
console.log(JSON.stringify({ alive: probe.map((w) => w.deref() !== undefined) }));
