import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  GradError,
  ShapeError,
  type Tensor,
  customVjp,
  defineOp,
  formatTape,
  gradcheck,
  gradients,
  matmul,
  sigmoid,
  sum,
  tensor,
  log,
  exp,
  add,
} from '@tapegrad/autograd';

const cube = defineOp({
  name: 'cube',
  forward: (x) => x.mul(x).mul(x),
  vjp: (g, { inputs: [x] }) => [g.mul(x!).mul(x!).mul(3)],
});

/** A researcher's custom layer: y = σ(W x + b) as one op with a hand-written vjp. */
const denseSigmoid = defineOp({
  name: 'denseSigmoid',
  forward: (W, x, b) => sigmoid(matmul(W, x).add(b)),
  vjp: (g, { inputs: [W, x], output: a, needsGrad }) => {
    const delta = g.mul(a.mul(a.neg().add(1))); // δ = g ⊙ σ′(z), with σ′ = a(1 − a)
    return [
      needsGrad[0] ? matmul(delta.reshape([-1, 1]), x!.reshape([1, -1])) : null,
      needsGrad[1] ? matmul(W!.T, delta) : null,
      needsGrad[2] ? delta : null,
    ];
  },
});

describe('defineOp', () => {
  it('is recorded under its own name and differentiates', () => {
    const x = tensor([1, 2, -3], { requiresGrad: true });
    const y = cube(x);
    expect(y.gradFn!.op.name).toBe('cube');
    expect(formatTape(sum(y))).toMatch(/cube\(%0\)/);
    expect(gradients(sum(y), x)!.toArray()).toEqual([3, 12, 27]);
  });

  it('runs through gradcheck in one line (a custom layer)', () => {
    const W = tensor(
      [
        [0.2, -0.1],
        [0.4, 0.3],
        [-0.5, 0.1],
      ],
      { requiresGrad: true },
    );
    const x = tensor([0.7, -1.1], { requiresGrad: true });
    const b = tensor([0.1, 0, -0.2], { requiresGrad: true });
    expect(gradcheck(denseSigmoid, [W, x, b]).passed).toBe(true);
  });

  it('gets higher-order gradients when its vjp is written in tensor ops', () => {
    const x = tensor([2], { requiresGrad: true });
    const [g] = gradients(sum(cube(x)), [x], { createGraph: true });
    expect(gradients(sum(g!), x)!.item()).toBe(12); // (x³)″ = 6x
  });

  it('does not rewrite the history of a tensor its forward returns unchanged', () => {
    const identity = defineOp({ name: 'identity', forward: (x) => x, vjp: (g) => [g] });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = identity(x);
    expect(x.isLeaf).toBe(true);
    expect(y.gradFn!.op.name).toBe('identity');
    expect(gradients(sum(y), x)!.toArray()).toEqual([1, 1]);
  });

  it('with vjpDifferentiable: false, gives first-order gradients but refuses second-order ones', () => {
    const opaqueSquare = defineOp({
      name: 'opaqueSquare',
      forward: (x) => x.mul(x),
      vjp: (g, { inputs: [x] }) => [g.mul(x!.detach()).mul(2)], // detach: correct value, cut derivative
      vjpDifferentiable: false,
    });
    const x = tensor([3], { requiresGrad: true });
    expect(gradients(sum(opaqueSquare(x)), x)!.item()).toBe(6);
    const [g] = gradients(sum(opaqueSquare(x)), [x], { createGraph: true });
    expect(g!.item()).toBe(6);
    expect(() => gradients(sum(g!), x)).toThrow(GradError);
    expect(() => gradients(sum(gradients(sum(opaqueSquare(x)), x, { createGraph: true })!), x)).toThrow(
      /'opaqueSquare': its vjp is not differentiable.*input 0/,
    );
  });

  it('validates the definition and the call', () => {
    expect(() => defineOp({ name: '', forward: (x) => x, vjp: (g) => [g] })).toThrow(ArgumentError);
    expect(() => defineOp({ name: 'f', forward: undefined as never, vjp: (g) => [g] })).toThrow(
      /forward must be a function/,
    );
    expect(() => cube(tensor([1]), tensor([2]))).toThrow(/cube: expects 1 tensor input/);
    expect(() => cube(3 as never)).toThrow(/cube: input 0 must be a Tensor/);
    const bad = defineOp({ name: 'noTensor', forward: () => 3 as never, vjp: (g) => [g] });
    expect(() => bad(tensor([1]))).toThrow(/noTensor: forward must return a Tensor/);
  });

  describe('the engine checks the vjp centrally, naming the op and the input', () => {
    const x = () => tensor([1, 2, 3], { requiresGrad: true });
    const w = () => tensor([4, 5, 6], { requiresGrad: true });
    it('wrong number of gradients', () => {
      const op = defineOp({ name: 'tooFew', forward: (a, b) => a.mul(b), vjp: (g) => [g] });
      expect(() => sum(op(x(), w())).backward()).toThrow(GradError);
      expect(() => sum(op(x(), w())).backward()).toThrow(/'tooFew': the vjp returned 1 gradient\(s\) for 2 input\(s\)/);
    });
    it('wrong shape', () => {
      const op = defineOp({ name: 'badShape', forward: (a, b) => a.mul(b), vjp: (g) => [g, sum(g)] });
      expect(() => sum(op(x(), w())).backward()).toThrow(ShapeError);
      expect(() => sum(op(x(), w())).backward()).toThrow(
        /'badShape': the vjp returned a gradient of shape \[\] for input 1, which has shape \[3\]/,
      );
    });
    it('wrong dtype', () => {
      const op2 = defineOp({ name: 'badDtype2', forward: (a) => a.mul(2), vjp: (g) => [g.to('float32')] });
      expect(() => sum(op2(x())).backward()).toThrow(DTypeError);
      expect(() => sum(op2(x())).backward()).toThrow(
        /'badDtype2': the vjp returned a float32 gradient for input 0, which is float64/,
      );
    });
    it('not a tensor', () => {
      const op = defineOp({ name: 'notTensor', forward: (a) => a.mul(2), vjp: () => [[1, 2, 3] as never] });
      expect(() => sum(op(x())).backward()).toThrow(/'notTensor': the vjp returned object as the gradient of input 0/);
    });
  });

  it('gradcheck catches a deliberately wrong vjp at the right element', () => {
    // Correct except for element 2, where the derivative is off by 0.5.
    const wrong = defineOp({
      name: 'wrongAt2',
      forward: (x) => x.mul(x),
      vjp: (g, { inputs: [x] }) => [g.mul(x!.mul(2).add(tensor([0, 0, 0.5, 0])))],
    });
    const x = tensor([0.3, -0.7, 1.1, 2.0], { requiresGrad: true });
    const r = gradcheck(wrong, [x]);
    expect(r.passed).toBe(false);
    const w = r.inputs[0]!.worst!;
    expect(w.inputIndex).toBe(2);
    expect(w.outputIndex).toBe(2);
    expect(w.analytic).toBeCloseTo(2.7, 9);
    expect(w.numeric).toBeCloseTo(2.2, 6);
    expect(r.format()).toMatch(/input 0: FAIL; worst at input\[2\] \/ output\[2\]/);
  });
});

