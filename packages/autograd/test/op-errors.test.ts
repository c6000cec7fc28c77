/**
 * Bad input throws one of our named errors, and the message names the op and the shapes (or the
 * offending value), never a raw TypeError, a NaN or a wrong shape.
 */
import { describe, expect, it } from 'vitest';
import * as tg from '@tapegrad/autograd';
import { ArgumentError, ShapeError, tensor, zeros } from '@tapegrad/autograd';

type ErrorClass = typeof ShapeError | typeof ArgumentError;

const x23 = zeros([2, 3]);
const x32 = zeros([3, 2]);

const cases: [string, () => unknown, ErrorClass, RegExp][] = [
  ['add', () => tg.add(x23, x32), ShapeError, /add: shapes \[2, 3\] and \[3, 2\]/],
  ['pow', () => tg.pow(x23, zeros([4])), ShapeError, /pow: shapes \[2, 3\] and \[4\]/],
  ['maximum', () => tg.maximum(x23, x32), ShapeError, /maximum: shapes \[2, 3\] and \[3, 2\]/],
  ['minimum', () => tg.minimum(3, 4 as never), ArgumentError, /minimum: .*both are numbers/],
  ['sqrt', () => tg.sqrt([1, 2] as never), ArgumentError, /sqrt: argument 0 must be a Tensor/],
  ['mean', () => tg.mean(x23, { axis: 2 }), ShapeError, /mean: axis 2 is out of range .*2 dimension/],
  [
    'mean (empty)',
    () => tg.mean(zeros([0, 3]), { axis: 0 }),
    ShapeError,
    /mean: cannot reduce over a zero-size axis .*\[0, 3\]/,
  ],
  ['max', () => tg.max(x23, { axis: [1, -1] }), ShapeError, /max: axis -1 is listed twice/],
  ['max (empty)', () => tg.max(zeros([2, 0])), ShapeError, /max: .*zero-size axis .*\[2, 0\]/],
  ['min', () => tg.min(x23, { axis: -3 }), ShapeError, /min: axis -3 is out of range/],
  ['logsumexp', () => tg.logsumexp(x23, { axis: 5 }), ShapeError, /logsumexp: axis 5 is out of range/],
  ['softmax', () => tg.softmax(x23, { axis: 2 }), ShapeError, /softmax: axis 2 is out of range/],
  ['logSoftmax', () => tg.logSoftmax(x23, { axis: -3 }), ShapeError, /logSoftmax: axis -3/],
  ['squeeze', () => tg.squeeze(x23, 0), ShapeError, /squeeze: axis 0 of shape \[2, 3\] has size 2/],
  ['unsqueeze', () => tg.unsqueeze(x23, 4), ShapeError, /unsqueeze: axis 4 is out of range/],
  [
    'slice (range)',
    () => tg.slice(x23, [null, [1, 5]]),
    ShapeError,
    /slice: range \[1, 5\] on axis 1 of shape \[2, 3\]/,
  ],
  ['slice (reversed)', () => tg.slice(x23, [[2, 1]]), ShapeError, /slice: range \[2, 1\] on axis 0/],
  [
    'slice (too many)',
    () => tg.slice(x23, [null, null, null]),
    ShapeError,
    /slice: expected at most 2 ranges .*\[2, 3\]/,
  ],
  ['slice (fraction)', () => tg.slice(x23, [[0.5, 1]]), ArgumentError, /slice: start of range 0 must be an integer/],
  ['pad', () => tg.pad(x23, [[-1, 0]]), ArgumentError, /pad: widths\[0\] must be \[before, after\]/],
  ['concat', () => tg.concat([x23, x32], 0), ShapeError, /concat: tensor 1 has shape \[3, 2\].*\[2, 3\]/],
  ['concat (empty)', () => tg.concat([]), ArgumentError, /concat: expected a non-empty array/],
  ['concat (0-d)', () => tg.concat([tensor(1)]), ShapeError, /concat: cannot concatenate 0-d/],
  ['stack', () => tg.stack([x23, x32]), ShapeError, /stack: tensor 1 has shape \[3, 2\] but tensor 0 has \[2, 3\]/],
  ['stack (axis)', () => tg.stack([x23, x23], 3), ShapeError, /stack: axis 3 is out of range/],
  ['gather (range)', () => tg.gather(x23, [0, 3], 1), ArgumentError, /gather: index 3 .*axis 1 of shape \[2, 3\]/],
  ['gather (fraction)', () => tg.gather(x23, tensor([0.5]), 0), ArgumentError, /gather: index 0.5 .*not an integer/],
  ['gather (negative)', () => tg.gather(x23, [-1], 0), ArgumentError, /gather: index -1 .*out of range/],
  ['gather (0-d)', () => tg.gather(tensor(1), [0]), ShapeError, /gather: cannot index a 0-d tensor/],
  [
    'takeAlongAxis',
    () => tg.takeAlongAxis(x23, tensor([1, 2]), 1),
    ShapeError,
    /takeAlongAxis: indices of shape \[2\] do not fit x of shape \[2, 3\]/,
  ],
  [
    'takeAlongAxis (range)',
    () => tg.takeAlongAxis(x23, tensor([[3], [0]]), 1),
    ArgumentError,
    /takeAlongAxis: index 3/,
  ],
  ['where', () => tg.where(zeros([4]), x23, 0), ShapeError, /where: shapes \[4\] and \[2, 3\]/],
  ['where (mask)', () => tg.where(1 as never, x23, 0), ArgumentError, /where: argument 0 must be a Tensor/],
  ['eq', () => tg.eq(x23, x32), ShapeError, /eq: shapes \[2, 3\] and \[3, 2\]/],
  ['gt', () => tg.gt(x23, zeros([2])), ShapeError, /gt: shapes \[2, 3\] and \[2\]/],
  ['argmax', () => tg.argmax(x23, { axis: 2 }), ShapeError, /argmax: axis 2 is out of range/],
  ['argmin (empty)', () => tg.argmin(zeros([0])), ShapeError, /argmin: cannot search an empty axis .*\[0\]/],
  ['clamp', () => tg.clamp(x23, 2, 1), ArgumentError, /clamp: min 2 is greater than max 1/],
  ['clamp (NaN)', () => tg.clamp(x23, NaN), ArgumentError, /clamp: min and max must be numbers/],
  ['matmul', () => tg.matmul(x23, x23), ShapeError, /matmul: inner dimensions differ: \[2, 3\] @ \[2, 3\]/],
  ['reshape', () => tg.reshape(x23, [4]), ShapeError, /reshape: cannot reshape \[2, 3\]/],
  [
    'broadcastTo',
    () => tg.broadcastTo(x23, [3, 3]),
    ShapeError,
    /broadcastTo: shape \[2, 3\] cannot be broadcast to \[3, 3\]/,
  ],
  ['permute', () => tg.permute(x23, [0]), ShapeError, /permute: expected 2 axes .*\[2, 3\]/],
  ['transpose', () => tg.transpose(zeros([3])), ShapeError, /transpose: needs at least 2 dimensions, got shape \[3\]/],
];

describe('op errors', () => {
  it.each(cases)('%s', (_, call, errorClass, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect((thrown as Error).message).toMatch(message);
  });
});
