/**
 * fast-check generators for the op-table tests: small shapes (each dim 1..4), broadcasting pairs,
 * and value domains chosen so that no sample sits on a kink or a tie, where a finite difference
 * would straddle two branches.
 */
import fc from 'fast-check';
import { type Arr, count } from './naive.js';

/** Generates `n` values. */
export type Gen = (n: number) => fc.Arbitrary<number[]>;

const dim = fc.integer({ min: 1, max: 4 });

/** A shape of rank in [minRank, maxRank], each size 1..4. */
export function shapeArb(minRank: number, maxRank: number): fc.Arbitrary<number[]> {
  return fc.integer({ min: minRank, max: maxRank }).chain((r) => fc.array(dim, { minLength: r, maxLength: r }));
}

function doubles(n: number, min: number, max: number): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });
}

function ints(n: number, min: number, max: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n });
}

/** Any moderate real. */
export const real: Gen = (n) => doubles(n, -3, 3);
/** Strictly positive, away from 0 (log, sqrt, pow base, divisors). */
export const positive: Gen = (n) => doubles(n, 0.3, 3);
/** Nonzero with either sign, |x| ≥ 0.3 (divisors). */
export const awayFromZero: Gen = (n) =>
  fc
    .tuple(doubles(n, 0.3, 2), fc.array(fc.boolean(), { minLength: n, maxLength: n }))
    .map(([v, s]) => v.map((x, i) => (s[i] ? -x : x)));
/** Multiples of 0.1 (bounds, one side of maximum/minimum). */
export const intGrid: Gen = (n) => ints(n, -20, 20).map((a) => a.map((k) => k / 10));
/** Odd multiples of 0.05: never 0 and at least 0.05 from every value of {@link intGrid}. */
export const halfGrid: Gen = (n) => ints(n, -20, 19).map((a) => a.map((k) => (k + 0.5) / 10));
/** Pairwise distinct multiples of 0.1, so max/min have no ties. */
export const distinct: Gen = (n) =>
  fc.uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: n, maxLength: n }).map((a) => a.map((k) => k / 10));
/** Halves in [0, 3], 0 included: pow bases at 0 (not below, where aᵇ⁺ᵉ is NaN for a finite difference in b). */
export const halvesFromZero: Gen = (n) => ints(n, 0, 6).map((a) => a.map((k) => k / 2));
/** Halves in [−3, 3], 0 included. */
export const halves: Gen = (n) => ints(n, -6, 6).map((a) => a.map((k) => k / 2));
/** Integer exponents 2 or 3: aᵇ stays real and smooth through a = 0. */
export const twoOrThree: Gen = (n) => ints(n, 2, 3);
/** All zeros (an exponent of 0). */
export const zero: Gen = (n) => fc.constant(new Array<number>(n).fill(0));
/** 0/1 masks. */
export const mask: Gen = (n) => ints(n, 0, 1);

/** An array of `shape` with values from `gen`. */
export function arr(shape: readonly number[], gen: Gen): fc.Arbitrary<Arr> {
  return gen(count(shape)).map((data) => ({ shape: [...shape], data }));
}

/** A shape that broadcasts to `out`: some leading dims dropped, some sizes set to 1. */
export function broadcastVariant(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** Operands that broadcast together: one value generator per operand. */
export function broadcastOperands(...gens: Gen[]): fc.Arbitrary<Arr[]> {
  return shapeArb(0, 3).chain((out) => fc.tuple(...gens.map((g) => broadcastVariant(out).chain((s) => arr(s, g)))));
}

/** An axis option for a tensor of rank r: undefined, one axis, or a list (negatives included). */
export function axisOption(r: number): fc.Arbitrary<number | number[] | undefined> {
  if (r === 0) return fc.constantFrom<number[] | undefined>(undefined, []);
  const axes = Array.from({ length: r }, (_, i) => i);
  return fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: -r, max: r - 1 }),
    fc
      .subarray(axes)
      .chain((sub) =>
        fc
          .array(fc.boolean(), { minLength: sub.length, maxLength: sub.length })
          .map((neg) => sub.map((a, i) => (neg[i] ? a - r : a))),
      ),
  );
}

/** Operands of matmul: 1-D·1-D, 1-D·2-D, 2-D·1-D, 2-D·2-D and N-D with broadcast batch dims. */
export const matmulOperands: fc.Arbitrary<Arr[]> = fc
  .tuple(dim, dim, dim, fc.constantFrom('vv', 'vm', 'mv', 'mm', 'batched'), shapeArb(0, 2))
  .chain(([m, k, n, kind, batch]) => {
    const left = kind === 'vv' || kind === 'vm' ? [k] : [m, k];
    const right = kind === 'vv' || kind === 'mv' ? [k] : [k, n];
    if (kind !== 'batched') return fc.tuple(arr(left, real), arr(right, real));
    return fc
      .tuple(broadcastVariant(batch), broadcastVariant(batch), fc.boolean())
      .chain(([ba, bb, vecRight]) => fc.tuple(arr([...ba, m, k], real), arr(vecRight ? [k] : [...bb, k, n], real)));
  });
