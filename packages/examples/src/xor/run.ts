/**
 * XOR, the smallest problem a single layer cannot solve: a sigmoid MLP [2, 2, 1] learns it by
 * full-batch gradient descent. Before training we take one step by hand and keep the tape
 * listing of it, so the recorded ops (two Linear layers, two sigmoids, the cost) can be read.
 */
import { Rng, formatTape, noGrad, tensor, type Tensor } from '@tapegrad/autograd';
import { SGD, fit, mlp, type MLP } from '@tapegrad/nn';
import { requireInt, requirePositive } from '../cli/options.js';
import { makeCost, type CostName } from '../common/costs.js';

/** Options of {@link runXor}. */
export interface XorOptions {
  /** Hidden units (default 2, the fewest that can represent XOR). */
  hidden?: number;
  /** Full-batch gradient steps (default 2000). */
  epochs?: number;
  /** Learning rate η (default 10: the quadratic cost's gradients are small near the start). */
  lr?: number;
  /** Seed for the initial weights (default 2, one for which [2, 2, 1] converges; see README). */
  seed?: number;
  /** Cost (default 'quadratic'). */
  cost?: CostName;
  /** An output within this distance of its target counts as learned (default 0.1). */
  tolerance?: number;
}

/** What {@link runXor} found. */
export interface XorResult {
  /** The tape of one step's forward pass and cost, as `formatTape` prints it. */
  tape: string;
  /** The gradients that step's backward pass produced, one line per parameter. */
  stepGradients: string;
  /** Mean cost per epoch. */
  losses: number[];
  /** The four inputs and the trained network's outputs. */
  table: { x: [number, number]; target: number; output: number }[];
  /** True when every output is within `tolerance` of its target. */
  converged: boolean;
  /** The trained network. */
  net: MLP;
}

/** The XOR truth table as tensors: inputs [4, 2], targets [4, 1]. */
export function xorData(): { x: Tensor; y: Tensor } {
  return {
    x: tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]),
    y: tensor([[0], [1], [1], [0]]),
  };
}

/** Formats a small tensor's values on one line. */
function values(t: Tensor): string {
  return `[${Array.from(t.data, (v) => v.toFixed(4)).join(', ')}]`;
}

/** Trains [2, hidden, 1] on XOR and returns the tape of its first step and the final outputs. */
export function runXor(options: XorOptions = {}): XorResult {
  const hidden = requireInt('hidden', options.hidden ?? 2);
  const epochs = requireInt('epochs', options.epochs ?? 2000);
  const lr = requirePositive('lr', options.lr ?? 10);
  const tolerance = requirePositive('tolerance', options.tolerance ?? 0.1);
  const root = new Rng(options.seed ?? 2);
  const net = mlp([2, hidden, 1], { rng: root.fork() });
  const optimizer = new SGD(net, { lr });
  const cost = makeCost(options.cost ?? 'quadratic');
  const { x, y } = xorData();

  // One step by hand, the same work fit does per batch, so its tape can be listed before
  // backward releases it.
  const [first, second] = net.layers();
  optimizer.zeroGrad();
  const loss = cost.forward(net.forward(x), y);
  const names = {
    x,
    y,
    W1: first!.linear.weight,
    b1: first!.linear.bias,
    W2: second!.linear.weight,
    b2: second!.linear.bias,
  };
  const tape = formatTape(loss, { names });
  loss.backward();
  const stepGradients = Object.entries(names)
    .filter(([, t]) => t.grad !== null)
    .map(([name, t]) => `∂C/∂${name} ${`[${t.shape.join(', ')}]`.padEnd(7)} = ${values(t.grad!)}`)
    .join('\n');
  optimizer.step();

  const history = fit(net, x, y, { optimizer, rng: root.fork(), epochs, batchSize: 4, cost });
  const out = noGrad(() => net.forward(x));
  const table = [0, 1, 2, 3].map((i) => ({
    x: [x.data[2 * i]!, x.data[2 * i + 1]!] as [number, number],
    target: y.data[i]!,
    output: out.data[i]!,
  }));
  const converged = table.every((r) => Math.abs(r.output - r.target) < tolerance);
  return { tape, stepGradients, losses: history.loss, table, converged, net };
}
