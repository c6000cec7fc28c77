/** The wording of the errors the fuzzers meet most often, pinned with inline snapshots. */
import { describe, expect, it } from 'vitest';
import * as tg from '@tapegrad/autograd';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('most common error messages', () => {
  const x = tg.zeros([2, 3], { requiresGrad: true });
  it('broadcasting', () =>
    expect(message(() => tg.add(x, tg.zeros([3, 2])))).toMatchInlineSnapshot(
      `"ShapeError: add: shapes [2, 3] and [3, 2] cannot be broadcast together (dimension -2 is 2 vs 3); sizes must match or be 1 when aligned from the right."`,
    ));
  it('matmul inner size', () =>
    expect(message(() => tg.matmul(x, tg.zeros([2, 3])))).toMatchInlineSnapshot(
      `"ShapeError: matmul: inner dimensions differ: [2, 3] @ [2, 3] needs the inner size of the left operand (3) to equal that of the right (2). Did you mean to transpose one of them?"`,
    ));
  it('reshape', () =>
    expect(message(() => tg.reshape(x, [4, -1]))).toMatchInlineSnapshot(
      `"ShapeError: reshape: cannot reshape [2, 3] (6 elements) to [4, -1]: 6 is not divisible by 4."`,
    ));
  it('axis', () =>
    expect(message(() => tg.sum(x, { axis: 2 }))).toMatchInlineSnapshot(
      `"ShapeError: sum: axis 2 is out of range for a tensor with 2 dimension(s); use an integer in [-2, 1]."`,
    ));
  it('ragged', () =>
    expect(message(() => tg.tensor([[1, 2], [3]]))).toMatchInlineSnapshot(
      `"ShapeError: tensor: ragged nested array: the list at index [1] has 1 elements, but its siblings have 2 (inferred shape [2, 2]). Every row must have the same length."`,
    ));
  it('too large', () =>
    expect(message(() => tg.zeros([1e6, 1e6]))).toMatchInlineSnapshot(
      `"ArgumentError: zeros: shape [1000000, 1000000] holds 1000000000000 elements, too large to allocate (the limit is 4294967295)."`,
    ));
  it('non-scalar backward', () =>
    expect(message(() => x.mul(2).backward())).toMatchInlineSnapshot(
      `"GradError: backward: output 0 has shape [2, 3], so a gradient can only be implicit for one-element outputs. Reduce it first (e.g. loss.sum() or loss.mean()), pass a seed gradient of shape [2, 3], or compute a Jacobian row by row."`,
    ));
  it('released tape', () => {
    const y = x.mul(2).sum();
    y.backward();
    // Node ids are process-wide, so they depend on what ran before: pin the id separately (it is
    // y's node) and snapshot the wording with a placeholder.
    const text = message(() => y.backward());
    expect(text).toContain(`(node ${y.gradFn!.id})`);
    expect(text.replace(/\(node \d+\)/, '(node N)')).toMatchInlineSnapshot(
      `"GradError: backward: the tape through 'sum' (node N) was already released by an earlier backward pass. Pass {retainGraph: true} to the earlier backward()/gradients() call to go through the graph more than once."`,
    );
  });
});
