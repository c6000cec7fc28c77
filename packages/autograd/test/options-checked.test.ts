/** Issue 11, items 6, 7, 11 and 13: positional axes, checked options, junk options and callbacks. */
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { ArgumentError, GradError, Tensor, tensor } from '../src/index.js';

const m = () =>
  tensor([
    [1, 5],
    [4, 3],
  ]);

describe('a bare number or array is the axis (item 6)', () => {
  it('reductions, as functions and as methods', () => {
    expect(m().sum(0).toArray()).toEqual([5, 8]);
    expect(ag.sum(m(), 1).toArray()).toEqual([6, 7]);
    expect(ag.sum(m(), [0, 1]).toArray()).toBe(13);
    expect(m().mean(0).toArray()).toEqual([2.5, 4]);
    expect(m().max(1).toArray()).toEqual([5, 4]);
    expect(ag.min(m(), 0).toArray()).toEqual([1, 3]);
    expect(m().logsumexp(1).shape).toEqual([2]);
    expect(ag.logsumexp(m(), [0, 1]).shape).toEqual([]);
  });

  it('argmax and argmin search the axis instead of the flattened tensor', () => {
    expect(m().argmax(1).toArray()).toEqual([1, 0]);
    expect(ag.argmin(m(), 0).toArray()).toEqual([0, 1]);
    expect(ag.argmax(m(), { axis: 1 }).toArray()).toEqual([1, 0]);
  });

  it('softmax and logSoftmax normalise over the given axis', () => {
    const s = ag.softmax(
      tensor([
        [0, 0],
        [0, 100],
      ]),
      0,
    );
    expect(s.sum(0).toArray()).toEqual([1, 1]);
    expect(s.toArray()).toEqual(
      ag
        .softmax(
          tensor([
            [0, 0],
            [0, 100],
          ]),
          { axis: 0 },
        )
        .toArray(),
    );
    for (const v of m().logSoftmax(0).exp().sum(0).data) expect(v).toBeCloseTo(1, 14);
    expect(m().logSoftmax(0).toArray()).toEqual(ag.logSoftmax(m(), { axis: 0 }).toArray());
  });

  it('the positional form is the options form, gradients included', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    x.sum(0)
      .mul(tensor([1, 10]))
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([
      [1, 10],
      [1, 10],
    ]);
  });
});

describe('unknown and misspelled keys are refused with a suggestion (item 7)', () => {
  it.each([
    [() => ag.mean(m(), { dim: 1, keepdim: true } as never), /mean: unknown option 'dim' \(did you mean 'axis'\?\)/],
    [() => m().sum({ keepdim: true } as never), /'keepdim' \(did you mean 'keepdims'\?\)/],
    [() => ag.softmax(m(), { dim: 0 } as never), /softmax: unknown option 'dim'/],
    [() => ag.argmax(m(), { dim: 0 } as never), /argmax: unknown option 'dim'/],
    [() => ag.matmul(m(), m(), { transpose_b: true } as never), /'transpose_b' \(did you mean 'transposeB'\?\)/],
    [() => ag.zeros([2], { requires_grad: true } as never), /'requires_grad' \(did you mean 'requiresGrad'\?\)/],
    [() => ag.grad((x: Tensor) => x.sum(), { has_aux: true } as never), /'has_aux' \(did you mean 'hasAux'\?\)/],
    [
      () => ag.gradients(tensor([1], { requiresGrad: true }).sum(), [], { create_graph: true } as never),
      /'create_graph' \(did you mean 'createGraph'\?\)/,
    ],
    [() => m().backward(undefined, { retain_graph: true } as never), /'retain_graph'/],
    [
      () => ag.gradcheck((x: Tensor) => x, [tensor([1], { requiresGrad: true })], { tol: 1 } as never),
      /unknown option 'tol'/,
    ],
    [() => ag.tapeNodes(m(), { name: {} } as never), /unknown option 'name'/],
    [() => new Tensor(new Float64Array(1), [1], { requires_grad: true } as never), /Tensor: unknown option/],
  ])('%#', (call, message) => {
    expect(call).toThrow(ArgumentError);
    expect(call).toThrow(message);
  });

  it('tensor(t, {shape}) reshapes a tensor instead of ignoring the shape', () => {
    expect(ag.tensor(m(), { shape: [4] }).toArray()).toEqual([1, 5, 4, 3]);
    expect(() => ag.tensor(m(), { shape: [3] })).toThrow(/4 values cannot fill shape \[3\]/);
  });
});

