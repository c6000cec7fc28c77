/**
 * Convolution and pooling over NCHW images. Every vjp is written in tensor ops around one pair of
 * linear ops, im2col and its adjoint col2im: a convolution is then a matrix product on the gemm
 * (forward and both gradients), and every op here is differentiable to any order.
 * @packageDocumentation
 */
import { allocate, promoteTypes } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { describeValue, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../options.js';
import { gemm } from '../kernels/matmul.js';
import { type Window, col2imKernel, im2colKernel, poolKernel, windowGrid } from '../kernels/conv.js';
import { applyOp, defineOps } from './define.js';
import { expectTensor } from './operands.js';
import { add, div, mul, tangentSum } from './elementwise.js';
import { eq } from './compare.js';
import { reshape } from './movement.js';
import { sum } from './reduce.js';
import { matmul } from './linalg.js';

/** A window size given once for both axes, or as [height, width]. */
export type Pair = number | readonly [number, number];

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side of the image (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
}

/** Options of {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** The window size (required). */
  kernelSize: Pair;
  /** Step between windows (default: the window size, so windows tile the image). */
  stride?: Pair;
}

/** Options of {@link im2col} and {@link col2im}. */
export interface WindowOptions {
  /** The window size (required). */
  kernelSize: Pair;
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side of the image (default 0). */
  padding?: Pair;
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
}

function cols(x: Tensor, win: Window): Tensor {
  return applyOp(CONV_OPS.im2col, [x], { ...win, image: x.shape });
}

function image(cols: Tensor, shape: readonly number[], win: Window): Tensor {
  return applyOp(CONV_OPS.col2im, [cols], { ...win, image: shape });
}

function correlate(x: Tensor, w: Tensor, win: Window): Tensor {
  return applyOp(CONV_OPS.conv2d, [x, w], win);
}

function averagePool(x: Tensor, win: Window): Tensor {
  return applyOp(CONV_OPS.avgPool2d, [x], win);
}

/** The same window with the image given as N·C one-channel planes (pooling works per plane). */
function planes(x: Tensor): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  return reshape(x, [N * C, 1, H, W]);
}

/**
 * Where each window of x attains its maximum, weighted 1/(number of ties): the same rule as the
 * max reduction, so ties share the gradient evenly. Shape [N·C, kh·kw, OH·OW].
 */
function maxWeights(x: Tensor, output: Tensor, win: Window): Tensor {
  const windows = cols(planes(x), win);
  const best = reshape(output, [windows.shape[0]!, 1, windows.shape[2]!]);
  const mask = eq(windows, best);
  return div(mask, sum(mask, { axis: 1, keepdims: true }));
}

/** The convolution and pooling ops, each forward beside its vjp and jvp. */

/** A window's kernel, and its stride, padding and dilation where they are not the defaults. */
function describeWindow(w: Window): string {
  const pair = ([a, b]: readonly [number, number]): string => (a === b ? `${a}` : `[${a}, ${b}]`);
  const parts = [`kernel ${pair(w.kernel)}`];
  if (w.stride[0] !== 1 || w.stride[1] !== 1) parts.push(`stride ${pair(w.stride)}`);
  if (w.padding[0] !== 0 || w.padding[1] !== 0) parts.push(`padding ${pair(w.padding)}`);
  if (w.dilation[0] !== 1 || w.dilation[1] !== 1) parts.push(`dilation ${pair(w.dilation)}`);
  return parts.join(', ');
}

