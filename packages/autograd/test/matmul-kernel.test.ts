import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rng,
  Tensor,
  enableGrad,
  gradcheck,
  gradients,
  matmul,
  randn,
  sum,
  tensor,
  type DType,
  type FloatArray,
} from '@tapegrad/autograd';
import { gemm } from '../src/kernels/matmul.js';

/** The textbook triple loop in float64, reading op(A) and op(B) through strides. */
function naive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[transA ? p * m + i : i * k + p]! * b[transB ? j * k + p : p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

function filled(dtype: DType, size: number, rng: Rng): FloatArray {
  const x = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = rng.normal();
  return x;
}

/** |got − want| ≤ tol·(1 + |want|) elementwise, with NaN only where NaN is expected. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(g).toBe(w);
    else if (Math.abs(g - w) > tol * (1 + Math.abs(w))) expect.fail(`element ${i}: got ${g}, want ${w}`);
  }
}

const dims = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 70 }));
const variants = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe('gemm kernel', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [tA, tB] of variants) {
      it(`matches the naive loop: ${dtype}, transA=${tA}, transB=${tB}`, () => {
        fc.assert(
          fc.property(dims, dims, dims, fc.integer({ min: 0, max: 3 }), (m, n, k, seed) => {
            const rng = new Rng(seed + 7 * m + 131 * n + 977 * k);
            const a = filled(dtype, m * k, rng);
            const b = filled(dtype, k * n, rng);
            const c = dtype === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
            gemm(tA, tB, m, n, k, a, 0, b, 0, c, 0);
            expectClose(c, naive(tA, tB, m, n, k, a, b), dtype === 'float64' ? 1e-12 : 1e-5);
          }),
          { numRuns: 40 },
        );
      });
    }
  }

  it('overwrites the output block (never reads it) and respects offsets', () => {
    const rng = new Rng(3);
    const [m, n, k] = [37, 41, 300]; // k > the packing depth, m and n off the 4×4 grid
    const a = filled('float64', 5 + m * k, rng);
    const b = filled('float64', 9 + k * n, rng);
    // Junk in the block (NaN included) must not leak into the product; the cells before it stay.
    const c = new Float64Array(2 + m * n).fill(1);
    c[2] = Number.NaN;
    gemm(false, false, m, n, k, a, 5, b, 9, c, 2);
    expect(c[0]).toBe(1);
    expect(c[1]).toBe(1);
    expectClose(c.subarray(2), naive(false, false, m, n, k, a.subarray(5), b.subarray(9)), 1e-12);
    const empty = new Float64Array(m * n).fill(Number.NaN);
    gemm(false, false, m, n, 0, a, 0, b, 0, empty, 0);
    expect(empty.every((v) => v === 0)).toBe(true);
  });

  it('given a dtype, returns the bits it writes into an array, in a new plain array, for mixed dtypes too', () => {
    fc.assert(
      fc.property(
        dims,
        dims,
        dims,
        fc.constantFrom(...variants),
        fc.constantFrom<[DType, DType]>(['float64', 'float64'], ['float32', 'float32'], ['float32', 'float64']),
        (m, n, k, [tA, tB], [inA, out]) => {
          const rng = new Rng(11 * m + 13 * n + 17 * k);
          const a = filled(inA, m * k, rng);
          const b = filled(out, k * n, rng);
          const want = out === 'float64' ? new Float64Array(m * n) : new Float32Array(m * n);
          gemm(tA, tB, m, n, k, a, 0, b, 0, want, 0);
          const got = gemm(tA, tB, m, n, k, a, 0, b, 0, out);
          expect(got).toBeInstanceOf(out === 'float64' ? Float64Array : Float32Array);
          // A tensor's own storage: not a view into the kernels' shared memory.
          expect(got.buffer).toBeInstanceOf(ArrayBuffer);
          expect(got.byteOffset).toBe(0);
          expect(got.buffer.byteLength).toBe(got.byteLength);
          expect(new Uint8Array(got.buffer)).toEqual(new Uint8Array(want.buffer));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles sizes past the column block (n > 256)', () => {
    const rng = new Rng(4);
    const [m, n, k] = [6, 263, 5];
    const a = filled('float64', m * k, rng);
    const b = filled('float64', k * n, rng);
    const c = new Float64Array(m * n);
    gemm(false, true, m, n, k, a, 0, b, 0, c, 0);
    expectClose(c, naive(false, true, m, n, k, a, b), 1e-12);
  });

  it('propagates NaN and Infinity exactly (0·Infinity is NaN, never skipped)', () => {
    for (const size of [3, 8, 21]) {
      // direct path, packed path, packed with edges
      for (const [tA, tB] of variants) {
        const rng = new Rng(size);
        const a = filled('float64', size * size, rng);
        const b = filled('float64', size * size, rng);
        a[1] = Infinity;
        a[size * 2] = NaN;
        b.fill(0, 0, size); // zeros meet the Infinity: 0·Inf must give NaN
        b[size + 1] = -Infinity;
        const c = new Float64Array(size * size);
        gemm(tA, tB, size, size, size, a, 0, b, 0, c, 0);
        const want = naive(tA, tB, size, size, size, a, b);
        expect(want.some(Number.isNaN)).toBe(true);
        expectClose(c, want, 1e-12);
      }
    }
  });
});

describe('matmul op with the packed kernel', () => {
  it('matches per-matrix products for broadcast batches and every transpose flag', () => {
    const rng = new Rng(11);
    for (const [tA, tB] of variants) {
      const a = randn(tA ? [2, 1, 7, 5] : [2, 1, 5, 7], { rng });
      const b = randn(tB ? [3, 6, 7] : [3, 7, 6], { rng });
      const c = matmul(a, b, { transposeA: tA, transposeB: tB });
      expect(c.shape).toEqual([2, 3, 5, 6]);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const want = naive(
            tA,
            tB,
            5,
            6,
            7,
            a.data.subarray(i * 35, (i + 1) * 35),
            b.data.subarray(j * 42, (j + 1) * 42),
          );
          expectClose(c.data.subarray((i * 3 + j) * 30, (i * 3 + j + 1) * 30), want, 1e-12);
        }
      }
    }
  });

  it('keeps float32 in, float32 out, and widens mixed dtypes', () => {
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float32' },
    );
    const b = tensor([[5], [6]], { dtype: 'float32' });
    expect(matmul(a, b).dtype).toBe('float32');
    expect(matmul(a, b.to('float64')).dtype).toBe('float64');
    expect(matmul(a, b.to('float64')).toArray()).toEqual([[17], [39]]);
  });

  it('handles zero-size dimensions', () => {
    expect(matmul(tensor(new Float64Array(0)).reshape([0, 3]), randn([3, 2], { rng: new Rng(1) })).shape).toEqual([
      0, 2,
    ]);
    const z = matmul(randn([2, 0], { rng: new Rng(1) }), randn([0, 3], { rng: new Rng(2) }));
    expect(z.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('names both shapes when inner sizes differ under a transpose flag', () => {
    const a = randn([2, 3], { rng: new Rng(1) });
    expect(() => matmul(a, a, { transposeB: false })).toThrow(/inner dimensions/);
    expect(matmul(a, a, { transposeB: true }).shape).toEqual([2, 2]);
    expect(matmul(a, a, { transposeA: true }).shape).toEqual([3, 3]);
  });

  for (const [tA, tB] of variants) {
    it(`has correct first and second derivatives: transA=${tA}, transB=${tB}`, () => {
      const rng = new Rng(5);
      const a = randn(tA ? [2, 4, 3] : [2, 3, 4], { rng, requiresGrad: true });
      const b = randn(tB ? [5, 4] : [4, 5], { rng, requiresGrad: true });
      const f = (x: Tensor, y: Tensor): Tensor => matmul(x, y, { transposeA: tA, transposeB: tB }).sigmoid().sum();
      expect(gradcheck(f, [a, b]).passed).toBe(true);
      // Second order: differentiate a scalar of the (recorded) gradients again.
      // gradcheck's numeric pass runs under noGrad on plain copies: re-enable recording and
      // make those copies leaves that require grad, so gradients() has something to follow.
      const leaf = (t: Tensor): Tensor => (t.requiresGrad ? t : Object.assign(t.detach(), { requiresGrad: true }));
      const gg = (x: Tensor, y: Tensor): Tensor =>
        enableGrad(() => {
          const [xs, ys] = [leaf(x), leaf(y)];
          const [dx, dy] = gradients(f(xs, ys), [xs, ys], { createGraph: true }) as [Tensor, Tensor];
          return sum(dx.mul(dx)).add(sum(dy.mul(dy.sigmoid())));
        });
      expect(gradcheck(gg, [a, b]).passed).toBe(true);
    });
  }
});
