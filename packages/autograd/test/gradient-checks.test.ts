import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  Rng,
  type Tensor,
  defineOp,
  gradcheck,
  gradcheckDirectional,
  gradgradcheck,
  matmul,
  randn,
  sigmoid,
  sum,
  tanh,
  tensor,
} from '@tapegrad/autograd';

const x = () =>
  tensor(
    [
      [0.3, -0.8, 1.2],
      [0.5, 0.1, -0.4],
    ],
    { requiresGrad: true },
  );
const w = () => tensor([0.7, -0.2, 0.9], { requiresGrad: true });

// Correct first derivative; the detach() hides x from the second one, which is then wrong.
const leakySquare = defineOp({
  name: 'leakySquare',
  forward: (a) => a.mul(a),
  vjp: (g, { inputs: [a] }) => [g.mul(a!.detach()).mul(2)],
});

afterEach(() => vi.restoreAllMocks());

describe('gradcheck', () => {
  it('passes for a correct composite and reports one entry per input that requires grad', () => {
    const r = gradcheck((a: Tensor, b: Tensor) => sigmoid(a.mul(b)).sum({ axis: 0 }), [x(), w()]);
    expect(r.passed).toBe(true);
    expect(r.inputs.map((i) => i.index)).toEqual([0, 1]);
    for (const input of r.inputs) {
      expect(input.normRatio).toBeLessThan(1e-8);
      expect(input.worst).not.toBeNull();
      expect(Object.keys(input.worst!).sort()).toEqual([
        'absError',
        'analytic',
        'inputIndex',
        'numeric',
        'output',
        'outputIndex',
        'relError',
      ]);
    }
  });

  it('skips inputs that do not require grad', () => {
    const r = gradcheck((a: Tensor, b: Tensor) => a.mul(b), [tensor([1, 2]), tensor([3, 4], { requiresGrad: true })]);
    expect(r.inputs.map((i) => i.index)).toEqual([1]);
  });

  it('checks functions with several outputs and names the output in the worst element', () => {
    const wrong = defineOp({ name: 'off', forward: (a) => a.mul(3), vjp: (g) => [g.mul(3.1)] });
    const r = gradcheck((a: Tensor) => [a.mul(2), wrong(a)], [tensor([1, 2], { requiresGrad: true })]);
    expect(r.passed).toBe(false);
    expect(r.inputs[0]!.worst!.output).toBe(1);
    expect(r.format()).toMatch(/output 1\[/);
  });

  it('uses the PyTorch defaults eps 1e-6, atol 1e-5, rtol 1e-3', () => {
    // A vjp off by 2e-5 relative to a derivative of 1000 is inside rtol; off by 2e-3 is not.
    const scaled = (k: number) =>
      defineOp({ name: 'scaled', forward: (a) => a.mul(1000), vjp: (g) => [g.mul(1000 * k)] });
    expect(gradcheck(scaled(1 + 2e-5), [tensor([1], { requiresGrad: true })]).passed).toBe(true);
    expect(gradcheck(scaled(1 + 2e-3), [tensor([1], { requiresGrad: true })]).passed).toBe(false);
    expect(gradcheck(scaled(1 + 2e-3), [tensor([1], { requiresGrad: true })], { rtol: 1e-2 }).passed).toBe(true);
  });

  it('refuses float32 unless allowed, and then warns once', () => {
    const f32 = () => tensor([0.5, 1.5], { requiresGrad: true, dtype: 'float32' });
    expect(() => gradcheck((a: Tensor) => a.mul(a), [f32()])).toThrow(DTypeError);
    expect(() => gradcheck((a: Tensor) => a.mul(a), [f32()])).toThrow(/allowFloat32/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opts = { allowFloat32: true, eps: 1e-3, atol: 1e-2, rtol: 1e-2 };
    expect(gradcheck((a: Tensor) => a.mul(a), [f32()], opts).passed).toBe(true);
    gradcheck((a: Tensor) => a.mul(a), [f32()], opts);
    // Test files get fresh module state, and this is the file's only float32 check: exactly one warning.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/float32.*tolerance|float32.*1e-2/s);
  });

  it('rejects bad arguments with named errors', () => {
    expect(() => gradcheck((a: Tensor) => a, [3 as never])).toThrow(/gradcheck: input 0 is not a Tensor/);
    expect(() => gradcheck((a: Tensor) => a, [w()], { eps: 0 })).toThrow(ArgumentError);
    expect(() => gradcheck(() => 3 as never, [w()])).toThrow(/must return a Tensor/);
  });

  it("does not touch the caller's tensors", () => {
    const a = w();
    gradcheck((t: Tensor) => sum(t.mul(t)), [a]);
    expect(a.grad).toBeNull();
  });
});

describe('gradgradcheck', () => {
  it('passes for twice-differentiable composites', () => {
    const r = gradgradcheck((a: Tensor, b: Tensor) => tanh(matmul(a, b)), [x(), w()]);
    expect(r.passed).toBe(true);
    // inputs 0 and 1, then the cotangent of the single output at index 2
    expect(r.inputs.map((i) => i.index)).toEqual([0, 1, 2]);
  });

  it('catches a vjp whose value is right but whose derivative is cut', () => {
    const a = tensor([0.4, -1.3, 2.2], { requiresGrad: true });
    expect(gradcheck(leakySquare, [a]).passed).toBe(true);
    const r = gradgradcheck(leakySquare, [a]);
    expect(r.passed).toBe(false);
    expect(r.inputs[0]!.passed).toBe(false); // ∂/∂x of the gradient is wrong...
    expect(r.inputs[1]!.passed).toBe(true); // ...its dependence on the cotangent is right
  });

  it('is repeatable with a seeded rng and accepts explicit cotangents', () => {
    const f = (a: Tensor) => sigmoid(a).mul(a);
    const one = gradgradcheck(f, [w()], { rng: new Rng(3) });
    const two = gradgradcheck(f, [w()], { rng: new Rng(3) });
    expect(one.inputs[0]!.worst).toEqual(two.inputs[0]!.worst);
    expect(gradgradcheck(f, [w()], { gradOutputs: [tensor([1, -1, 0.5])] }).passed).toBe(true);
    expect(() => gradgradcheck(f, [w()], { gradOutputs: [tensor([1])] })).toThrow(/gradOutputs\[0\] has shape \[1\]/);
  });
});

describe('gradcheckDirectional', () => {
  it('passes on a correct gradient of inputs too large for a full Jacobian', () => {
    const rng = new Rng(7);
    const Wl = randn([60, 80], { rng, requiresGrad: true });
    const X = randn([80, 20], { rng, requiresGrad: true });
    const r = gradcheckDirectional((a: Tensor, b: Tensor) => sigmoid(matmul(a, b).mul(0.1)), [Wl, X], {
      rng: new Rng(1),
      directions: 3,
    });
    expect(r.directions).toHaveLength(3);
    expect(r.passed).toBe(true);
    expect(r.normRatio).toBeLessThan(1e-7);
  });

  it('catches a wrong gradient', () => {
    const a = tensor([0.4, -1.3, 2.2], { requiresGrad: true });
    const wrong = defineOp({ name: 'w', forward: (t) => t.mul(t), vjp: (g, { inputs: [t] }) => [g.mul(t!).mul(2.01)] });
    expect(gradcheckDirectional(wrong, [a], { rng: new Rng(1) }).passed).toBe(false);
  });

  it('requires a seeded Rng', () => {
    expect(() => gradcheckDirectional((t: Tensor) => t, [w()], {} as never)).toThrow(/seeded generator/);
  });
});
