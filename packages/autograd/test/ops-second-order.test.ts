/**
 * An OpInfo-style matrix: every differentiable op in the op table, checked to first order with
 * gradcheck and to second order with gradgradcheck, at points away from kinks and ties.
 */
import { describe, expect, it } from 'vitest';
import * as ag from '@tapegrad/autograd';
import { type Tensor, gradcheck, gradgradcheck, tensor } from '@tapegrad/autograd';
import * as opTable from '../src/ops/index.js';

const A = () =>
  tensor(
    [
      [0.3, -0.8, 1.2],
      [0.5, 0.1, -0.4],
    ],
    { requiresGrad: true },
  );
const B = () =>
  tensor(
    [
      [0.7, 0.25, -0.9],
      [-0.35, 0.6, 0.15],
    ],
    { requiresGrad: true },
  );
const POS = () =>
  tensor(
    [
      [0.4, 1.3, 2.1],
      [0.8, 1.7, 0.6],
    ],
    { requiresGrad: true },
  );
const ROW = () => tensor([0.2, -0.6, 0.45], { requiresGrad: true });
const M = () =>
  tensor(
    [
      [0.5, -0.2],
      [0.3, 0.9],
      [-0.7, 0.4],
    ],
    { requiresGrad: true },
  );

/** Values with no ties (so max-pooling has no kink), from a fixed formula. */
const IMG = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3) + 0.01 * i),
    { shape, requiresGrad: true },
  );
};

type Case = { op: string; f: (...xs: Tensor[]) => Tensor; inputs: () => Tensor[] };

const cases: Case[] = [
  { op: 'add', f: (a, b) => ag.add(a, b), inputs: () => [A(), ROW()] },
  { op: 'sub', f: (a, b) => ag.sub(a, b), inputs: () => [A(), ROW()] },
  { op: 'mul', f: (a, b) => ag.mul(a, b), inputs: () => [A(), ROW()] },
  { op: 'div', f: (a, b) => ag.div(a, b), inputs: () => [A(), POS()] },
  { op: 'pow', f: (a, b) => ag.pow(a, b), inputs: () => [POS(), B()] },
  { op: 'maximum', f: (a, b) => ag.maximum(a, b), inputs: () => [A(), B()] },
  { op: 'minimum', f: (a, b) => ag.minimum(a, b), inputs: () => [A(), B()] },
  { op: 'neg', f: (a) => ag.neg(a), inputs: () => [A()] },
  { op: 'exp', f: (a) => ag.exp(a), inputs: () => [A()] },
  { op: 'log', f: (a) => ag.log(a), inputs: () => [POS()] },
  { op: 'sigmoid', f: (a) => ag.sigmoid(a), inputs: () => [A()] },
  { op: 'sqrt', f: (a) => ag.sqrt(a), inputs: () => [POS()] },
  { op: 'abs', f: (a) => ag.abs(a), inputs: () => [A()] },
  { op: 'square', f: (a) => ag.square(a), inputs: () => [A()] },
  { op: 'tanh', f: (a) => ag.tanh(a), inputs: () => [A()] },
  { op: 'relu', f: (a) => ag.relu(a), inputs: () => [A()] },
  { op: 'softplus', f: (a) => ag.softplus(a), inputs: () => [A()] },
  { op: 'sum', f: (a) => ag.sum(a, { axis: 1 }), inputs: () => [A()] },
  { op: 'mean', f: (a) => ag.mean(a, { axis: 0 }), inputs: () => [A()] },
  { op: 'max', f: (a) => ag.max(a, { axis: 1 }), inputs: () => [A()] },
  { op: 'min', f: (a) => ag.min(a, { axis: 0 }), inputs: () => [A()] },
  { op: 'logsumexp', f: (a) => ag.logsumexp(a, { axis: 1 }), inputs: () => [A()] },
  { op: 'softmax', f: (a) => ag.softmax(a), inputs: () => [A()] },
  { op: 'logSoftmax', f: (a) => ag.logSoftmax(a, { axis: 0 }), inputs: () => [A()] },
  { op: 'reshape', f: (a) => ag.reshape(a, [3, 2]).mul(ag.reshape(a, [3, 2])), inputs: () => [A()] },
  { op: 'broadcastTo', f: (a) => ag.broadcastTo(a, [2, 3]).mul(A().detach()), inputs: () => [ROW()] },
  { op: 'permute', f: (a) => ag.permute(a, [1, 0]).mul(ag.permute(a, [1, 0])), inputs: () => [A()] },
  { op: 'transpose', f: (a) => ag.transpose(a).mul(ag.transpose(a)), inputs: () => [A()] },
  { op: 'clone', f: (a) => ag.clone(a).mul(a), inputs: () => [A()] },
  { op: 'squeeze', f: (a) => ag.squeeze(ag.reshape(a, [1, 6])).mul(ag.reshape(a, [6])), inputs: () => [A()] },
  { op: 'unsqueeze', f: (a) => ag.unsqueeze(a, 0).mul(a), inputs: () => [A()] },
  { op: 'slice', f: (a) => ag.slice(a, [null, [1, 3]]).mul(ag.slice(a, [null, [0, 2]])), inputs: () => [A()] },
  {
    op: 'pad',
    f: (a) =>
      ag.pad(a.mul(a), [
        [1, 0],
        [0, 2],
      ]),
    inputs: () => [A()],
  },
  { op: 'concat', f: (a, b) => ag.concat([a.mul(b), b], 1), inputs: () => [A(), B()] },
  { op: 'stack', f: (a, b) => ag.stack([a.mul(b), a], 0), inputs: () => [A(), B()] },
  { op: 'gather', f: (a) => ag.gather(a.mul(a), [2, 0, 2], 1), inputs: () => [A()] },
  { op: 'takeAlongAxis', f: (a) => ag.takeAlongAxis(a.mul(a), tensor([[2], [0]]), 1), inputs: () => [A()] },
  {
    op: 'where',
    f: (a, b) =>
      ag.where(
        tensor([
          [1, 0, 1],
          [0, 1, 0],
        ]),
        a.mul(b),
        b,
      ),
    inputs: () => [A(), B()],
  },
  { op: 'clamp', f: (a) => ag.clamp(a.mul(a), 0.05, 1), inputs: () => [A()] },
  { op: 'matmul', f: (a, m) => ag.matmul(a, m), inputs: () => [A(), M()] },
  {
    op: 'conv2d',
    f: (x, w, b) => ag.conv2d(x, w, b, { stride: [2, 1], padding: 1, dilation: [1, 2] }),
    inputs: () => [IMG([2, 2, 4, 5]), IMG([3, 2, 2, 2]), IMG([3])],
  },
  { op: 'maxPool2d', f: (x) => ag.maxPool2d(x, { kernelSize: 2 }), inputs: () => [IMG([1, 2, 4, 4])] },
  { op: 'avgPool2d', f: (x) => ag.avgPool2d(x, { kernelSize: [2, 3], stride: 1 }), inputs: () => [IMG([1, 2, 3, 4])] },
  { op: 'im2col', f: (x) => ag.im2col(x, { kernelSize: 2, padding: 1, stride: 2 }), inputs: () => [IMG([1, 2, 3, 3])] },
  {
    op: 'col2im',
    f: (c) => ag.col2im(c, [1, 2, 3, 3], { kernelSize: 2, padding: 1, stride: 2 }),
    inputs: () => [IMG([1, 8, 4])],
  },
];

