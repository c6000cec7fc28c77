import {
  Tensor,
  Rng,
  ArgumentError,
  ShapeError,
  checkOptions,
  formatShape,
  zeros,
  conv2d,
  maxPool2d,
  avgPool2d,
  pad,
  permute,
  reshape,
  slice,
  sum,
  type DType,
  type Pair,
} from '@tapegrad/autograd';
import { Module, type BackpropContext, type LayerBackprop } from '../module.js';
import { Parameter } from '../parameter.js';
import { initLinear, type InitScheme } from '../init.js';
import { allocLike, describeValue, expectPositiveInt, expectTensor } from '../util.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions {
  /** The seeded generator the initial weights are drawn from (required: randomness is never implicit). */
  rng: Rng;
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zeros added on each side of the image (default 0). */
  padding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /**
   * How weight and bias are drawn (default `'normal'`, N(0, 1)); the fan-in is in·kh·kw and the
   * fan-out out·kh·kw, the weight filled as the row-major [out, in·kh·kw] matrix.
   */
  init?: InitScheme;
  /** Element type of the parameters (default 'float64'). */
  dtype?: DType;
}

const CONV_KEYS = ['rng', 'stride', 'padding', 'dilation', 'init', 'dtype'] as const;

function pairOf(where: string, name: string, v: unknown, min: number): [number, number] {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min;
  if (ok(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
  throw new ArgumentError(
    `${where}: ${name} must be an integer ≥ ${min} or a pair [height, width], got ${describeValue(v)}.`,
  );
}

function expectImages(layer: Module, x: unknown, channels?: number): Tensor {
  const t = expectTensor(layer.label(), 'input', x);
  if (t.ndim !== 4 || (channels !== undefined && t.shape[1] !== channels)) {
    throw new ShapeError(
      `${layer.label()}: input has shape ${formatShape(t.shape)} but this layer expects images [N, ${channels ?? 'C'}, H, W]` +
        (t.ndim === 2 ? '; reshape flat rows with x.reshape([N, C, H, W]).' : '.'),
    );
  }
  return t;
}

/**
 * A convolutional layer as in Nielsen's chapter 6: `out` feature maps, each a kernel
 * [in, kh, kw] shared across the image plus a bias, z = b + w ⋆ a (cross-correlation). Weight
 * [out, in, kh, kw], bias [out]; inputs and outputs are NCHW.
 */
export class Conv2d extends Module {
  /** The kernels, shape [outChannels, inChannels, kh, kw]. */
  readonly weight: Parameter;
  /** One bias per feature map, shape [outChannels]. */
  readonly bias: Parameter;
  /** The window size [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  /** Step between windows [along height, along width]. */
  readonly stride: readonly [number, number];
  /** Zeros on each side [height, width]. */
  readonly padding: readonly [number, number];
  /** Spacing between taps [height, width]. */
  readonly dilation: readonly [number, number];

  /**
   * @param inChannels channels of the input images; @param outChannels feature maps;
   * @param kernelSize the window, one number for a square one.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dLayerOptions,
  ) {
    super();
    const where = `Conv2d(${inChannels} → ${outChannels})`;
    expectPositiveInt('Conv2d', 'inChannels', inChannels);
    expectPositiveInt('Conv2d', 'outChannels', outChannels);
    const o = checkOptions(where, options, CONV_KEYS);
    if (!(o.rng instanceof Rng)) {
      throw new ArgumentError(
        `${where}: pass { rng: new Rng(seed) }; initial weights are drawn from an explicit seeded generator.`,
      );
    }
    this.kernelSize = pairOf(where, 'kernelSize', kernelSize, 1);
    this.stride = pairOf(where, 'stride', o.stride ?? 1, 1);
    this.padding = pairOf(where, 'padding', o.padding ?? 0, 0);
    this.dilation = pairOf(where, 'dilation', o.dilation ?? 1, 1);
    const [kh, kw] = this.kernelSize;
    const dtype = o.dtype ?? 'float64';
    const w = zeros([outChannels, inChannels, kh, kw], { dtype });
    const b = zeros([outChannels], { dtype });
    initLinear(w.data, b.data, inChannels * kh * kw, outChannels * kh * kw, o.init ?? 'normal', o.rng);
    this.weight = this.registerParameter('weight', new Parameter(w));
    this.bias = this.registerParameter('bias', new Parameter(b));
  }

  /** z = b + w ⋆ x for images x [N, inChannels, H, W]; gives [N, outChannels, OH, OW]. */
  forward(x: Tensor): Tensor {
    const t = expectImages(this, x, this.inChannels);
    return conv2d(t, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  /**
   * Chapter 6's backprop through a shared-weight layer, for δ = ∂C/∂z [N, out, OH, OW]:
   * - ∂C/∂a is the full correlation of δ with the flipped kernel: δ spread to stride 1 (zeros
   *   between its entries), padded by the kernel's reach, correlated with w flipped in both
   *   spatial axes and with in/out swapped, then cropped to the unpadded image;
   * - ∂C/∂w[o, c] is the correlation of the input plane c with δ[o] (δ as the kernel, its taps
   *   `stride` apart, the input's taps `dilation` apart), summed over the batch;
   * - ∂C/∂b[o] is the sum of δ[o] over the batch and the map (BP3, once per shared bias).
   */
  override backprop(deltaOut: Tensor, { input, needsDeltaIn }: BackpropContext): LayerBackprop {
    const [N, , H, W] = input.shape as [number, number, number, number];
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const [ph, pw] = this.padding;
    const [dh, dw] = this.dilation;
    const [, O, OH, OW] = deltaOut.shape as [number, number, number, number];
    const bias = sum(deltaOut, { axis: [0, 2, 3] });
    // ∂C/∂w: the input (channels as the batch) correlated with δ (the batch as channels).
    const byChannel = conv2d(permute(input, [1, 0, 2, 3]), permute(deltaOut, [1, 0, 2, 3]), null, {
      stride: this.dilation,
      padding: this.padding,
      dilation: this.stride,
    });
    // The correlation may reach past the last tap when the stride leaves rows unread; keep kh × kw.
    const weight = permute(slice(byChannel, [null, null, [0, kh], [0, kw]]), [1, 0, 2, 3]);
    if (!needsDeltaIn) return { deltaIn: null, grads: { weight, bias } };
    // ∂C/∂a: δ with stride − 1 zeros between entries, so the kernel moves one place per entry.
    const spread =
      sh === 1 && sw === 1
        ? deltaOut
        : slice(
            reshape(
              pad(reshape(deltaOut, [N, O, OH, 1, OW, 1]), [
                [0, 0],
                [0, 0],
                [0, 0],
                [0, sh - 1],
                [0, 0],
                [0, sw - 1],
              ]),
              [N, O, OH * sh, OW * sw],
            ),
            [null, null, [0, (OH - 1) * sh + 1], [0, (OW - 1) * sw + 1]],
          );
    const full = conv2d(spread, flippedTransposed(this.weight), null, {
      padding: [dh * (kh - 1), dw * (kw - 1)],
      dilation: this.dilation,
    });
    // `full` covers the padded image up to the last row a window read; rows past it got nothing.
    const padded = pad(full, [
      [0, 0],
      [0, 0],
      [0, H + 2 * ph - full.shape[2]!],
      [0, W + 2 * pw - full.shape[3]!],
    ]);
    const deltaIn = slice(padded, [null, null, [ph, ph + H], [pw, pw + W]]);
    return { deltaIn, grads: { weight, bias } };
  }

  /** `Conv2d(in → out, 5×5)`, with stride, padding and dilation when not the defaults. */
  describe(): string {
    const extra = [
      this.stride[0] !== 1 || this.stride[1] !== 1 ? `stride ${this.stride.join('×')}` : '',
      this.padding[0] !== 0 || this.padding[1] !== 0 ? `padding ${this.padding.join('×')}` : '',
      this.dilation[0] !== 1 || this.dilation[1] !== 1 ? `dilation ${this.dilation.join('×')}` : '',
    ].filter((s) => s !== '');
    return `Conv2d(${this.inChannels} → ${this.outChannels}, ${this.kernelSize.join('×')}${extra.map((s) => `, ${s}`).join('')})`;
  }
}

/** w[o, c, kh − 1 − i, kw − 1 − j] as [c, o, i, j]: the kernel of the backward correlation. */
function flippedTransposed(w: Tensor): Tensor {
  const [O, C, kh, kw] = w.shape as [number, number, number, number];
  const out = allocLike(w);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          out[((c * O + o) * kh + i) * kw + j] = w.data[((o * C + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)]!;
  return new Tensor(out, [C, O, kh, kw]);
}

/** Options of {@link MaxPool2d} and {@link AvgPool2d}: the stride, by default the window size. */
export interface Pool2dLayerOptions {
  /** Step between windows (default: the window size, so windows tile the image). */
  stride?: Pair;
}

abstract class Pool2d extends Module {
  /** The window [kh, kw]. */
  readonly kernelSize: readonly [number, number];
  /** Step between windows [along height, along width]. */
  readonly stride: readonly [number, number];

  constructor(name: string, kernelSize: Pair, options?: Pool2dLayerOptions) {
    super();
    const o = checkOptions(name, options, ['stride']);
    this.kernelSize = pairOf(name, 'kernelSize', kernelSize, 1);
    this.stride = pairOf(name, 'stride', o.stride ?? this.kernelSize, 1);
  }

  /**
   * Spreads δ back over each window with weights `weightOf(window values, pooled value)` per
   * tap: the one loop of both pooling backprops.
   */
  protected spread(
    deltaOut: Tensor,
    input: Tensor,
    output: Tensor,
    weightOf: (x: ArrayLike<number>, at: number, best: number, count: number) => number,
    countOf: (x: ArrayLike<number>, base: number, W: number, best: number) => number,
  ): Tensor {
    const [N, C, H, W] = input.shape as [number, number, number, number];
    const [, , OH, OW] = output.shape as [number, number, number, number];
    const [kh, kw] = this.kernelSize;
    const [sh, sw] = this.stride;
    const x = input.data;
    const out = allocLike(deltaOut, input.size);
    let o = 0;
    for (let p = 0; p < N * C; p++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++, o++) {
          const base = p * H * W + oh * sh * W + ow * sw;
          const best = output.data[o]!;
          const count = countOf(x, base, W, best);
          const d = deltaOut.data[o]!;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const at = base + i * W + j;
              out[at]! += d * weightOf(x, at, best, count);
            }
          }
        }
      }
    }
    return new Tensor(out, input.shape);
  }
}

function windowOf(p: Pool2d): { kernelSize: [number, number]; stride: [number, number] } {
  return { kernelSize: [...p.kernelSize], stride: [...p.stride] };
}

function poolName(kind: string, p: Pool2d): string {
  const tiled = p.stride[0] === p.kernelSize[0] && p.stride[1] === p.kernelSize[1];
  return `${kind}(${p.kernelSize.join('×')}${tiled ? '' : `, stride ${p.stride.join('×')}`})`;
}

/**
 * Max-pooling, as in Nielsen's chapter 6 (2×2 windows after a convolutional layer): each output
 * is the largest activation of its window.
 */
export class MaxPool2d extends Pool2d {
  /** @param kernelSize the window, one number for a square one. */
  constructor(kernelSize: Pair, options?: Pool2dLayerOptions) {
    super('MaxPool2d', kernelSize, options);
  }

  /** The maximum of each window of every channel of x [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    return maxPool2d(expectImages(this, x), windowOf(this));
  }

  /**
   * δ goes to the input that was the maximum of its window (the only one that moved the output);
   * ties share it evenly, as the max op does, so the comparison with the tape is exact.
   */
  override backprop(deltaOut: Tensor, { input, output }: BackpropContext): LayerBackprop {
    const [kh, kw] = this.kernelSize;
    const deltaIn = this.spread(
      deltaOut,
      input,
      output,
      (x, at, best, count) => (x[at] === best ? 1 / count : 0),
      (x, base, W, best) => {
        let n = 0;
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) if (x[base + i * W + j] === best) n++;
        return n;
      },
    );
    return { deltaIn, grads: {} };
  }

  /** `MaxPool2d(2×2)`. */
  describe(): string {
    return poolName('MaxPool2d', this);
  }
}

/** Average-pooling (L2-pooling's plainer cousin in Nielsen's chapter 6): the mean of each window. */
export class AvgPool2d extends Pool2d {
  /** @param kernelSize the window, one number for a square one. */
  constructor(kernelSize: Pair, options?: Pool2dLayerOptions) {
    super('AvgPool2d', kernelSize, options);
  }

  /** The mean of each window of every channel of x [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    return avgPool2d(expectImages(this, x), windowOf(this));
  }

  /** Each input of a window moved the mean by 1/(kh·kw), so it gets δ/(kh·kw). */
  override backprop(deltaOut: Tensor, { input, output }: BackpropContext): LayerBackprop {
    const taps = this.kernelSize[0] * this.kernelSize[1];
    return {
      deltaIn: this.spread(
        deltaOut,
        input,
        output,
        () => 1 / taps,
        () => taps,
      ),
      grads: {},
    };
  }

  /** `AvgPool2d(2×2)`. */
  describe(): string {
    return poolName('AvgPool2d', this);
  }
}
