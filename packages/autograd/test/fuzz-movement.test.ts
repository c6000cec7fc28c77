/**
 * Fuzzing the movement, slicing and indexing ops with invalid axes, ranges, widths, indices and
 * junk: each call succeeds with a well-formed, differentiable result or throws a named error
 * that names the op.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { Tensor } from '@tapegrad/autograd';
import { badNumber, check, count, fuzz, junk, okOrNamed, smallShape } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const tensorOf = (shape: readonly number[], dtype: tg.DType = 'float64'): Tensor =>
  tg.tensor(
    Float64Array.from({ length: count(shape) }, (_, i) => (i % 5) - 2),
    { shape: [...shape], dtype, requiresGrad: true },
  );
const int = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 2, arbitrary: badNumber },
  { weight: 1, arbitrary: junk },
);
const intList = fc.oneof({ weight: 9, arbitrary: fc.array(int, { maxLength: 4 }) }, { weight: 1, arbitrary: junk });

/** A successful result must be well-formed, and backward through it must give a finite gradient of x's shape. */
function checkResult(op: string, y: Tensor, inputs: readonly Tensor[]): void {
  check(
    y.shape.every((d) => Number.isInteger(d) && d >= 0) && count(y.shape) === y.size && y.data.length === y.size,
    () => `${op}: malformed result shape ${JSON.stringify(y.shape)}`,
  );
  if (!y.requiresGrad) return;
  const gs = tg.gradients(
    y.sum(),
    inputs.filter((t) => t.requiresGrad),
    { allowUnused: true },
  );
  gs.forEach((g, i) =>
    check(
      g === null || (g.shape.join() === inputs[i]!.shape.join() && g.data.every(Number.isFinite)),
      () => `${op}: bad gradient for input ${i}`,
    ),
  );
}

describe('fuzz: movement and indexing', () => {
  it(`permute, transpose, squeeze, unsqueeze with bad axes (${plan('permute, transpose, squeeze, unsqueeze').runs} cases)`, () => {
    const OPS = ['permute', 'transpose', 'squeeze', 'unsqueeze'] as const;
    fuzz(
      plan('permute, transpose, squeeze, unsqueeze'),
      fc.tuple(fc.constantFrom(...OPS), smallShape(0, 4, 1, 3), intList, int, int),
      ([op, shape, axes, a, b]) => {
        const x = tensorOf(shape);
        const call = (): Tensor => {
          switch (op) {
            case 'permute':
              return tg.permute(x, axes as number[]);
            case 'transpose':
              return tg.transpose(x, a as number, b as number);
            case 'squeeze':
              return tg.squeeze(x, Array.isArray(axes) && axes.length > 0 ? (axes as number[]) : (a as number));
            default:
              return tg.unsqueeze(x, a as number);
          }
        };
        const r = okOrNamed(call, [op === 'transpose' ? 't' : op]);
        if (r.ok) checkResult(op, r.value, [x]);
      },
    );
  });

  it(`slice, pad, concat, stack with bad ranges, widths and shapes (${plan('slice, pad, concat, stack').runs} cases)`, () => {
    const range = fc.oneof(fc.constant(null), fc.array(int, { maxLength: 3 }), junk);
    const OPS = ['slice', 'pad', 'concat', 'stack'] as const;
    const shapes = fc.array(smallShape(0, 3, 0, 3), { minLength: 0, maxLength: 3 });
    fuzz(
      plan('slice, pad, concat, stack'),
      fc.tuple(fc.constantFrom(...OPS), smallShape(0, 3, 0, 3), fc.array(range, { maxLength: 4 }), shapes, int),
      ([op, shape, ranges, others, axis]) => {
        const x = tensorOf(shape);
        const list = [x, ...others.map((s) => tensorOf(s, s.length % 2 ? 'float32' : 'float64'))];
        const call = (): Tensor => {
          switch (op) {
            case 'slice':
              return tg.slice(x, ranges as [number, number][]);
            case 'pad':
              return tg.pad(x, ranges as [number, number][]);
            case 'concat':
              return tg.concat(list, axis as number);
            default:
              return tg.stack(list, axis as number);
          }
        };
        const r = okOrNamed(call, [op]);
        if (r.ok) checkResult(op, r.value, op === 'concat' || op === 'stack' ? list : [x]);
      },
    );
  });

  it(`gather, takeAlongAxis, clamp and cast with bad indices, bounds and dtypes (${plan('gather, takeAlongAxis, clamp, cast').runs} cases)`, () => {
    const OPS = ['gather', 'takeAlongAxis', 'clamp', 'cast'] as const;
    const bound = fc.oneof(fc.constant(undefined), fc.double(), junk);
    const indices = fc.oneof(
      fc.array(int, { maxLength: 4 }),
      smallShape(0, 3, 0, 3).map((s) => tensorOf(s).detach()),
      junk,
    );
    fuzz(
      plan('gather, takeAlongAxis, clamp, cast'),
      fc.tuple(fc.constantFrom(...OPS), smallShape(0, 3, 1, 3), indices, int, bound, bound),
      ([op, shape, idx, axis, lo, hi]) => {
        const x = tensorOf(shape);
        const call = (): Tensor => {
          switch (op) {
            case 'gather':
              return tg.gather(x, idx as number[], axis as number);
            case 'takeAlongAxis':
              return tg.takeAlongAxis(x, idx as number[], axis as number);
            case 'clamp':
              return tg.clamp(x, lo as number, hi as number);
            default:
              return tg.cast(x, lo as tg.DType);
          }
        };
        const r = okOrNamed(call, [op]);
        if (r.ok) checkResult(op, r.value, [x]);
      },
    );
  });
});
