/**
 * The performance fast paths must compute exactly what the general code computes: per-op loops
 * against a naive broadcasting reference, collapsed reductions against a naive fold, the fused
 * sigmoid vjp against its composite form, and the engine's lean bookkeeping (walk marks, lazy
 * version counters, shared frozen shapes) against the behaviour users rely on.
 */
import { describe, expect, it } from 'vitest';
import {
  GradError,
  Rng,
  Tensor,
  add,
  defineOp,
  div,
  enableGrad,
  eq,
  ge,
  gradients,
  gt,
  le,
  logSoftmax,
  logsumexp,
  lt,
  max,
  maximum,
  min,
  minimum,
  mul,
  ne,
  pow,
  randn,
  reshape,
  sigmoid,
  softmax,
  sub,
  sum,
  tensor,
  where,
  type DType,
} from '@tapegrad/autograd';

/** Naive NumPy broadcasting: each output index mapped to each operand by explicit index math. */
function reference(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const nd = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]) => [...new Array<number>(nd - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((d, i) => (d === 1 ? sb[i]! : d));
  const size = shape.reduce((p, d) => p * d, 1);
  const data: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let ia = 0;
    let ib = 0;
    let strideA = 1;
    let strideB = 1;
    for (let d = nd - 1; d >= 0; d--) {
      const k = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      if (sa[d] !== 1) ia += k * strideA;
      if (sb[d] !== 1) ib += k * strideB;
      strideA *= sa[d]!;
      strideB *= sb[d]!;
    }
    data.push(f(a.data[ia]!, b.data[ib]!));
  }
  return { shape, data };
}

const rng = new Rng(5);
const PAIRS: [number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
  ], // same shape
  [[3, 4], []],
  [[], [3, 4]],
  [[3, 4], [1]], // scalar operands
  [[5, 4], [4]],
  [[4], [5, 4]],
  [
    [2, 5, 4],
    [1, 4],
  ],
  [
    [2, 5, 4],
    [5, 4],
  ], // repeated blocks (bias add)
  [
    [5, 1],
    [5, 4],
  ],
  [
    [5, 4],
    [5, 1],
  ],
  [
    [5, 1],
    [1, 4],
  ],
  [
    [2, 1, 3],
    [4, 3],
  ],
  [
    [2, 3, 1],
    [1, 1, 4],
  ], // general walk
  [[0, 4], [4]],
  [[3, 0], []], // empty
];
const OPS: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['pow', (a, b) => pow(a.abs(), b), (x, y) => Math.pow(Math.abs(x), y)],
  ['maximum', maximum, Math.max],
  ['minimum', minimum, Math.min],
];

describe('binary op loops', () => {
  for (const [name, op, f] of OPS) {
    it(`${name} agrees exactly with naive broadcasting on every layout`, () => {
      for (const [sa, sb] of PAIRS) {
        for (const [da, db] of [
          ['float64', 'float64'],
          ['float32', 'float32'],
          ['float32', 'float64'],
        ] as [DType, DType][]) {
          const a = randn(sa, { rng, dtype: da });
          const b = randn(sb, { rng, dtype: db });
          const out = op(a, b);
          const want = reference(a, b, name === 'pow' ? (x, y) => Math.pow(Math.abs(x), y) : f);
          expect(out.shape).toEqual(want.shape);
          const rounded = out.dtype === 'float32' ? Float32Array.from(want.data) : Float64Array.from(want.data);
          expect(Array.from(out.data), `${name} ${JSON.stringify([sa, sb, da, db])}`).toEqual(Array.from(rounded));
        }
      }
    });
  }

  it('broadcastTo copies every layout exactly', () => {
    for (const [from, to] of [
      [[4], [3, 4]],
      [
        [3, 1],
        [3, 4],
      ],
      [[1], [2, 3]],
      [
        [2, 1, 3],
        [2, 4, 3],
      ],
      [
        [3, 4],
        [3, 4],
      ],
    ] as [number[], number[]][]) {
      const x = randn(from, { rng });
      expect(Array.from(x.broadcastTo(to).data)).toEqual(reference(x, tensor(0).broadcastTo(to), (v) => v).data);
    }
  });
});

