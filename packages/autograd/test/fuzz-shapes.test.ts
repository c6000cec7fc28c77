/**
 * Fuzzing every shape-taking op with mismatched shapes, bad axes, incompatible reshapes and junk
 * arguments. Where an oracle is cheap (broadcasting, matmul, reshape) it decides whether the call
 * must succeed, and with which shape; otherwise the call must succeed or throw a named error that
 * names the op. Never a raw TypeError/RangeError.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { ShapeError, Tensor } from '@tapegrad/autograd';
import {
  badNumber,
  broadcastOracle,
  check,
  count,
  expectNamedError,
  fmt,
  fuzz,
  junk,
  okOrNamed,
  sameShape,
  smallShape,
} from '../../../test-support/fuzz.js';
import { plan } from '../../../test-support/fuzz-budget.js';

const dtype = fc.constantFrom<tg.DType>('float64', 'float32');
const tensorOf = (shape: readonly number[], dt: tg.DType = 'float64', requiresGrad = false): Tensor =>
  tg.tensor(
    Float64Array.from({ length: count(shape) }, (_, i) => (i % 7) - 3),
    { shape: [...shape], dtype: dt, requiresGrad },
  );
const axisArg = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 2, arbitrary: badNumber },
  { weight: 1, arbitrary: junk },
);

const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

describe('fuzz: shapes', () => {
  it(`binary ops on mismatched shapes, mixed dtypes and junk operands (${plan('binary ops: broadcasting and operand types').runs} cases)`, () => {
    const operand = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .tuple(smallShape(0, 3, 1, 3), dtype)
          .map(([s, d]) => ({ kind: 'tensor' as const, shape: s, dtype: d })),
      },
      { weight: 1, arbitrary: fc.double().map((v) => ({ kind: 'number' as const, v })) },
      { weight: 1, arbitrary: junk.map((v) => ({ kind: 'junk' as const, v })) },
    );
    fuzz(
      plan('binary ops: broadcasting and operand types'),
      fc.tuple(fc.constantFrom(...BINARY), operand, operand, fc.boolean()),
      ([op, a, b, grad]) => {
        const make = (o: typeof a): unknown => (o.kind === 'tensor' ? tensorOf(o.shape, o.dtype, grad) : o.v);
        const fn = tg[op] as (x: unknown, y: unknown) => Tensor;
        if (a.kind === 'junk' || b.kind === 'junk' || (a.kind === 'number' && b.kind === 'number')) {
          expectNamedError(() => fn(make(a), make(b)), tg.ArgumentError, [op]);
          return;
        }
        const sa = a.kind === 'tensor' ? a.shape : [];
        const sb = b.kind === 'tensor' ? b.shape : [];
        const expected = broadcastOracle(sa, sb);
        if (expected === null) {
          expectNamedError(() => fn(make(a), make(b)), ShapeError, [op, fmt(sa), fmt(sb)]);
          return;
        }
        const out = fn(make(a), make(b));
        check(
          sameShape(out.shape, expected),
          () => `${op}: ${fmt(sa)} with ${fmt(sb)} gave ${fmt(out.shape)}, expected ${fmt(expected)}`,
        );
        const dts = [a, b].flatMap((o) => (o.kind === 'tensor' ? [o.dtype] : []));
        const want = dts.includes('float64') ? 'float64' : 'float32';
        check(out.dtype === want, () => `${op}: dtype ${out.dtype}, expected ${want}`);
        if (out.requiresGrad) {
          const gs = tg.gradients(
            out.sum(),
            [make(a), make(b)].filter((t): t is Tensor => t instanceof Tensor && t.requiresGrad),
            { allowUnused: true },
          );
          check(
            gs.every((g) => g === null || !g.data.some(Number.isNaN)),
            () => `${op}: NaN gradient for finite operands`,
          );
        }
      },
    );
  });

  it(`matmul on random shapes and transposes (${plan('matmul: shapes and transposes').runs} cases)`, () => {
    const opts = fc.record({ transposeA: fc.boolean(), transposeB: fc.boolean() });
    fuzz(
      plan('matmul: shapes and transposes'),
      fc.tuple(smallShape(0, 4, 1, 3), smallShape(0, 4, 1, 3), opts, fc.boolean()),
      ([sa, sb, o, grad]) => {
        const expected = matmulOracle(sa, sb, o.transposeA, o.transposeB);
        const call = (): Tensor => tg.matmul(tensorOf(sa, 'float64', grad), tensorOf(sb), o);
        if (expected === null) {
          // Inner-size and batch errors alike name both operand shapes.
          const e = expectNamedError(call, ShapeError, ['matmul']);
          check(
            e.message.includes(fmt(sa)) && e.message.includes(fmt(sb)),
            () => `matmul message lacks the shapes: ${e.message}`,
          );
          return;
        }
        const out = call();
        check(
          sameShape(out.shape, expected),
          () => `matmul ${fmt(sa)} @ ${fmt(sb)} ${JSON.stringify(o)} gave ${fmt(out.shape)}, expected ${fmt(expected)}`,
        );
        if (grad) out.sum().backward();
      },
    );
  });

  it('matmul batch mismatch names both operand shapes', () => {
    expectNamedError(() => tg.matmul(tg.zeros([2, 3, 1]), tg.zeros([3, 1, 3])), ShapeError, [
      'matmul',
      '[2, 3, 1]',
      '[3, 1, 3]',
    ]);
  });

  it('matmul refuses an output too large to allocate before allocating it', () => {
    expectNamedError(() => tg.matmul(tg.zeros([100_000, 1]), tg.zeros([1, 100_000])), tg.ArgumentError, [
      'matmul',
      '[100000, 100000]',
    ]);
  });

  it(`reshape and broadcastTo with incompatible, negative, fractional or junk sizes (${plan('reshape and broadcastTo').runs} cases)`, () => {
    const size = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -1, max: 4 }) },
      { weight: 1, arbitrary: badNumber },
      { weight: 1, arbitrary: junk },
    );
    const target = fc.oneof({ weight: 9, arbitrary: fc.array(size, { maxLength: 4 }) }, { weight: 1, arbitrary: junk });
    fuzz(
      plan('reshape and broadcastTo'),
      fc.tuple(fc.boolean(), smallShape(0, 3, 0, 3), target),
      ([isReshape, shape, to]) => {
        const x = tensorOf(shape, 'float64', true);
        if (isReshape) {
          const expected = reshapeOracle(count(shape), to);
          const r = okOrNamed(() => tg.reshape(x, to as number[]), ['reshape']);
          check(
            r.ok === (expected !== null),
            () =>
              `reshape ${fmt(shape)} → ${String(to)}: ${r.ok ? 'succeeded' : 'threw'}, oracle says ${String(expected)}`,
          );
          if (r.ok)
            check(
              sameShape(r.value.shape, expected!),
              () => `reshape gave ${fmt(r.value.shape)}, expected ${fmt(expected!)}`,
            );
        } else {
          const valid =
            Array.isArray(to) &&
            to.every((d) => Number.isInteger(d) && d >= 0) &&
            broadcastOracle(shape, to as number[]) !== null &&
            sameShape(broadcastOracle(shape, to as number[])!, to as number[]);
          const r = okOrNamed(() => tg.broadcastTo(x, to as number[]), ['broadcastTo']);
          check(
            r.ok === valid,
            () =>
              `broadcastTo ${fmt(shape)} → ${String(to)}: ${r.ok ? 'succeeded' : `threw ${!r.ok && r.error.message}`}, expected ${valid ? 'success' : 'an error'}`,
          );
          if (r.ok) r.value.sum().backward();
        }
      },
    );
  });

  it(`reductions and softmax family with invalid axes (${plan('reductions and softmax: axes').runs} cases)`, () => {
    const OPS = ['sum', 'mean', 'max', 'min', 'logsumexp', 'softmax', 'logSoftmax', 'argmax', 'argmin'] as const;
    const axisOpt = fc.oneof(fc.constant(undefined), axisArg, fc.array(axisArg, { maxLength: 3 }));
    fuzz(
      plan('reductions and softmax: axes'),
      fc.tuple(fc.constantFrom(...OPS), smallShape(0, 3, 0, 3), axisOpt, fc.boolean()),
      ([op, shape, axis, keepdims]) => {
        const x = tensorOf(shape, 'float64', true);
        const fn = tg[op] as (t: Tensor, o: object) => Tensor;
        const r = okOrNamed(() => fn(x, { axis, keepdims }), [op]);
        if (!r.ok) {
          check(
            r.error instanceof ShapeError || r.error instanceof tg.ArgumentError,
            () => `${op}: unexpected ${r.error.constructor.name}`,
          );
          return;
        }
        const y = r.value;
        // Finite input must give a finite value (empty reductions are refused, or exact: sum = 0, lse = −∞).
        const finite = y.data.every((v) => Number.isFinite(v) || (op === 'logsumexp' && v === -Infinity));
        check(finite, () => `${op} over ${String(axis)} of ${fmt(shape)} gave non-finite ${Array.from(y.data)}`);
        if (y.requiresGrad && y.size > 0) {
          const g = tg.gradients(y.sum(), x)!;
          check(!g.data.some(Number.isNaN), () => `${op}: NaN gradient`);
        }
      },
    );
  });
});

/** NumPy matmul result shape with optional transposes of the last two dims, or null if invalid. */
function matmulOracle(a: readonly number[], b: readonly number[], ta: boolean, tb: boolean): number[] | null {
  if (a.length === 0 || b.length === 0) return null;
  const A = a.length === 1 ? [1, a[0]!] : ta ? [...a.slice(0, -2), a.at(-1)!, a.at(-2)!] : [...a];
  const B = b.length === 1 ? [b[0]!, 1] : tb ? [...b.slice(0, -2), b.at(-1)!, b.at(-2)!] : [...b];
  if (A.at(-1) !== B.at(-2)) return null;
  const batch = broadcastOracle(A.slice(0, -2), B.slice(0, -2));
  if (batch === null) return null;
  const out = [...batch, ...(a.length === 1 ? [] : [A.at(-2)!]), ...(b.length === 1 ? [] : [B.at(-1)!])];
  return out;
}

/** reshape's result shape (one −1 inferred), or null when the target is invalid or incompatible. */
function reshapeOracle(size: number, to: unknown): number[] | null {
  if (!Array.isArray(to)) return null;
  if (!to.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= -1)) return null;
  const infer = to.filter((d) => d === -1).length;
  if (infer > 1) return null;
  const known = to.reduce((n: number, d: number) => (d === -1 ? n : n * d), 1);
  if (infer === 0) return known === size ? [...to] : null;
  if (known === 0 || size % known !== 0) return null;
  return to.map((d: number) => (d === -1 ? size / known : d));
}