export const CONV_OPS = defineOps({
  /** Cross-correlation of x [N, C, H, W] with weight [O, C, kh, kw]: weight[O, C·kh·kw] · im2col(x). */
  conv2d: {
    describeParams: describeWindow,
    forward: ([x, w], win) => {
      const [N, C, H, W] = x!.shape as [number, number, number, number];
      const O = w!.shape[0]!;
      const [OH, OW] = windowGrid(H, W, win);
      const K = C * win.kernel[0] * win.kernel[1];
      const L = OH * OW;
      const unfolded = im2colKernel(x!.data, x!.shape, win);
      const out = allocate(promoteTypes(x!.dtype, w!.dtype), N * O * L);
      for (let n = 0; n < N; n++) gemm(false, false, O, L, K, w!.data, 0, unfolded, n * K * L, out, n * O * L);
      return new Tensor(out, [N, O, OH, OW]);
    },
    // With Y[n] = W·X[n] on columns X = im2col(x): ∂W = Σₙ G[n]·X[n]ᵀ and ∂x = col2im(Wᵀ·G[n]),
    // i.e. the correlation of G with the flipped kernel, which col2im spells without flipping.
    vjp: (g, { inputs: [x, w], params: win, needsGrad }) => {
      const [N, C] = x!.shape as [number, number];
      const O = w!.shape[0]!;
      const g3 = reshape(g, [N, O, g.shape[2]! * g.shape[3]!]);
      const w2 = reshape(w!, [O, C * win.kernel[0] * win.kernel[1]]);
      const gx = needsGrad[0] ? image(matmul(w2, g3, { transposeA: true }), x!.shape, win) : null;
      const gw = needsGrad[1]
        ? reshape(sum(matmul(g3, cols(x!, win), { transposeB: true }), { axis: 0 }), w!.shape)
        : null;
      return [gx, gw];
    },
    // Bilinear in (x, weight).
    jvp: ([tx, tw], { inputs: [x, w], params: win, output }) =>
      tangentSum([tx && correlate(tx, w!, win), tw && correlate(x!, tw, win)], output),
  },
  im2col: {
    describeParams: describeWindow,
    forward: ([x], p) => {
      const [, C, H, W] = p.image as [number, number, number, number];
      const [OH, OW] = windowGrid(H, W, p);
      return new Tensor(im2colKernel(x!.data, p.image, p), [p.image[0]!, C * p.kernel[0] * p.kernel[1], OH * OW]);
    },
    // Linear, with col2im its adjoint.
    vjp: (g, { params }) => [image(g, params.image, params)],
    jvp: ([t], { params }) => cols(t!, params),
  },
  col2im: {
    describeParams: describeWindow,
    forward: ([c], p) => new Tensor(col2imKernel(c!.data, p.image, p), p.image),
    vjp: (g, { params }) => [cols(g, params)],
    jvp: ([t], { params }) => image(t!, params.image, params),
  },
  maxPool2d: {
    describeParams: describeWindow,
    forward: ([x], win) => new Tensor(poolKernel(x!.data, x!.shape, win, 'max'), pooledShape(x!.shape, win)),
    vjp: (g, { inputs: [x], output, params: win }) => {
      const weights = maxWeights(x!, output, win);
      const spread = mul(reshape(g, [weights.shape[0]!, 1, weights.shape[2]!]), weights);
      return [reshape(image(spread, planes(x!).shape, win), x!.shape)];
    },
    jvp: ([t], { inputs: [x], output, params: win }) =>
      reshape(sum(mul(cols(planes(t!), win), maxWeights(x!, output, win)), { axis: 1 }), output.shape),
  },
  avgPool2d: {
    describeParams: describeWindow,
    forward: ([x], win) => new Tensor(poolKernel(x!.data, x!.shape, win, 'avg'), pooledShape(x!.shape, win)),
    vjp: (g, { inputs: [x], params: win }) => {
      const P = planes(x!);
      const taps = win.kernel[0] * win.kernel[1];
      const spread = div(reshape(g, [P.shape[0]!, 1, -1]), taps);
      const windows = mul(spread, allOnes(taps, g));
      return [reshape(image(windows, P.shape, win), x!.shape)];
    },
    jvp: ([t], { params: win }) => averagePool(t!, win),
  },
});

function pooledShape(shape: readonly number[], win: Window): number[] {
  const [N, C, H, W] = shape as [number, number, number, number];
  return [N, C, ...windowGrid(H, W, win)];
}

