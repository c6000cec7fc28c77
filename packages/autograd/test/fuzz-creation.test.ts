/**
 * Fuzzing the creation functions with what strangers pass: ragged and junk-filled nested arrays,
 * bad shapes (negative, fractional, non-finite, astronomically large), unknown dtypes. Every case
 * either builds the tensor an oracle predicts or throws a named error naming the function.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { ArgumentError, DTypeError, Rng, Tensor, TapegradError } from '@tapegrad/autograd';
import {
  badNumber,
  check,
  count,
  expectNamedError,
  fuzz,
  junk,
  okOrNamed,
  sameShape,
} from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

/** Nested arrays up to depth 3, rectangular or not, with mostly numbers and some junk leaves. */
const leaf = fc.oneof(
  { weight: 8, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: junk },
);
const nested: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 3 })),
})).node;

/** A rectangular nested array of a random small shape (so valid inputs are well represented). */
const rectangular = fc
  .array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })
  .chain((shape) =>
    fc.array(fc.double(), { minLength: count(shape), maxLength: count(shape) }).map((flat) => nest(flat, shape)),
  );

function nest(flat: number[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  let k = 0;
  const build = (d: number): unknown[] =>
    Array.from({ length: shape[d]! }, () => (d === shape.length - 1 ? flat[k++] : build(d + 1)));
  return build(0);
}

/** The shape `tensor()` must infer, or null when the input is ragged or holds a non-number. */
function oracleShape(data: unknown): number[] | null {
  const shape: number[] = [];
  for (let level = data; Array.isArray(level); level = level[0]) shape.push(level.length);
  const ok = (v: unknown, d: number): boolean => {
    if (d === shape.length) return typeof v === 'number' || typeof v === 'boolean';
    return Array.isArray(v) && v.length === shape[d] && v.every((c) => ok(c, d + 1));
  };
  return ok(data, 0) ? shape : null;
}

const dtypeArg = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(undefined, 'float64', 'float32') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('int32', 'float16', 'Float64', ''), junk) },
);

describe('fuzz: creation', () => {
  it(`tensor() on nested arrays, ragged or with junk (${plan('tensor: nested arrays, ragged and junk').runs} cases)`, () => {
    fuzz(
      plan('tensor: nested arrays, ragged and junk'),
      fc.tuple(fc.oneof(nested, rectangular), dtypeArg),
      ([data, dtype]) => {
        const expected = oracleShape(data);
        const validDtype = dtype === undefined || dtype === 'float64' || dtype === 'float32';
        const r = okOrNamed(
          () => tg.tensor(data as tg.NestedArray, dtype === undefined ? {} : { dtype: dtype as tg.DType }),
          ['tensor'],
        );
        if (expected !== null && validDtype) {
          check(
            r.ok,
            () => `tensor(${String(data)}) should succeed with shape [${expected}], threw ${!r.ok && r.error.message}`,
          );
          const t = (r as { value: Tensor }).value;
          check(
            sameShape(t.shape, expected),
            () => `tensor inferred ${JSON.stringify(t.shape)} instead of ${JSON.stringify(expected)}`,
          );
          check(t.dtype === (dtype ?? 'float64'), () => `dtype ${t.dtype} instead of ${String(dtype)}`);
        } else {
          check(!r.ok, () => `tensor() accepted invalid input ${String(data)} (dtype ${String(dtype)})`);
          if (!validDtype && expected !== null)
            check(r.ok === false && r.error instanceof DTypeError, () => 'an unknown dtype must be a DTypeError');
        }
      },
    );
  });

  it(`zeros/ones/full/eye/arange/rand/randn with bad sizes and dtypes (${plan('creation: sizes and dtypes').runs} cases)`, () => {
    const size = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
      { weight: 2, arbitrary: badNumber },
      { weight: 1, arbitrary: junk },
      {
        weight: 1,
        arbitrary: fc.constantFrom(2 ** 33, 1e12, 2 ** 40), // each alone is past the allocation limit
      },
    );
    const shapeArg = fc.oneof(
      { weight: 8, arbitrary: fc.array(size, { maxLength: 4 }) },
      { weight: 1, arbitrary: junk },
    );
    const fn = fc.constantFrom('zeros', 'ones', 'full', 'eye', 'arange', 'rand', 'randn', 'tensorWithShape');
    fuzz(
      plan('creation: sizes and dtypes'),
      fc.tuple(fn, shapeArg, dtypeArg, fc.oneof(fc.double(), junk)),
      ([name, shape, dtype, value]) => {
        const options = { dtype: dtype as tg.DType, rng: new Rng(1) };
        // Junk in place of the shape array reaches eye/arange as junk sizes.
        const arr = (Array.isArray(shape) ? shape : [shape, shape, shape]) as number[];
        const shapeOrJunk = shape as number[];
        const call = (): Tensor => {
          switch (name) {
            case 'zeros':
              return tg.zeros(shapeOrJunk, options);
            case 'ones':
              return tg.ones(shapeOrJunk, options);
            case 'full':
              return tg.full(shapeOrJunk, value as number, options);
            case 'eye':
              return tg.eye(arr[0] as number, arr[1] as number, options);
            case 'arange':
              return tg.arange(arr[0] as number, arr[1] as number, arr[2] as number, options);
            case 'rand':
              return tg.rand(shapeOrJunk, options);
            case 'randn':
              return tg.randn(shapeOrJunk, options);
            default:
              return tg.tensor(new Float64Array(4), { shape: shapeOrJunk, dtype: dtype as tg.DType });
          }
        };
        const r = okOrNamed(call, [name === 'tensorWithShape' ? 'tensor' : name]);
        if (!r.ok) return;
        const t = r.value;
        // Whatever succeeded must be a well-formed, small tensor: valid sizes that multiply to .size.
        check(
          t.shape.every((d) => Number.isInteger(d) && d >= 0) && count(t.shape) === t.size && t.data.length === t.size,
          () => `${name} built a malformed tensor of shape ${JSON.stringify(t.shape)}`,
        );
        check(t.size <= 4 ** 4, () => `${name} allocated ${t.size} elements`);
      },
    );
  });

  it('sizes too large to allocate are refused before allocating, naming the function', () => {
    for (const shape of [[2 ** 31, 2 ** 31], [1e6, 1e6], [2 ** 53], [2 ** 33]]) {
      expectNamedError(() => tg.zeros(shape), ArgumentError, ['zeros', 'too large']);
      expectNamedError(() => tg.randn(shape, { rng: new Rng(0) }), ArgumentError, ['randn']);
    }
    expectNamedError(() => tg.arange(0, 1e300), ArgumentError, ['arange']);
    expectNamedError(() => tg.eye(1e6), ArgumentError, ['eye']);
    expectNamedError(() => tg.broadcastTo(tg.zeros([1]), [1e6, 1e6]), TapegradError, ['broadcastTo']);
    expectNamedError(() => tg.pad(tg.zeros([1]), [[0, 1e12]]), TapegradError, ['pad']);
  });
});
