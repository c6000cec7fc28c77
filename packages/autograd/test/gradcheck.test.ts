import { describe, expect, it } from 'vitest';
import { gradcheck, tensor, sigmoid, matmul, type Tensor } from '@tapegrad/autograd';

describe('gradcheck', () => {
  it('passes for a correct composite', () => {
    const a = tensor([[0.1, -0.2], [0.3, 0.4]], { requiresGrad: true });
    const b = tensor([0.5, -1.5], { requiresGrad: true });
    const r = gradcheck((x: Tensor, y: Tensor) => sigmoid(matmul(x, y)).mul(y), [a, b]);
    expect(r.format()).toMatch(/pass/);
    expect(r.passed).toBe(true);
    expect(r.inputs[0]!.normRatio).toBeLessThan(1e-8);
  });
});
