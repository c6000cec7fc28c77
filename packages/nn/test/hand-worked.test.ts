import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@tapegrad/autograd';
import { mlp, closedFormBackprop, compareBackprop } from '@tapegrad/nn';

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

/** |actual − expected| ≤ 1e-14 · |expected|: a few roundings apart, no more. */
function close(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-14 * Math.abs(expected));
}

// W^1 = [[0.15, 0.20], [0.25, 0.30]], b^1 = [0.35, 0.35], W^2 = [[0.40, 0.45]], b^2 = [0.60]
const W1 = [
  [0.15, 0.2],
  [0.25, 0.3],
] as const;
const b1 = [0.35, 0.35] as const;
const W2 = [0.4, 0.45] as const;
const b2 = 0.6;

function net() {
  const n = mlp([2, 2, 1], { rng: new Rng(0) });
  n.loadStateDict({
    '0.weight': tensor(W1.map((r) => [...r])),
    '0.bias': tensor([...b1]),
    '2.weight': tensor([[...W2]]),
    '2.bias': tensor([b2]),
  });
  return n;
}

/** Every equation of BP1–BP4 for one sample, in scalars. */
function bySample(x: readonly [number, number], y: number) {
  // forward: z^1_j = Σ_k W^1_jk x_k + b^1_j, a^1 = σ(z^1), z^2 = Σ_j W^2_j a^1_j + b^2
  const z1 = [W1[0][0] * x[0] + W1[0][1] * x[1] + b1[0], W1[1][0] * x[0] + W1[1][1] * x[1] + b1[1]] as const;
  const a1 = [sigma(z1[0]), sigma(z1[1])] as const;
  const z2 = W2[0] * a1[0] + W2[1] * a1[1] + b2;
  const a2 = sigma(z2);
  // BP1 with the quadratic cost: δ^2 = (a^2 − y) σ′(z^2), σ′ = σ(1 − σ)
  const d2 = (a2 - y) * a2 * (1 - a2);
  // BP2: δ^1_j = W^2_j δ^2 σ′(z^1_j)
  const d1 = [W2[0] * d2 * a1[0] * (1 - a1[0]), W2[1] * d2 * a1[1] * (1 - a1[1])] as const;
  // BP3: ∂C/∂b = δ. BP4: ∂C/∂W^l_jk = δ^l_j a^{l−1}_k
  const gW2 = [d2 * a1[0], d2 * a1[1]];
  const gW1 = [
    [d1[0] * x[0], d1[0] * x[1]],
    [d1[1] * x[0], d1[1] * x[1]],
  ];
  const cost = 0.5 * (y - a2) ** 2;
  return { z1, z2, d1, d2, gW1, gW2, cost };
}

describe('a 2-2-1 sigmoid network worked by hand', () => {
  it('one sample: z, δ, ∂W, ∂b equation by equation', () => {
    const h = bySample([0.05, 0.1], 0.01);
    // The first pre-activation is exact enough to write down: 0.15·0.05 + 0.20·0.10 + 0.35.
    close(h.z1[0], 0.3775);
    const cf = closedFormBackprop(net(), tensor([[0.05, 0.1]]), tensor([[0.01]]), { cost: 'quadratic' });
    close(cf.outputs.get('0')!.data[0], h.z1[0]);
    close(cf.outputs.get('0')!.data[1], h.z1[1]);
    close(cf.outputs.get('2')!.data[0], h.z2);
    close(cf.deltas.get('2')!.data[0], h.d2);
    close(cf.deltas.get('0')!.data[0], h.d1[0]);
    close(cf.deltas.get('0')!.data[1], h.d1[1]);
    close(cf.grads.get('2.bias')!.data[0], h.d2);
    close(cf.grads.get('0.bias')!.data[0], h.d1[0]);
    close(cf.grads.get('0.bias')!.data[1], h.d1[1]);
    close(cf.grads.get('2.weight')!.data[0], h.gW2[0]!);
    close(cf.grads.get('2.weight')!.data[1], h.gW2[1]!);
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 2; k++) close(cf.grads.get('0.weight')!.data[2 * j + k], h.gW1[j]![k]!);
    close(cf.cost, h.cost);
    // a^2 ≈ 0.75 overshoots y = 0.01 and σ′ > 0, so the output error δ^2 must be positive.
    expect(h.d2).toBeGreaterThan(0);
  });

  it('two samples with L2: gradients are averaged, then (λ/m) W is added to weights only', () => {
    const xs = [
      [0.05, 0.1],
      [1, -1],
    ] as const;
    const ys = [0.01, 0.99] as const;
    const lambda = 0.1;
    const m = 2;
    const s = [bySample(xs[0], ys[0]), bySample(xs[1], ys[1])] as const;
    const cf = closedFormBackprop(net(), tensor(xs.map((r) => [...r])), tensor(ys.map((v) => [v])), {
      cost: 'quadratic',
      lambda,
    });
    const l2 = (lambda / (2 * m)) * (0.15 ** 2 + 0.2 ** 2 + 0.25 ** 2 + 0.3 ** 2 + 0.4 ** 2 + 0.45 ** 2);
    close(cf.cost, (s[0].cost + s[1].cost) / m + l2);
    // Δ rows are the per-sample δ divided by m (the batch cost's own ∂C/∂z).
    close(cf.deltas.get('2')!.data[1], s[1].d2 / m);
    close(cf.grads.get('2.bias')!.data[0], (s[0].d2 + s[1].d2) / m);
    close(cf.grads.get('0.bias')!.data[1], (s[0].d1[1] + s[1].d1[1]) / m);
    close(cf.grads.get('2.weight')!.data[1], (s[0].gW2[1]! + s[1].gW2[1]!) / m + (lambda / m) * W2[1]);
    close(cf.grads.get('0.weight')!.data[1], (s[0].gW1[0]![1]! + s[1].gW1[0]![1]!) / m + (lambda / m) * W1[0][1]);
    // And the tape agrees with both.
    const cmp = compareBackprop(net(), tensor(xs.map((r) => [...r])), tensor(ys.map((v) => [v])), {
      cost: 'quadratic',
      lambda,
    });
    expect(cmp.passed).toBe(true);
    close(cmp.tape.grads.get('0.weight')!.data[1], (s[0].gW1[0]![1]! + s[1].gW1[0]![1]!) / m + (lambda / m) * W1[0][1]);
  });
});