/** A [1, taps, 1] tensor of ones in g's dtype: broadcasts a per-window value to every tap. */
function allOnes(taps: number, g: Tensor): Tensor {
  return new Tensor(allocate(g.dtype, taps).fill(1), [1, taps, 1]);
}

function pair(where: string, name: string, value: unknown, min: number): [number, number] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (ok(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return [value[0], value[1]];
  throw new ArgumentError(
    `${where}: ${name} must be an integer ≥ ${min} or a pair [height, width] of them, got ${describeValue(value)}.`,
  );
}

function expectImage(where: string, what: string, x: Tensor, layout: string): void {
  if (x.ndim !== 4) {
    throw new ShapeError(
      `${where}: ${what} must be 4-D ${layout}, got shape ${formatShape(x.shape)}` +
        (x.ndim === 3 ? '; add a batch axis with unsqueeze(x, 0) for a single image.' : '.'),
    );
  }
}

/** Refuses a window that does not fit the (padded) image, naming the op and the shapes. */
function checkFits(where: string, x: Tensor, win: Window, kernelShape: string): void {
  const [OH, OW] = windowGrid(x.shape[2]!, x.shape[3]!, win);
  if (OH < 1 || OW < 1) {
    throw new ShapeError(
      `${where}: the window ${kernelShape} (stride ${describeValue(win.stride)}, padding ${describeValue(win.padding)}, ` +
        `dilation ${describeValue(win.dilation)}) does not fit the input of shape ${formatShape(x.shape)}; ` +
        `use a smaller kernel or more padding.`,
    );
  }
}

/**
 * 2-D cross-correlation (what deep-learning libraries call convolution) of x [N, C, H, W] with
 * weight [out, C, kh, kw], plus bias [out] when given: y[n, o] = b[o] + Σ_c x[n, c] ⋆ w[o, c].
 * Computed as im2col then one gemm per image; its gradients are gemms too, and it is
 * differentiable to any order.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dOptions): Tensor {
  const t = expectTensor('conv2d', x, 0);
  const w = expectTensor('conv2d', weight, 1);
  const o = checkOptions('conv2d', options, ['stride', 'padding', 'dilation']);
  expectImage('conv2d', 'the input', t, '[N, C, H, W]');
  expectImage('conv2d', 'the weight', w, '[out, in, kh, kw]');
  if (w.shape[1] !== t.shape[1]) {
    throw new ShapeError(
      `conv2d: the input ${formatShape(t.shape)} has ${t.shape[1]} channels but the weight ${formatShape(w.shape)} ` +
        `expects ${w.shape[1]} (weight is [out, in, kh, kw]).`,
    );
  }
  const kernel: [number, number] = [w.shape[2]!, w.shape[3]!];
  if (kernel[0] < 1 || kernel[1] < 1) {
    throw new ShapeError(`conv2d: the weight ${formatShape(w.shape)} has an empty kernel; kh and kw must be ≥ 1.`);
  }
  const win: Window = {
    kernel,
    stride: pair('conv2d', 'stride', o.stride ?? 1, 1),
    padding: pair('conv2d', 'padding', o.padding ?? 0, 0),
    dilation: pair('conv2d', 'dilation', o.dilation ?? 1, 1),
  };
  checkFits('conv2d', t, win, `${kernel[0]}×${kernel[1]} of the weight ${formatShape(w.shape)}`);
  const y = correlate(t, w, win);
  if (bias === undefined || bias === null) return y;
  const b = expectTensor('conv2d', bias, 2);
  if (b.ndim !== 1 || b.shape[0] !== w.shape[0]) {
    throw new ShapeError(
      `conv2d: the bias must have shape [${w.shape[0]}] (one per output channel of the weight ${formatShape(w.shape)}), got ${formatShape(b.shape)}.`,
    );
  }
  return add(y, reshape(b, [1, b.shape[0]!, 1, 1]));
}

function poolWindow(where: string, x: Tensor, options: Pool2dOptions): Window {
  const o = checkOptions(where, options, ['kernelSize', 'stride']);
  expectImage(where, 'the input', x, '[N, C, H, W]');
  if (o.kernelSize === undefined) {
    throw new ArgumentError(`${where}: the option kernelSize is required, e.g. {kernelSize: 2}.`);
  }
  const kernel = pair(where, 'kernelSize', o.kernelSize, 1);
  const win: Window = {
    kernel,
    stride: pair(where, 'stride', o.stride ?? kernel, 1),
    padding: [0, 0],
    dilation: [1, 1],
  };
  checkFits(where, x, win, `${kernel[0]}×${kernel[1]}`);
  return win;
}

/**
 * The largest value of each window of every channel of x [N, C, H, W]; windows tile the image
 * unless `stride` says otherwise. Ties share the gradient evenly, as in {@link max}.
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const t = expectTensor('maxPool2d', x);
  return applyOp(CONV_OPS.maxPool2d, [t], poolWindow('maxPool2d', t, options));
}

/** The mean of each window of every channel of x [N, C, H, W]; see {@link maxPool2d}. */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const t = expectTensor('avgPool2d', x);
  return averagePool(t, poolWindow('avgPool2d', t, options));
}