describe('matrix transpose', () => {
  it('matches naive indexing across tile edges and for empty and single-row matrices', () => {
    for (const [r, c] of [
      [33, 70],
      [64, 32],
      [1, 5],
      [5, 1],
      [0, 3],
    ] as [number, number][]) {
      const x = randn([r, c], { rng });
      const t = x.transpose();
      expect(t.shape).toEqual([c, r]);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) expect(t.data[j * r + i]).toBe(x.data[i * c + j]);
    }
  });
});

describe('reductions', () => {
  /** Naive fold over `axes` with the kept dims, walking the input in memory order. */
  function naiveFold(x: Tensor, axes: number[], init: number, step: (acc: number, v: number) => number): number[] {
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = new Array<number>(kept.reduce((p, d) => p * d, 1)).fill(init);
    for (let flat = 0; flat < x.size; flat++) {
      let rest = flat;
      let o = 0;
      let stride = 1;
      for (let d = x.ndim - 1; d >= 0; d--) {
        const k = rest % x.shape[d]!;
        rest = Math.floor(rest / x.shape[d]!);
        if (!axes.includes(d)) o += k * stride;
        stride *= kept[d]!;
      }
      out[o] = step(out[o]!, x.data[flat]!);
    }
    return out;
  }

  const subsets = (n: number): number[][] =>
    Array.from({ length: 1 << n }, (_, m) => [...Array(n).keys()].filter((i) => (m >> i) & 1));

  for (const shape of [[2, 3, 4], [2, 1, 3], [1, 5], [3], [4, 1, 1, 2]]) {
    it(`sum, max and min over every axis subset of ${JSON.stringify(shape)} agree with a naive fold`, () => {
      const x = randn(shape, { rng });
      x.data[1] = Number.NaN; // NaN must propagate through max and min
      for (const axes of subsets(shape.length)) {
        const opts = { axis: axes, keepdims: true };
        expect(Array.from(max(x, opts).data)).toEqual(naiveFold(x, axes, -Infinity, Math.max));
        expect(Array.from(min(x, opts).data)).toEqual(naiveFold(x, axes, Infinity, Math.min));
        const y = randn(shape, { rng });
        const got = Array.from(sum(y, opts).data);
        naiveFold(y, axes, 0, (a, v) => a + v).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
      }
    });
  }

  it('a float32 sum along a row accumulates in double and rounds once', () => {
    // Rounded to float32 after every addition, each 3e-8 would vanish against 1 (half an ulp is 6e-8).
    const x = tensor([1, 3e-8, 3e-8, 3e-8, 3e-8], { dtype: 'float32' });
    expect(sum(x).item()).toBe(Math.fround(1 + 4 * Math.fround(3e-8)));
    expect(sum(x).item()).toBeGreaterThan(1);
  });
});

describe('fused sigmoid vjp', () => {
  it('gives in float64 exactly the composite g · σ(1 − σ)', () => {
    const x = randn([3, 5], { rng, requiresGrad: true });
    const g = randn([3, 5], { rng });
    const s = sigmoid(x);
    const [dx] = gradients(s, [x], { gradOutputs: [g] });
    const composite = mul(g, mul(s.detach(), sub(1, s.detach())));
    expect(Array.from(dx!.data)).toEqual(Array.from(composite.data));
  });
});