describe('customVjp', () => {
  // log(1 + eˣ) naively overflows for large x; the custom rule supplies the stable derivative σ(x).
  const softplusNaive = (x: Tensor): Tensor => log(add(exp(x), 1));
  const softplus = customVjp(softplusNaive, {
    name: 'softplusCustom',
    fwd: (x) => [softplusNaive(x), x] as const,
    bwd: (x, g) => [g.mul(sigmoid(x))],
  });

  it('overrides the gradient of a whole function and is recorded as one op', () => {
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    const y = softplus(x);
    expect(y.gradFn!.op.name).toBe('softplusCustom');
    expect(formatTape(sum(y))).toMatch(/softplusCustom\(%0\)/);
    const g = gradients(sum(y), x)!;
    [-1, 0, 2].forEach((v, i) => expect(g.data[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 15));
  });

  it('runs through gradcheck in one line', () => {
    expect(gradcheck(softplus, [tensor([-1.5, 0.2, 3], { requiresGrad: true })]).passed).toBe(true);
  });

  it('uses f directly when nothing needs a gradient', () => {
    const y = softplus(tensor([1]));
    expect(y.gradFn).toBeNull();
    expect(y.item()).toBeCloseTo(Math.log1p(Math.E), 14);
  });

  it('a wrong bwd is caught by gradcheck', () => {
    const wrong = customVjp(softplusNaive, {
      fwd: (x) => [softplusNaive(x), x] as const,
      bwd: (x, g) => [g.mul(sigmoid(x.mul(2)))],
    });
    expect(gradcheck(wrong, [tensor([0.5, -0.5], { requiresGrad: true })]).passed).toBe(false);
  });

  it('refuses second derivatives instead of returning wrong ones, after a correct first derivative', () => {
    const x = tensor([0.5], { requiresGrad: true });
    const [g] = gradients(sum(softplus(x)), [x], { createGraph: true });
    expect(g!.item()).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 15);
    expect(() => gradients(sum(g!), x)).toThrow(GradError);
    expect(() => gradients(sum(softplus(x)), [x], { createGraph: true }).map((t) => gradients(sum(t!), x))).toThrow(
      /'softplusCustom': its vjp is not differentiable/,
    );
  });
});
