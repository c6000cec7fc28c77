/**
 * Fuzzing the numerically stable ops with extreme and non-finite data (the whole double range,
 * ±Infinity, lanes of equal infinities): NaN may only come out where NaN went in, in the value
 * and in the gradient. Exact values at ±50, ±800 and ±Infinity are in numerics.test.ts.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { Tensor } from '@tapegrad/autograd';
import { check, count, fuzz, smallShape } from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const OPS = ['sigmoid', 'softplus', 'tanh', 'relu', 'abs', 'logsumexp', 'softmax', 'logSoftmax'] as const;
const extreme = fc.oneof(
  { weight: 3, arbitrary: fc.double({ noNaN: true }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(50, -50, 800, -800, Infinity, -Infinity, 0, -0, Number.MAX_VALUE, -Number.MAX_VALUE),
  },
  { weight: 1, arbitrary: fc.double({ min: -5, max: 5, noNaN: true }) },
);
/** Ops whose value is bounded for every input without NaN. */
const BOUNDED = new Set(['sigmoid', 'tanh', 'softmax']);

describe('fuzz: numerics at the edges', () => {
  it(`stable ops give no NaN for inputs without NaN, in value or gradient (${plan('stable ops: extreme and non-finite data').runs} cases)`, () => {
    fuzz(
      plan('stable ops: extreme and non-finite data'),
      fc
        .tuple(fc.constantFrom(...OPS), smallShape(1, 2, 1, 3), fc.constantFrom<tg.DType>('float64', 'float32'))
        .chain(([op, shape, dtype]) =>
          fc.tuple(
            fc.constant(op),
            fc.constant(shape),
            fc.constant(dtype),
            fc.array(extreme, { minLength: count(shape), maxLength: count(shape) }),
          ),
        ),
      ([op, shape, dtype, values]) => {
        const x = tg.tensor(Float64Array.from(values), { shape, dtype, requiresGrad: true });
        const y = (tg[op] as (t: Tensor) => Tensor)(x);
        const where = `${op}(${JSON.stringify(values.map(String))}, ${dtype})`;
        check(!y.data.some(Number.isNaN), () => `${where} gave NaN: ${Array.from(y.data)}`);
        if (BOUNDED.has(op)) check(y.data.every(Number.isFinite), () => `${where} gave a non-finite value`);
        if (values.every(Number.isFinite) && op !== 'logSoftmax') {
          // logSoftmax alone may round to −Infinity: x − max(x) can exceed the double range.
          check(
            y.data.every(Number.isFinite) || dtype === 'float32',
            () => `${where} gave a non-finite value for finite input`,
          );
        }
        // A random finite seed (mixing signs) exercises every vjp term, not only the all-ones seed.
        const seed = tg.tensor(
          Float64Array.from({ length: y.size }, (_, i) => (i % 2 ? -0.5 : 1.25)),
          { shape: [...y.shape], dtype },
        );
        const g = tg.gradients(y, [x], { gradOutputs: [seed] })[0]!;
        check(!g.data.some(Number.isNaN), () => `${where}: NaN gradient ${Array.from(g.data)}`);
      },
    );
  });
});