describe('engine bookkeeping', () => {
  it('prunes correctly when a vjp runs its own gradients() over the same tape', () => {
    // The inner call walks the outer graph too (through x's producer); the outer pass must keep
    // its own record of which nodes lead to the requested input.
    const twice = defineOp({
      name: 'twiceViaInnerGradients',
      forward: (t) => t.mul(2),
      vjp: (g, { inputs: [t] }) => {
        const inner = enableGrad(() => gradients(sum(mul(t!, t!)), [t!], { retainGraph: true }));
        expect(inner[0]).not.toBeNull();
        return [g.mul(2)];
      },
    });
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const other = tensor([4, 5, 6], { requiresGrad: true });
    const x = mul(w, 3);
    const y = sum(add(twice(x), mul(other, x)));
    const [gw] = gradients(y, [w]);
    expect(gw!.toArray()).toEqual([3 * (2 + 4), 3 * (2 + 5), 3 * (2 + 6)]);
  });

  it('views made before any edit still share the version counter with their base', () => {
    const base = tensor([1, 2, 3, 4], { requiresGrad: true });
    const leaf = base.detach();
    leaf.requiresGrad = true;
    const view = reshape(leaf, [2, 2]);
    const y = sum(mul(view, view));
    leaf.requiresGrad = false;
    leaf.mutate_((d) => d.fill(0));
    expect(view.version).toBe(1);
    expect(base.version).toBe(1);
    expect(() => y.backward()).toThrow(GradError);
  });

  it("never aliases a caller's mutable shape array, and shares frozen ones", () => {
    const shape = [2, 2];
    const t = new Tensor(new Float64Array(4), shape);
    shape[0] = 4;
    expect(t.shape).toEqual([2, 2]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(sigmoid(t).shape).toBe(t.shape);
  });
});

describe('comparison loops and where', () => {
  const CMP: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => boolean][] = [
    ['eq', eq, (x, y) => x === y],
    ['ne', ne, (x, y) => x !== y],
    ['gt', gt, (x, y) => x > y],
    ['ge', ge, (x, y) => x >= y],
    ['lt', lt, (x, y) => x < y],
    ['le', le, (x, y) => x <= y],
  ];
  /** Rounds to one decimal so that equal pairs occur, and plants a NaN and an infinity. */
  function operand(shape: number[], dtype: DType): Tensor {
    const t = randn(shape, { rng, dtype });
    for (let i = 0; i < t.size; i++) t.data[i] = Math.round(t.data[i]! * 2) / 2;
    if (t.size > 2) [t.data[1], t.data[2]] = [Number.NaN, -Infinity];
    return t;
  }
  for (const [name, op, test] of CMP) {
    it(`${name} agrees exactly with naive broadcasting on every layout, NaN included`, () => {
      for (const [sa, sb] of PAIRS) {
        for (const [da, db] of [
          ['float64', 'float64'],
          ['float32', 'float64'],
        ] as [DType, DType][]) {
          const a = operand(sa, da);
          const b = operand(sb, db);
          const want = reference(a, b, (x, y) => (test(x, y) ? 1 : 0));
          const got = op(a, b);
          expect(got.shape).toEqual(want.shape);
          expect(got.dtype).toBe(da === 'float32' && db === 'float32' ? 'float32' : 'float64');
          expect(Array.from(got.data)).toEqual(want.data);
        }
      }
    });
  }

  /** Flat index into an operand of `shape` broadcast to `out` for the output's flat index. */
  function sourceIndex(shape: readonly number[], out: readonly number[], flat: number): number {
    let at = 0;
    let stride = 1;
    for (let d = out.length - 1, e = shape.length - 1; d >= 0; d--, e--) {
      const k = flat % out[d]!;
      flat = Math.floor(flat / out[d]!);
      if (e >= 0 && shape[e] !== 1) at += k * stride;
      if (e >= 0) stride *= shape[e]!;
    }
    return at;
  }

  it('where selects exactly like naive broadcasting of all three operands', () => {
    const TRIPLES: number[][][] = [
      [
        [3, 4],
        [3, 4],
        [3, 4],
      ],
      [[3, 4], [3, 4], []],
      [[3, 4], [], [3, 4]],
      [[], [3, 4], [1, 4]],
      [[4], [3, 4], [3, 1]],
      [[3, 1], [1, 4], []],
      [
        [2, 1, 4],
        [3, 1],
        [1, 3, 4],
      ],
      [[1, 3, 1], [2, 1, 4], [4]],
      [[0, 4], [4], []],
    ];
    for (const [sm, sa, sb] of TRIPLES) {
      const mask = operand(sm!, 'float64');
      for (let i = 0; i < mask.size; i++) if (i % 3 === 0) mask.data[i] = 0; // NaN in the mask counts as true
      const a = randn(sa!, { rng });
      const b = randn(sb!, { rng, dtype: 'float32' });
      const got = where(mask, a, b);
      const want = Array.from({ length: got.size }, (_, i) =>
        mask.data[sourceIndex(sm!, got.shape, i)] !== 0
          ? a.data[sourceIndex(sa!, got.shape, i)]!
          : b.data[sourceIndex(sb!, got.shape, i)]!,
      );
      expect(Array.from(got.data)).toEqual(want);
    }
  });
});

