import { describe, expect, it } from 'vitest';
import { gradcheck, tensor, sigmoid, matmul, type Tensor } from '@tapegrad/autograd';

describe('gradcheck', () => {
  it('passes for a correct composite', () => {
    const a = tensor(
      [
        [0.1, -0.2],
        [0.3, 0.4],
      ],
      { requiresGrad: true },
    );
    const b = tensor([0.5, -1.5], { requiresGrad: true });
    const r = gradcheck((x: Tensor, y: Tensor) => sigmoid(matmul(x, y)).mul(y), [a, b]);
    expect(r.format()).toMatch(/pass/);
    expect(r.passed).toBe(true);
    expect(r.inputs[0]!.normRatio).toBeLessThan(1e-8);
  });
});

describe('gradcheck report', () => {
  it('names a real (if tiny) error as the worst element of a passing input, not an exact 0 = 0 entry', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const r = gradcheck((t: Tensor) => t.exp(), [x]);
    expect(r.passed).toBe(true);
    const w = r.inputs[0]!.worst!;
    // Off-diagonal Jacobian entries are exactly 0 on both sides; only the diagonal has rounding error.
    expect(w.inputIndex).toBe(w.outputIndex);
    expect(w.analytic).not.toBe(0);
  });
});
