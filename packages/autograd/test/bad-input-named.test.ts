/** Issue 11, items 10, 14, 15, 16 and 19 (autograd): hangs, stack overflows and raw errors on bad input. */
import { describe, expect, it } from 'vitest';
import * as ag from '../src/index.js';
import { ArgumentError, TapegradError, tensor, zeros } from '../src/index.js';

const huge = 2 ** 40;

describe('empty tensors with a huge dimension do not hang (item 10)', () => {
  it.each<[string, () => ag.Tensor, number[]]>([
    ['transpose', () => zeros([huge, 0]).transpose(0), [0, huge]],
    ['permute', () => zeros([huge, 0]).permute([1, 0]), [0, huge]],
    ['softmax', () => ag.softmax(zeros([huge, 0]), 0), [huge, 0]],
    ['logSoftmax', () => ag.logSoftmax(zeros([huge, 0]), { axis: 0 }), [huge, 0]],
    ['logsumexp', () => ag.logsumexp(zeros([huge, 0]), { axis: 0 }), [0]],
    ['takeAlongAxis', () => ag.takeAlongAxis(zeros([huge, 0]), zeros([huge, 0]), 0), [huge, 0]],
    ['gather', () => ag.gather(zeros([huge, 0]), [0, 0], 0), [2, 0]],
  ])('%s', (_, call, shape) => {
    expect(call().shape).toEqual(shape);
  });

  it('and their gradients are empty too', () => {
    const x = zeros([huge, 0], { requiresGrad: true });
    ag.softmax(x, 0).transpose(0).sum().backward();
    expect(x.grad!.shape).toEqual([huge, 0]);
  });
});

describe('stack depth: deep inputs are named errors or rendered (item 14)', () => {
  const deep = (n: number, leaf: unknown): unknown => {
    let a = leaf;
    for (let i = 0; i < n; i++) a = [a];
    return a;
  };

  it('describeValue of a 20,000-deep array does not throw', () => {
    expect(ag.describeValue(deep(20_000, 1))).toMatch(/^\[\[\[.*…/);
  });

  it('grad, vjp and hvp over a 20,000-deep pytree refuse it by name', () => {
    const tree = deep(20_000, tensor([1], { requiresGrad: true }));
    expect(() => ag.grad(() => zeros([]))(tree)).toThrow(/pytree: the structure is nested more than 1000 levels/);
    expect(() => ag.vjp((t) => t, tree)).toThrow(ArgumentError);
    expect(() => ag.treeFlatten(tree)).toThrow(ArgumentError);
  });

  it('moderately nested pytrees still work', () => {
    const g = ag.grad((t: unknown) => ag.treeFlatten(t)[0][0]!.sum())(deep(100, tensor([1, 2])));
    expect(ag.treeFlatten(g)[0][0]!.toArray()).toEqual([1, 1]);
  });
});

describe('allocation failures are named errors (item 15)', () => {
  it('tensor(new Array(2**32 − 1))', () => {
    expect(() => ag.tensor(new Array(2 ** 32 - 1))).toThrow(ArgumentError);
  });
  it('a reduction of an empty tensor to a huge output', () => {
    expect(() => zeros([0, huge]).sum({ axis: 0 })).toThrow(/sum: shape \[1099511627776\] holds/);
    expect(() => ag.logsumexp(zeros([0, huge]), 0)).toThrow(ArgumentError);
    expect(zeros([0, 3]).sum(0).toArray()).toEqual([0, 0, 0]);
  });
  it('rng.permutation(2**40)', () => {
    expect(() => new ag.Rng(1).permutation(huge)).toThrow(/Rng.permutation: n must be an integer/);
  });
});

describe('other raw errors become named ones (item 16)', () => {
  it.each<[string, () => unknown]>([
    ['defineOp({name: 10n})', () => ag.defineOp({ name: 10n as never, forward: (t) => t, vjp: (g) => [g] })],
    ['concat(Object.create(null))', () => ag.concat(Object.create(null) as never)],
    ["rng.shuffle('abc')", () => new ag.Rng(1).shuffle('abc' as never)],
  ])('%s', (_, call) => {
    expect(call).toThrow(TapegradError);
  });
});

describe('errors name the function called (item 19)', () => {
  it('zerosLike(0) and onesLike(null)', () => {
    expect(() => ag.zerosLike(0 as never)).toThrow(/^zerosLike: expected a Tensor/);
    expect(() => ag.onesLike(null as never)).toThrow(/^onesLike: expected a Tensor/);
  });
  it('an op whose result is too large to allocate names the op', () => {
    const x = zeros([2 ** 16, 1]);
    // [2^16, 1] + [2^16] broadcasts to 2^32 elements, refused by the op itself.
    expect(() => ag.add(x, zeros([2 ** 16]))).toThrow(/^add:/);
    expect(() => ag.add(x, zeros([2 ** 16]))).toThrow(ArgumentError);
  });
});