// Ops without a derivative (their outputs never require grad) and helpers that are not ops.
const NOT_DIFFERENTIABLE = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'argmax', 'argmin', 'sign'];
// cast to float32 cannot be checked by float64 finite differences; it has an exact test below.
const EXACT = ['cast'];
const HELPERS = ['stableSigmoid', 'stableSoftplus', 'reduceParams', 'expandReduced', 'sumToShape'];

describe('every differentiable op', () => {
  it('has a row in this matrix (add one when you add an op)', () => {
    const exported = Object.entries(opTable)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);
    const covered = new Set([...cases.map((c) => c.op), ...NOT_DIFFERENTIABLE, ...HELPERS, ...EXACT]);
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('cast: first and second derivatives through float32, exactly', () => {
    const x = tensor([0.1, -2.7], { requiresGrad: true });
    const y = ag.cast(x, 'float32');
    const g = ag.gradients(ag.sum(y.mul(y)), x, { createGraph: true })!;
    expect(g.dtype).toBe('float64');
    expect(Array.from(g.data)).toEqual([2 * Math.fround(0.1), 2 * Math.fround(-2.7)]);
    expect(ag.gradients(ag.sum(g), x)!.toArray()).toEqual([2, 2]);
  });

  for (const c of cases) {
    it(`${c.op}: gradcheck and gradgradcheck pass`, () => {
      // A plain ag.* lookup would silently test nothing if the op were renamed; fail loudly instead.
      expect(typeof (ag as Record<string, unknown>)[c.op]).toBe('function');
      const first = gradcheck(c.f, c.inputs());
      expect(first.passed, first.format()).toBe(true);
      const second = gradgradcheck(c.f, c.inputs());
      expect(second.passed, second.format()).toBe(true);
    });
  }
});