function windowOf(where: string, options: WindowOptions): Window {
  const o = checkOptions(where, options, ['kernelSize', 'stride', 'padding', 'dilation']);
  if (o.kernelSize === undefined)
    throw new ArgumentError(`${where}: the option kernelSize is required, e.g. {kernelSize: 3}.`);
  return {
    kernel: pair(where, 'kernelSize', o.kernelSize, 1),
    stride: pair(where, 'stride', o.stride ?? 1, 1),
    padding: pair(where, 'padding', o.padding ?? 0, 0),
    dilation: pair(where, 'dilation', o.dilation ?? 1, 1),
  };
}

/**
 * Every window of x [N, C, H, W] laid out as a column: [N, C·kh·kw, OH·OW], zero where a tap
 * falls in the padding (PyTorch's `unfold`). Linear, with {@link col2im} its adjoint.
 */
export function im2col(x: Tensor, options: WindowOptions): Tensor {
  const t = expectTensor('im2col', x);
  expectImage('im2col', 'the input', t, '[N, C, H, W]');
  const win = windowOf('im2col', options);
  checkFits('im2col', t, win, `${win.kernel[0]}×${win.kernel[1]}`);
  return cols(t, win);
}

/**
 * The adjoint of {@link im2col}: sums columns [N, C·kh·kw, OH·OW] back into an image of shape
 * `imageShape` [N, C, H, W] (PyTorch's `fold`); overlapping windows add up.
 */
export function col2im(columns: Tensor, imageShape: readonly number[], options: WindowOptions): Tensor {
  const c = expectTensor('col2im', columns);
  if (
    !Array.isArray(imageShape) ||
    imageShape.length !== 4 ||
    !imageShape.every((d) => Number.isInteger(d) && d >= 0)
  ) {
    throw new ShapeError(
      `col2im: imageShape must be [N, C, H, W] of non-negative integers, got ${describeValue(imageShape)}.`,
    );
  }
  const win = windowOf('col2im', options);
  const [N, C, H, W] = imageShape as [number, number, number, number];
  const [OH, OW] = windowGrid(H, W, win);
  const want = [N, C * win.kernel[0] * win.kernel[1], OH * OW];
  if (OH < 1 || OW < 1 || c.ndim !== 3 || c.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(
      `col2im: columns of shape ${formatShape(c.shape)} do not match the image ${formatShape(imageShape)} with a ` +
        `${win.kernel[0]}×${win.kernel[1]} window (stride ${describeValue(win.stride)}, padding ${describeValue(win.padding)}, ` +
        `dilation ${describeValue(win.dilation)}), which needs columns of shape ${formatShape(want)}.`,
    );
  }
  return image(c, [...imageShape], win);
}