describe('softmax family lane loops', () => {
  /** The flat indices of each lane over `axes`, lanes in kept-dims order, each in memory order. */
  function lanes(shape: number[], axes: number[]): number[][] {
    const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = Array.from({ length: kept.reduce((p, d) => p * d, 1) }, () => [] as number[]);
    const size = shape.reduce((p, d) => p * d, 1);
    for (let flat = 0; flat < size; flat++) {
      let rest = flat;
      let o = 0;
      let stride = 1;
      for (let d = shape.length - 1; d >= 0; d--) {
        const k = rest % shape[d]!;
        rest = Math.floor(rest / shape[d]!);
        if (!axes.includes(d)) o += k * stride;
        stride *= kept[d]!;
      }
      out[o]!.push(flat);
    }
    return out;
  }
  /** The documented formulas, lane by lane: m = max, e = (x = m ? 1 : exp(x − m)), s = Σ e. */
  function naive(x: Tensor, axes: number[]): { lse: number[]; soft: number[]; logSoft: number[] } {
    const soft = new Array<number>(x.size).fill(0);
    const logSoft = soft.slice();
    const lse = lanes([...x.shape], axes).map((lane) => {
      const m = lane.reduce((acc, i) => Math.max(acc, x.data[i]!), -Infinity);
      const shift = (v: number) => (v === m ? 0 : v - m);
      const s = lane.reduce((acc, i) => acc + (x.data[i] === m ? 1 : Math.exp(x.data[i]! - m)), 0);
      for (const i of lane) {
        soft[i] = (x.data[i] === m ? 1 : Math.exp(x.data[i]! - m)) / s;
        logSoft[i] = shift(x.data[i]!) - Math.log(s);
      }
      return m === Infinity || m === -Infinity ? m : m + Math.log(s);
    });
    return { lse, soft, logSoft };
  }
  const subsets = (n: number): number[][] =>
    Array.from({ length: 1 << n }, (_, m) => [...Array(n).keys()].filter((i) => (m >> i) & 1));

  for (const shape of [[3, 4, 5], [2, 1, 3, 2], [5], [4, 0], []]) {
    it(`logsumexp, softmax and logSoftmax over every axis subset of ${JSON.stringify(shape)} match the formulas exactly`, () => {
      const x = mul(randn(shape, { rng }), 30);
      // Lanes of all −∞, of +∞ beside finite values, and of NaN, wherever they fall for the axes.
      if (x.size >= 12)
        x.data.set([-Infinity, -Infinity, -Infinity, Infinity, 2, Infinity, Number.NaN, -Infinity, Infinity], 0);
      for (const axes of subsets(shape.length)) {
        const want = naive(x, axes);
        const lse = logsumexp(x, { axis: axes, keepdims: true });
        expect(lse.shape).toEqual(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
        expect(Array.from(lse.data)).toEqual(want.lse);
        expect(Array.from(logsumexp(x, { axis: axes }).data)).toEqual(want.lse);
        if (axes.length === 0 && shape.length > 0) continue; // softmax over no axes is only for 0-d
        expect(Array.from(softmax(x, { axis: axes }).data)).toEqual(want.soft);
        expect(Array.from(logSoftmax(x, { axis: axes }).data)).toEqual(want.logSoft);
        const x32 = x.to('float32');
        softmax(x32, { axis: axes }).data.forEach((v, i) => {
          if (Number.isNaN(want.soft[i])) expect(v).toBeNaN();
          else expect(v).toBeCloseTo(want.soft[i]!, 5);
        });
      }
    });
  }

  it('keeps gradients finite on lanes of infinities', () => {
    const x = tensor(
      [
        [-Infinity, -Infinity],
        [Infinity, 1],
        [Infinity, Infinity],
      ],
      { requiresGrad: true },
    );
    for (const axis of [0, 1]) {
      const w = tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      for (const f of [(t: Tensor) => sum(logsumexp(t, { axis })), (t: Tensor) => sum(mul(softmax(t, { axis }), w))]) {
        const [g] = gradients(f(x), [x]);
        expect(Array.from(g!.data).every(Number.isFinite)).toBe(true);
      }
    }
  });
});
