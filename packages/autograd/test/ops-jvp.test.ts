/**
 * Forward mode over the whole op table (the same rows as ops-table.test.ts, keyed by OpName): every
 * op's jvp rule against central finite differences along a random direction, and against its vjp
 * through the transposition identity ⟨u, J v⟩ = ⟨Jᵀ u, v⟩, over fast-check shapes with
 * broadcasting and size-1 dimensions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Tensor, allclose, centralDifference, gradients, jvp, tensor, zerosLike } from '@tapegrad/autograd';
import type { Arr } from './support/naive.js';
import { count } from './support/naive.js';
import { cases } from './support/op-cases.js';

const NUM_RUNS = 40;
const SEED = Number(process.env.FC_SEED ?? 0x1f0d);

function toTensor(a: Arr): Tensor {
  return tensor([...a.data], { shape: [...a.shape] });
}

/** A deterministic pseudo-random array of `shape` in [−1, 1), from a fast-check-chosen seed. */
function direction(shape: readonly number[], seed: number): Tensor {
  let s = seed >>> 0 || 1;
  const data = Array.from({ length: count(shape) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
  return tensor(data, { shape: [...shape] });
}

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
  /**
   * The op as a function of its differentiable inputs only; the others (a where mask, a pinned
   * exponent) stay constants, as they would be in a user's function.
   */
  const setup = (inputs: Arr[], params: unknown) => {
    const all = inputs.map(toTensor);
    const which = all.map((_, i) => c.diff?.[i] ?? true);
    const xs = all.filter((_, i) => which[i]);
    const f = (...ys: Tensor[]): Tensor => {
      let k = 0;
      return c.run(params, ...all.map((x, i) => (which[i] ? ys[k++]! : x)));
    };
    return { xs, f };
  };
  const tangentsFor = (xs: Tensor[], seed: number): Tensor[] => xs.map((x, i) => direction(x.shape, seed + 7919 * i));

  // One input moves at a time: the jvp is linear in the tangents, and moving several inputs at once
  // can leave an op's domain (pow at base 0 with a moving exponent) where each alone cannot.
  it('jvp matches central finite differences along a random direction, input by input', () => {
    fc.assert(
      fc.property(c.sample, fc.integer(), ({ inputs, params }, seed) => {
        const { xs, f } = setup(inputs, params);
        xs.forEach((_, k) => {
          const vs = xs.map((x, i) => (i === k ? direction(x.shape, seed + 7919 * i) : zerosLike(x)));
          const [out, tangent] = jvp(f, xs, vs);
          expect(tangent.shape).toEqual(out.shape);
          expect(tangent.dtype).toBe(out.dtype);
          const numeric = centralDifference(
            (h) => f(...xs.map((x, i) => (i === k ? x.add(vs[i]!.mul(h)) : x))).data,
            1e-6,
          );
          const r = allclose(tangent.data, numeric, { atol: 1e-5, rtol: 1e-3 });
          if (!r.passed)
            throw new Error(`${c.name} jvp for input ${k} vs finite differences, worst: ${JSON.stringify(r.worst)}`);
        });
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });

  it('jvp is the transpose of the vjp: ⟨u, J v⟩ = ⟨Jᵀ u, v⟩', () => {
    fc.assert(
      fc.property(c.sample, fc.integer(), fc.integer(), ({ inputs, params }, su, sv) => {
        const { xs, f } = setup(inputs, params);
        const vs = tangentsFor(xs, sv);
        const [, jv] = jvp(f, xs, vs);
        const leaves = xs.map((x) => tensor([...x.data], { shape: [...x.shape], requiresGrad: true }));
        const out = f(...leaves);
        const u = direction(out.shape, su);
        const jtu = gradients(out, leaves, { gradOutputs: [u], allowUnused: true });
        const left = dot(u, jv);
        let right = 0;
        jtu.forEach((g, k) => {
          if (g) right += dot(g, vs[k]!);
        });
        expect(Math.abs(left - right), `⟨u, Jv⟩ = ${left}, ⟨Jᵀu, v⟩ = ${right}`).toBeLessThanOrEqual(
          1e-10 * (1 + Math.abs(left)),
        );
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });
});
