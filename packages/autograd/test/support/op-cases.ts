/**
 * The op table: one row per differentiable op, giving input shapes and domains, how to call the
 * op, and a naive reference for its forward. ops-table.test.ts runs every check on every row.
 */
import fc from 'fast-check';
import * as tg from '@tapegrad/autograd';
import { type Tensor, tensor } from '@tapegrad/autograd';
import type { OpName } from '../../src/ops/params.js';
import * as naive from './naive.js';
import { type Arr, at, build, count, reduce, resolveAxes, zipWith } from './naive.js';
import * as gen from './arbitraries.js';
import { arr, axisOption, broadcastOperands, broadcastVariant, shapeArb } from './arbitraries.js';

/** One sampled call: the operands and the op's non-tensor parameters. */
export interface Sample<P> {
  inputs: Arr[];
  params: P;
}

/** One row of the table. */
export interface OpCase<P> {
  name: string;
  sample: fc.Arbitrary<Sample<P>>;
  run: (p: P, ...xs: Tensor[]) => Tensor;
  ref: (p: P, ...xs: Arr[]) => Arr;
  /** Which inputs are differentiable (default: all). */
  diff?: readonly boolean[];
  /** Forward tolerance when the reference rounds differently (default 1e-12). */
  tol?: number;
}

function noParams(inputs: fc.Arbitrary<Arr[]>): fc.Arbitrary<Sample<undefined>> {
  return inputs.map((xs) => ({ inputs: xs, params: undefined }));
}

function unary(
  name: string,
  run: (x: Tensor) => Tensor,
  f: (v: number) => number,
  g: gen.Gen = gen.real,
): OpCase<unknown> {
  return {
    name,
    sample: noParams(shapeArb(0, 3).chain((s) => fc.tuple(arr(s, g)))),
    run: (_, x) => run(x!),
    ref: (_, x) => ({ shape: x!.shape, data: x!.data.map(f) }),
  };
}

function binary(
  name: string,
  run: (a: Tensor, b: Tensor) => Tensor,
  f: (x: number, y: number) => number,
  ga: gen.Gen,
  gb: gen.Gen,
): OpCase<unknown> {
  return {
    name,
    sample: noParams(broadcastOperands(ga, gb)),
    run: (_, a, b) => run(a!, b!),
    ref: (_, a, b) => zipWith([a!, b!], f),
  };
}

interface ReduceP {
  axis: number | number[] | undefined;
  keepdims: boolean;
}

function reduction(
  name: string,
  run: (x: Tensor, o: ReduceP) => Tensor,
  fold: (v: number[]) => number,
  g: gen.Gen,
): OpCase<ReduceP> {
  return {
    name,
    sample: shapeArb(0, 3).chain((s) =>
      fc.record({
        inputs: fc.tuple(arr(s, g)),
        params: fc.record({ axis: axisOption(s.length), keepdims: fc.boolean() }),
      }),
    ),
    run: (p, x) => run(x!, p),
    ref: (p, x) => reduce(x!, resolveAxes(p.axis, x!.shape.length), p.keepdims, fold),
  };
}

function lanewise(
  name: string,
  run: (x: Tensor, axis: number | number[] | undefined) => Tensor,
  f: (lane: number[]) => number[],
): OpCase<{ axis: number | number[] | undefined }> {
  return {
    name,
    sample: shapeArb(0, 3).chain((s) =>
      fc.record({ inputs: fc.tuple(arr(s, gen.real)), params: fc.record({ axis: axisOption(s.length) }) }),
    ),
    run: (p, x) => run(x!, p.axis),
    ref: (p, x) => {
      const r = x!.shape.length;
      const axes = p.axis === undefined ? (r === 0 ? [] : [r - 1]) : resolveAxes(p.axis, r);
      return naive.perLane(x!, axes, f);
    },
  };
}

const sumOf = (v: number[]): number => v.reduce((s, x) => s + x, 0);
const lse = (v: number[]): number => Math.log(sumOf(v.map(Math.exp)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** A random [start, end] (or null = whole axis) per axis, sometimes spelled with negative indices. */
function sliceRanges(shape: readonly number[]): fc.Arbitrary<([number, number] | null)[]> {
  return fc.tuple(
    ...shape.map((d) =>
      fc.oneof(
        fc.constant(null),
        fc
          .tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d }), fc.boolean())
          .map(([a, b, negative]): [number, number] => {
            const [s, e] = a <= b ? [a, b] : [b, a];
            // The same range counted from the end (an end of d has no negative spelling: −0 is 0).
            return negative ? [s - d, e === d ? d : e - d] : [s, e];
          }),
      ),
    ),
  );
}

