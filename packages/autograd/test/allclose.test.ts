import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, allclose, centralDifference, isClose, tensor } from '@tapegrad/autograd';

describe('allclose', () => {
  it('passes within atol + rtol·|expected| and reports the element furthest beyond its tolerance', () => {
    // tolerances: 0.1 + 0.1·|e| = 0.2, 1.1, 0.2; errors 0.15, 0.5, 0.19
    const r = allclose([1.15, 10.5, -1.19], [1, 10, -1], { atol: 0.1, rtol: 0.1 });
    expect(r.passed).toBe(true);
    expect(r.worst).toEqual({
      index: 2,
      actual: -1.19,
      expected: -1,
      absError: 0.18999999999999995,
      relError: 0.18999999999999995,
    });
  });

  it('fails on one element past its tolerance, and on NaN', () => {
    expect(allclose([1, 2.4], [1, 2], { atol: 0.1, rtol: 0.1 }).passed).toBe(false);
    const nan = allclose(tensor([1, NaN]), tensor([1, 1]));
    expect(nan.passed).toBe(false);
    expect(nan.worst!.index).toBe(1);
    expect(isClose(NaN, NaN, 1, 1)).toBe(false);
  });

  it('refuses different shapes, unknown options and negative tolerances', () => {
    expect(() => allclose(tensor([1, 2]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => allclose([1], [1, 2])).toThrow(ShapeError);
    expect(() => allclose([1], [1], { tol: 1 } as never)).toThrow(ArgumentError);
    expect(() => allclose([1], [1], { atol: -1 })).toThrow(ArgumentError);
  });

  it('has no worst element for empty inputs', () => {
    expect(allclose([], [])).toEqual({ passed: true, worst: null });
  });
});

describe('centralDifference', () => {
  it('is exact for quadratics, per element for arrays', () => {
    // (f(h) − f(−h)) / 2h of (x + h)² at x = 3 is 2x = 6 with no truncation error
    expect(centralDifference((h) => (3 + h) ** 2, 0.5)).toBe(6);
    expect(Array.from(centralDifference((h) => [(1 + h) ** 2, 5 * h], 0.25))).toEqual([2, 5]);
  });

  it('refuses a function whose two evaluations do not match', () => {
    expect(() => centralDifference((h) => (h > 0 ? [1, 2] : [1]), 0.1)).toThrow(ArgumentError);
  });
});
