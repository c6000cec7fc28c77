/** clipGradNorm and clipGradValue against hand-worked norms. */
import { describe, expect, it } from 'vitest';
import { ArgumentError, tensor } from '@tapegrad/autograd';
import { clipGradNorm, clipGradValue, Parameter } from '@tapegrad/nn';

function withGrads(...grads: (number[] | null)[]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(tensor(g ?? [0]));
    p.grad = g === null ? null : tensor(g);
    return p;
  });
}

describe('clipGradNorm', () => {
  it('returns the total 2-norm over all parameters and scales by maxNorm / (norm + 1e-6)', () => {
    const ps = withGrads([3, 0], [0, 4], null);
    expect(clipGradNorm(ps, 1)).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([3 * c, 0]);
    expect(Array.from(ps[1]!.grad!.data)).toEqual([0, 4 * c]);
    expect(ps[2]!.grad).toBeNull();
  });

  it('leaves gradients under the limit alone', () => {
    const ps = withGrads([3, 4]);
    const before = ps[0]!.grad;
    expect(clipGradNorm(ps, 10)).toBe(5);
    expect(ps[0]!.grad).toBe(before);
  });

  it('supports other p-norms and the max norm', () => {
    expect(clipGradNorm(withGrads([3, -4]), 100, { normType: 1 })).toBeCloseTo(7, 15);
    expect(clipGradNorm(withGrads([3, -4], [1]), 100, { normType: Infinity })).toBe(4);
    expect(clipGradNorm(withGrads([1, 1]), 100, { normType: 3 })).toBeCloseTo(2 ** (1 / 3), 15);
  });

  it('does not overflow for large gradients', () => {
    expect(clipGradNorm(withGrads([3e200, 4e200]), 1)).toBeCloseTo(5e200, -186);
  });

  it('refuses a non-finite norm unless asked not to, then leaves the gradients as they were', () => {
    expect(() => clipGradNorm(withGrads([1, NaN]), 1)).toThrow(/total 2-norm of the gradients is NaN/);
    const ps = withGrads([Infinity, 1]);
    expect(clipGradNorm(ps, 1, { errorIfNonfinite: false })).toBe(Infinity);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([Infinity, 1]);
  });

  it('refuses bad arguments by name', () => {
    expect(() => clipGradNorm(withGrads([1]), 0)).toThrow(/clipGradNorm: maxNorm must be a finite number > 0/);
    expect(() => clipGradNorm(withGrads([1]), 1, { norm_type: 1 } as never)).toThrow(/did you mean 'normType'/);
    expect(() => clipGradNorm(42 as never, 1)).toThrow(ArgumentError);
  });
});

describe('clipGradValue', () => {
  it('clamps each element to [−c, c]', () => {
    const ps = withGrads([-3, 0.5, 2]);
    clipGradValue(ps, 1);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue(ps, -1)).toThrow(/clipValue must be a finite number > 0/);
  });
});