function resolveRange(r: [number, number] | null, d: number): [number, number] {
  if (r === null) return [0, d];
  return [r[0] < 0 ? r[0] + d : r[0], r[1] < 0 ? r[1] + d : r[1]];
}

/** A row of any parameter type: the table mixes them. */
type AnyCase = OpCase<any>;

const small = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });
const pairOf = (min: number, max: number): fc.Arbitrary<[number, number]> => fc.tuple(small(min, max), small(min, max));

/** A window (kernel, stride, padding, dilation) and an image shape [N, C, H, W] it fits. */
function windowAndImage(opts: { padding: boolean; dilation: boolean }): fc.Arbitrary<{
  win: naive.NaiveWindow;
  image: number[];
}> {
  return fc
    .record({
      kernel: pairOf(1, 3),
      stride: pairOf(1, 2),
      padding: opts.padding ? pairOf(0, 1) : fc.constant<[number, number]>([0, 0]),
      dilation: opts.dilation ? pairOf(1, 2) : fc.constant<[number, number]>([1, 1]),
    })
    .chain((win) => {
      const need = (a: 0 | 1): number => Math.max(1, win.dilation[a] * (win.kernel[a] - 1) + 1 - 2 * win.padding[a]);
      return fc
        .tuple(small(1, 2), small(1, 2), small(0, 2), small(0, 2))
        .map(([n, c, eh, ew]) => ({ win, image: [n, c, need(0) + eh, need(1) + ew] }));
    });
}

/** A window's options as the public functions take them, a pair collapsed to one number where equal. */
function spell(win: naive.NaiveWindow): { kernelSize: tg.Pair; stride: tg.Pair; padding: tg.Pair; dilation: tg.Pair } {
  const one = (p: [number, number]): tg.Pair => (p[0] === p[1] ? p[0] : p);
  return {
    kernelSize: one(win.kernel),
    stride: one(win.stride),
    padding: one(win.padding),
    dilation: one(win.dilation),
  };
}

interface ConvP {
  win: naive.NaiveWindow;
  bias: boolean;
}

function pool(name: 'maxPool2d' | 'avgPool2d', f: (v: number[]) => number, g: gen.Gen): OpCase<naive.NaiveWindow> {
  return {
    name,
    sample: windowAndImage({ padding: false, dilation: false })
      .filter(({ image }) => count(image) <= 64)
      .chain(({ win, image }) => fc.record({ inputs: fc.tuple(arr(image, g)), params: fc.constant(win) })),
    run: (win, x) => tg[name](x!, { kernelSize: win.kernel, stride: win.stride }),
    ref: (win, x) => naive.pool2d(x!, win.kernel, win.stride, f),
  };
}

/** Why an op has no rows, and where it is checked instead. */
export interface Exempt {
  readonly exempt: string;
}

/**
 * The rows of every built-in op, keyed by the op's name: a new op without rows (or a reason it
 * has none) does not compile. Public functions that record another op (transpose records permute,
 * stack concat) are rows of that op.
 */