describe('null and junk options are named errors, never a raw TypeError (item 11)', () => {
  const x = () => tensor([1, 2], { requiresGrad: true });
  it.each<[string, () => unknown]>([
    ['sum(null)', () => ag.sum(m(), null as never)],
    ['mean(x, "0")', () => ag.mean(m(), '0' as never)],
    ['matmul(a, b, null)', () => ag.matmul(m(), m(), null as never)],
    ['zeros([2], null)', () => ag.zeros([2], null as never)],
    ['ones([2], 3)', () => ag.ones([2], 3 as never)],
    ['tensor([1], null)', () => ag.tensor([1], null as never)],
    ['rand([2], null)', () => ag.rand([2], null as never)],
    ['softmax(x, null)', () => ag.softmax(m(), null as never)],
    ['argmax(x, null)', () => ag.argmax(m(), null as never)],
    [
      'gradients(y, [x], {gradOutputs: null})',
      () => {
        const t = x();
        return ag.gradients(t.mul(2), [t], { gradOutputs: null as never });
      },
    ],
    ['customVjp(f, null)', () => ag.customVjp((t: Tensor) => t, null as never)],
    [
      'defineOp({name, forward, vjp, extra})',
      () => ag.defineOp({ name: 'f', forward: (t: Tensor) => t, vjp: (g: Tensor) => [g], extra: 1 } as never),
    ],
    ['grad(f, null)', () => ag.grad((t: Tensor) => t.sum(), null as never)],
    ['hvp with junk primals', () => ag.hvp((t: Tensor) => t.sum(), null as never, null as never)],
    ['gradcheck(f, [x], null)', () => ag.gradcheck((t: Tensor) => t, [x()], null as never)],
    ['tapeNodes(y, null)', () => ag.tapeNodes(x().mul(2), null as never)],
    ['new Tensor(data, shape, null)', () => new Tensor(new Float64Array(1), [1], null as never)],
  ])('%s', (_, call) => {
    expect(call).toThrow(ag.TapegradError);
  });
});

describe('a non-function where a function belongs is a named error (item 13)', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['grad(null)(x)', () => ag.grad(null as never)(tensor([1])), /grad: f must be a function/],
    ['vjp(null, x)', () => ag.vjp(null as never, tensor([1])), /vjp: f must be a function/],
    ['detectAnomaly({})', () => ag.detectAnomaly({} as never), /detectAnomaly: pass a function/],
    ['noGrad(1)', () => ag.noGrad(1 as never), /noGrad: pass a function/],
    ['t.mutate_(5)', () => tensor([1]).mutate_(5 as never), /mutate_: pass a function/],
    ['treeMap(tree, 1)', () => ag.treeMap([tensor([1])], 1 as never), /treeMap: fn must be a function/],
    [
      'gradcheck(3, [x])',
      () => ag.gradcheck(3 as never, [tensor([1], { requiresGrad: true })]),
      /gradcheck: f must be a function/,
    ],
    [
      'gradgradcheck(3, [x])',
      () => ag.gradgradcheck(3 as never, [tensor([1], { requiresGrad: true })]),
      /gradgradcheck: f must be/,
    ],
    [
      "new Tensor(data, shape, {shareVersionWith: 'abc'})",
      () => new Tensor(new Float64Array(1), [1], { shareVersionWith: 'abc' as never }),
      /shareVersionWith must be the Tensor/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(ag.ArgumentError);
    expect(call).toThrow(message);
  });

  it('an async callback to a mode is refused, not half-run in the mode (item 9)', () => {
    expect(() => ag.noGrad(async () => 1)).toThrow(/noGrad: the callback is asynchronous/);
    expect(() => ag.enableGrad(async () => 1)).toThrow(/enableGrad/);
    expect(() => ag.detectAnomaly(() => Promise.resolve(1))).toThrow(/detectAnomaly/);
    expect(ag.isGradEnabled()).toBe(true);
    expect(ag.isAnomalyEnabled()).toBe(false);
  });
});

describe('GradError stays for tape misuse', () => {
  it('gradients with a non-array gradOutputs', () => {
    const t = tensor([1], { requiresGrad: true });
    expect(() => ag.gradients(t.mul(2), [t], { gradOutputs: 3 as never })).toThrow(GradError);
  });
});
