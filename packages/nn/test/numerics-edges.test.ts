/**
 * Cross-entropies at the edges: logits of ±50 and ±800 give finite costs whose tape gradient
 * equals the closed form (σ(x) − y)/m and (softmax(x) − y)/m, which themselves agree with the
 * exact values. ±Infinity logits: see the last block (a certain right answer costs 0, a certain
 * wrong one +Infinity, and gradients stay finite).
 */
import { describe, expect, it } from 'vitest';
import { gradients, tensor } from '@tapegrad/autograd';
import { BCEWithLogitsCost, SoftmaxCrossEntropyCost } from '@tapegrad/nn';

const sigma = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

describe.each([50, 800])('cross-entropies at |logit| = %d', (z) => {
  it('BCE with logits: finite cost, tape gradient = closed form = (σ(x) − y)/m', () => {
    const x = tensor([[z], [-z], [z], [-z]], { requiresGrad: true });
    const y = tensor([[1], [0], [0], [1]]);
    const cost = new BCEWithLogitsCost();
    const c = cost.forward(x, y);
    // Two right answers cost ~0, two wrong ones cost z each: mean = z/2 (log1p(e^−z) is below rounding).
    expect(c.item()).toBeCloseTo(z / 2, 12);
    const tape = gradients(c, x)!;
    const closed = cost.gradOutput(x.detach(), y);
    const exact = [0, 1, 2, 3].map((i) => (sigma(x.data[i]!) - y.data[i]!) / 4);
    expect(Array.from(tape.data)).toEqual(Array.from(closed.data));
    Array.from(tape.data).forEach((g, i) => expect(g).toBeCloseTo(exact[i]!, 15));
  });

  it('softmax cross-entropy: finite cost, tape gradient = closed form = (softmax(x) − y)/m', () => {
    const x = tensor(
      [
        [z, -z, 0],
        [-z, z, 0],
      ],
      { requiresGrad: true },
    );
    const y = tensor([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    const cost = new SoftmaxCrossEntropyCost();
    const c = cost.forward(x, y);
    expect(Number.isFinite(c.item())).toBe(true);
    expect(c.item()).toBeCloseTo(z, 10); // row 1 costs ~0, row 2 costs 2z; mean z
    const tape = gradients(c, x)!;
    const closed = cost.gradOutput(x.detach(), y);
    Array.from(tape.data).forEach((g, i) => {
      expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(g - closed.data[i]!)).toBeLessThanOrEqual(1e-15);
    });
    expect(tape.data[3]).toBeCloseTo(-1 / 2, 15); // row 2, true class: (≈0 − 1)/2
    expect(tape.data[4]).toBeCloseTo(1 / 2, 15);
  });
});

describe('cross-entropies at ±Infinity', () => {
  it('wrong-side infinite logits cost +Infinity (a certain wrong answer) and keep a finite gradient', () => {
    const x = tensor([[Infinity], [-Infinity]], { requiresGrad: true });
    const y = tensor([[0], [1]]);
    const c = new BCEWithLogitsCost().forward(x, y);
    expect(c.item()).toBe(Infinity);
    const g = gradients(c, x)!;
    expect(Array.from(g.data)).toEqual([0.5, -0.5]);
  });

  it('right-side infinite logits cost 0', () => {
    const x = tensor([[Infinity], [-Infinity]], { requiresGrad: true });
    const y = tensor([[1], [0]]);
    const c = new BCEWithLogitsCost().forward(x, y);
    expect(c.item()).toBe(0);
    expect(Array.from(gradients(c, x)!.data)).toEqual([0, 0]);
  });

  it('softmax cross-entropy ignores a −Infinity (masked) logit of a class that is not the target', () => {
    const x = tensor([[2, -Infinity, 0]], { requiresGrad: true });
    const c = new SoftmaxCrossEntropyCost().forward(x, tensor([0]));
    const p0 = Math.exp(2) / (Math.exp(2) + 1);
    expect(c.item()).toBeCloseTo(-Math.log(p0), 14);
    const g = gradients(c, x)!;
    expect(g.data[0]).toBeCloseTo(p0 - 1, 14);
    expect(g.data[1]).toBe(0);
    expect(g.data[2]).toBeCloseTo(1 - p0, 14);
  });
});