export const opCases: { readonly [K in OpName]: readonly AnyCase[] | Exempt } = {
  add: [
    binary('add', tg.add, (x, y) => x + y, gen.real, gen.real),
    {
      name: 'add (number operand)',
      sample: fc
        .tuple(
          shapeArb(0, 3).chain((s) => arr(s, gen.real)),
          fc.double({ min: -3, max: 3, noNaN: true }),
        )
        .map(([x, c]) => ({ inputs: [x], params: c })),
      run: (c: number, x) => tg.pow(tg.add(c, x!), 2),
      ref: (c: number, x) => ({ shape: x!.shape, data: x!.data.map((v) => (c + v) ** 2) }),
    },
  ],
  sub: [binary('sub', tg.sub, (x, y) => x - y, gen.real, gen.real)],
  mul: [binary('mul', tg.mul, (x, y) => x * y, gen.real, gen.real)],
  div: [binary('div', tg.div, (x, y) => x / y, gen.real, gen.awayFromZero)],
  pow: [
    binary('pow', tg.pow, Math.pow, gen.positive, gen.real),
    // pow at a = 0, where finite differences are still sound: integer exponents ≥ 2 (a base pushed
    // below 0 stays real, and 0^(b ± ε) = 0), and a fixed exponent 0 (∂/∂a = 0 for every a, 0 included).
    binary('pow (base 0 allowed, exponent 2 or 3)', tg.pow, Math.pow, gen.halvesFromZero, gen.twoOrThree),
    { ...binary('pow (exponent 0, base 0 allowed)', tg.pow, Math.pow, gen.halves, gen.zero), diff: [true, false] },
  ],
  maximum: [binary('maximum', tg.maximum, Math.max, gen.intGrid, gen.halfGrid)],
  minimum: [binary('minimum', tg.minimum, Math.min, gen.halfGrid, gen.intGrid)],
  neg: [unary('neg', tg.neg, (x) => -x)],
  exp: [unary('exp', tg.exp, Math.exp)],
  log: [unary('log', tg.log, Math.log, gen.positive)],
  sigmoid: [unary('sigmoid', tg.sigmoid, sigmoid)],
  sqrt: [unary('sqrt', tg.sqrt, Math.sqrt, gen.positive)],
  abs: [unary('abs', tg.abs, Math.abs, gen.halfGrid)],
  square: [unary('square', tg.square, (x) => x * x)],
  tanh: [unary('tanh', tg.tanh, Math.tanh)],
  relu: [unary('relu', tg.relu, (x) => Math.max(x, 0), gen.halfGrid)],
  softplus: [unary('softplus', tg.softplus, (x) => Math.log(1 + Math.exp(x)))],
  sum: [reduction('sum', (x, o) => tg.sum(x, o), sumOf, gen.real)],
  mean: [
    reduction(
      'mean',
      (x, o) => tg.mean(x, o),
      (v) => sumOf(v) / v.length,
      gen.real,
    ),
  ],
  max: [
    reduction(
      'max',
      (x, o) => tg.max(x, o),
      (v) => Math.max(...v),
      gen.distinct,
    ),
  ],
  min: [
    reduction(
      'min',
      (x, o) => tg.min(x, o),
      (v) => Math.min(...v),
      gen.distinct,
    ),
  ],
  logsumexp: [reduction('logsumexp', (x, o) => tg.logsumexp(x, o), lse, gen.real)],
  softmax: [
    lanewise(
      'softmax',
      (x, axis) => tg.softmax(x, { axis }),
      (v) => v.map((x) => Math.exp(x) / sumOf(v.map(Math.exp))),
    ),
  ],
  logSoftmax: [
    lanewise(
      'logSoftmax',
      (x, axis) => tg.logSoftmax(x, { axis }),
      (v) => v.map((x) => x - lse(v)),
    ),
  ],
  matmul: [
    {
      name: 'matmul',
      sample: noParams(gen.matmulOperands),
      run: (_, a, b) => tg.matmul(a!, b!),
      ref: (_, a, b) => naive.matmul(a!, b!),
    },
  ],
  reshape: [
    {
      name: 'reshape',
      sample: shapeArb(0, 3).chain((s) => {
        const n = count(s);
        return fc.record({
          inputs: fc.tuple(arr(s, gen.real)),
          params: fc.constantFrom<number[]>([n], [-1], [...s].reverse(), [1, ...s], [...s, 1]),
        });
      }),
      run: (shape: number[], x) => tg.reshape(x!, shape),
      ref: (shape: number[], x) => ({ shape: shape.map((d) => (d === -1 ? count(x!.shape) : d)), data: x!.data }),
    },
    {
      name: 'squeeze',
      sample: fc
        .tuple(shapeArb(0, 4), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
        .map(([s, ones]) => s.map((d, i) => (ones[i] ? 1 : d)))
        .chain((s) => {
          const singles = s.flatMap((d, i) => (d === 1 ? [i] : []));
          return fc.record({
            inputs: fc.tuple(arr(s, gen.real)),
            params: fc.oneof(fc.constant(undefined), fc.subarray(singles)),
          });
        }),
      run: (axis: number[] | undefined, x) => tg.squeeze(x!, axis),
      ref: (axis: number[] | undefined, x) => ({
        shape: x!.shape.filter((d, i) => (axis === undefined ? d !== 1 : !axis.includes(i))),
        data: x!.data,
      }),
    },
    {
      name: 'unsqueeze',
      sample: shapeArb(0, 3).chain((s) =>
        fc.record({ inputs: fc.tuple(arr(s, gen.real)), params: fc.integer({ min: -s.length - 1, max: s.length }) }),
      ),
      run: (axis: number, x) => tg.unsqueeze(x!, axis),
      ref: (axis: number, x) => {
        const shape = [...x!.shape];
        shape.splice(axis < 0 ? axis + shape.length + 1 : axis, 0, 1);
        return { shape, data: x!.data };
      },
    },
  ],
  broadcastTo: [
    {
      name: 'broadcastTo',
      sample: shapeArb(0, 3).chain((out) =>
        fc.record({ inputs: broadcastVariant(out).chain((s) => fc.tuple(arr(s, gen.real))), params: fc.constant(out) }),
      ),
      run: (shape: number[], x) => tg.broadcastTo(x!, shape),
      ref: (shape: number[], x) => build(shape, (idx) => naive.atBroadcast(x!, idx)),
    },
  ],
  permute: [
    {
      name: 'permute',
      sample: shapeArb(0, 4).chain((s) => {
        const axes = s.map((_, i) => i);
        return fc.record({
          inputs: fc.tuple(arr(s, gen.real)),
          params: fc.shuffledSubarray(axes, { minLength: s.length, maxLength: s.length }),
        });
      }),
      run: (axes: number[], x) => tg.permute(x!, axes),
      ref: (axes: number[], x) =>
        build(
          axes.map((a) => x!.shape[a]!),
          (idx) => {
            const src = new Array<number>(axes.length);
            axes.forEach((a, i) => (src[a] = idx[i]!));
            return at(x!, src);
          },
        ),
    },
    {
      name: 'transpose',
      sample: shapeArb(2, 4).chain((s) =>
        fc.record({
          inputs: fc.tuple(arr(s, gen.real)),
          params: fc.tuple(
            fc.integer({ min: -s.length, max: s.length - 1 }),
            fc.integer({ min: -s.length, max: s.length - 1 }),
          ),
        }),
      ),
      run: ([d0, d1]: [number, number], x) => tg.transpose(x!, d0, d1),
      ref: ([d0, d1]: [number, number], x) => {
        const r = x!.shape.length;
        const [a, b] = [(d0 + r) % r, (d1 + r) % r];
        const swap = (i: number): number => (i === a ? b : i === b ? a : i);
        return build(
          x!.shape.map((_, i) => x!.shape[swap(i)]!),
          (idx) =>
            at(
              x!,
              x!.shape.map((_, i) => idx[swap(i)]!),
            ),
        );
      },
    },
  ],
  clone: [unary('clone', tg.clone, (x) => x)],
  slice: [
    {
      name: 'slice',
      sample: shapeArb(1, 3).chain((s) => fc.record({ inputs: fc.tuple(arr(s, gen.real)), params: sliceRanges(s) })),
      run: (ranges: ([number, number] | null)[], x) => tg.slice(x!, ranges),
      ref: (ranges: ([number, number] | null)[], x) => {
        const r = x!.shape.map((d, i) => resolveRange(ranges[i] ?? null, d));
        return build(
          r.map(([s, e]) => e - s),
          (idx) =>
            at(
              x!,
              idx.map((v, i) => v + r[i]![0]),
            ),
        );
      },
    },
  ],
  pad: [
    {
      name: 'pad',
      sample: shapeArb(0, 3).chain((s) =>
        fc.record({
          inputs: fc.tuple(arr(s, gen.real)),
          params: fc.tuple(...s.map(() => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })))),
        }),
      ),
      run: (widths: [number, number][], x) => tg.pad(x!, widths),
      ref: (widths: [number, number][], x) =>
        build(
          x!.shape.map((d, i) => d + widths[i]![0] + widths[i]![1]),
          (idx) => {
            const src = idx.map((v, i) => v - widths[i]![0]);
            return src.every((v, i) => v >= 0 && v < x!.shape[i]!) ? at(x!, src) : 0;
          },
        ),
    },
  ],
  concat: [
    {
      name: 'concat',
      sample: shapeArb(1, 3).chain((s) =>
        fc.integer({ min: 0, max: s.length - 1 }).chain((axis) =>
          fc.record({
            inputs: fc.array(
              fc.integer({ min: 1, max: 3 }).chain((n) =>
                arr(
                  s.map((d, i) => (i === axis ? n : d)),
                  gen.real,
                ),
              ),
              { minLength: 1, maxLength: 3 },
            ),
            params: fc.constantFrom(axis, axis - s.length),
          }),
        ),
      ),
      run: (axis: number, ...xs) => tg.concat(xs, axis),
      ref: (axis: number, ...xs) => {
        const ax = axis < 0 ? axis + xs[0]!.shape.length : axis;
        const shape = [...xs[0]!.shape];
        shape[ax] = xs.reduce((n, x) => n + x.shape[ax]!, 0);
        return build(shape, (idx) => {
          let k = idx[ax]!;
          for (const x of xs) {
            if (k < x.shape[ax]!)
              return at(
                x,
                idx.map((v, i) => (i === ax ? k : v)),
              );
            k -= x.shape[ax]!;
          }
          throw new Error('unreachable');
        });
      },
    },
    {
      name: 'stack',
      sample: shapeArb(0, 2).chain((s) =>
        fc.record({
          inputs: fc.array(arr(s, gen.real), { minLength: 1, maxLength: 3 }),
          params: fc.integer({ min: -s.length - 1, max: s.length }),
        }),
      ),
      run: (axis: number, ...xs) => tg.stack(xs, axis),
      ref: (axis: number, ...xs) => {
        const r = xs[0]!.shape.length;
        const ax = axis < 0 ? axis + r + 1 : axis;
        const shape = [...xs[0]!.shape];
        shape.splice(ax, 0, xs.length);
        return build(shape, (idx) =>
          at(
            xs[idx[ax]!]!,
            idx.filter((_, i) => i !== ax),
          ),
        );
      },
    },
  ],
  gather: [
    {
      name: 'gather',
      sample: shapeArb(1, 3).chain((s) =>
        fc.integer({ min: 0, max: s.length - 1 }).chain((axis) =>
          fc.record({
            inputs: fc.tuple(arr(s, gen.real)),
            params: fc.record({
              axis: fc.constant(axis),
              indices: shapeArb(0, 2).chain((is) =>
                arr(is, (n) => fc.array(fc.integer({ min: 0, max: s[axis]! - 1 }), { minLength: n, maxLength: n })),
              ),
            }),
          }),
        ),
      ),
      run: (p: { axis: number; indices: Arr }, x) =>
        tg.gather(x!, tensor([...p.indices.data], { shape: [...p.indices.shape] }), p.axis),
      ref: ({ axis, indices }: { axis: number; indices: Arr }, x) => {
        const ir = indices.shape.length;
        const shape = [...x!.shape.slice(0, axis), ...indices.shape, ...x!.shape.slice(axis + 1)];
        return build(shape, (idx) =>
          at(x!, [...idx.slice(0, axis), at(indices, idx.slice(axis, axis + ir)), ...idx.slice(axis + ir)]),
        );
      },
    },
    {
      name: 'takeAlongAxis',
      sample: shapeArb(1, 3).chain((s) =>
        fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 1, max: 4 })).chain(([axis, k]) =>
          fc.record({
            inputs: fc.tuple(arr(s, gen.real)),
            params: fc.record({
              axis: fc.constant(axis),
              indices: arr(
                s.map((d, i) => (i === axis ? k : d)),
                (n) => fc.array(fc.integer({ min: 0, max: s[axis]! - 1 }), { minLength: n, maxLength: n }),
              ),
            }),
          }),
        ),
      ),
      run: (p: { axis: number; indices: Arr }, x) =>
        tg.takeAlongAxis(x!, tensor([...p.indices.data], { shape: [...p.indices.shape] }), p.axis),
      ref: ({ axis, indices }: { axis: number; indices: Arr }, x) =>
        build(indices.shape, (idx) =>
          at(
            x!,
            idx.map((v, i) => (i === axis ? at(indices, idx) : v)),
          ),
        ),
    },
  ],
  where: [
    {
      name: 'where',
      sample: noParams(broadcastOperands(gen.mask, gen.real, gen.real)),
      run: (_, m, a, b) => tg.where(m!, a!, b!),
      ref: (_, m, a, b) => zipWith([m!, a!, b!], (c, x, y) => (c !== 0 ? x : y)),
      diff: [false, true, true],
    },
  ],
  clamp: [
    {
      name: 'clamp',
      sample: fc.record({
        inputs: shapeArb(0, 3).chain((s) => fc.tuple(arr(s, gen.halfGrid))),
        params: fc
          .tuple(fc.option(fc.integer({ min: -20, max: 20 })), fc.option(fc.integer({ min: 0, max: 20 })))
          .map(([lo, extra]) => ({
            min: lo === null ? undefined : lo / 10,
            max: extra === null ? undefined : ((lo ?? -20) + extra) / 10,
          })),
      }),
      run: (p: { min?: number; max?: number }, x) => tg.clamp(x!, p.min, p.max),
      ref: (p: { min?: number; max?: number }, x) => ({
        shape: x!.shape,
        data: x!.data.map((v) => Math.min(Math.max(v, p.min ?? -Infinity), p.max ?? Infinity)),
      }),
    },
  ],
  sigmoidGrad: { exempt: "sigmoid's vjp: checked by sigmoid's second-order row" },
  scatterAdd: { exempt: "gather's vjp: checked by gather's second-order row" },
  cast: { exempt: 'checked exactly in ops-table.test.ts: finite differences cannot see through float32 rounding' },
  eq: { exempt: 'not differentiable' },
  ne: { exempt: 'not differentiable' },
  gt: { exempt: 'not differentiable' },
  ge: { exempt: 'not differentiable' },
  lt: { exempt: 'not differentiable' },
  le: { exempt: 'not differentiable' },
  argmax: { exempt: 'not differentiable' },
  argmin: { exempt: 'not differentiable' },
  sign: { exempt: 'not differentiable' },
  conv2d: [
    {
      name: 'conv2d',
      sample: windowAndImage({ padding: true, dilation: true }).chain(({ win, image }) =>
        fc.tuple(small(1, 2), fc.boolean()).chain(([out, bias]) =>
          fc.record({
            inputs: fc.tuple(
              arr(image, gen.real),
              arr([out, image[1]!, ...win.kernel], gen.real),
              ...(bias ? [arr([out], gen.real)] : []),
            ),
            params: fc.constant<ConvP>({ win, bias }),
          }),
        ),
      ),
      run: ({ win }: ConvP, x, w, b) => {
        const { kernelSize: _, ...options } = spell(win);
        return tg.conv2d(x!, w!, b, options);
      },
      ref: ({ win }: ConvP, x, w, b) => naive.conv2d(x!, w!, b ?? null, win),
    },
  ],
  im2col: [
    {
      name: 'im2col',
      sample: windowAndImage({ padding: true, dilation: true }).chain(({ win, image }) =>
        fc.record({ inputs: fc.tuple(arr(image, gen.real)), params: fc.constant(win) }),
      ),
      run: (win: naive.NaiveWindow, x) => tg.im2col(x!, spell(win)),
      ref: (win: naive.NaiveWindow, x) => naive.im2col(x!, win),
    },
  ],
  col2im: [
    {
      name: 'col2im',
      sample: windowAndImage({ padding: true, dilation: true }).chain(({ win, image }) => {
        const [OH, OW] = naive.windowOut(image[2]!, image[3]!, win);
        const columns = [image[0]!, image[1]! * win.kernel[0] * win.kernel[1], OH * OW];
        return fc.record({ inputs: fc.tuple(arr(columns, gen.real)), params: fc.constant({ win, image }) });
      }),
      run: ({ win, image }: { win: naive.NaiveWindow; image: number[] }, c) => tg.col2im(c!, image, spell(win)),
      ref: ({ win, image }: { win: naive.NaiveWindow; image: number[] }, c) => naive.col2im(c!, image, win),
    },
  ],
  maxPool2d: [pool('maxPool2d', (v) => Math.max(...v), gen.distinct)],
  avgPool2d: [pool('avgPool2d', (v) => v.reduce((a, b) => a + b, 0) / v.length, gen.real)],
};

/** Every row of {@link opCases}, in table order. */
export const cases: readonly AnyCase[] = Object.values(opCases).flatMap((c: readonly AnyCase[] | Exempt) =>
  'exempt' in c ? [] : c,
);
