/**
 * Sliding-window loops over NCHW images: im2col (every window laid out as a column, so that a
 * convolution becomes one matrix product), its adjoint col2im, and the pooling forwards.
 * @packageDocumentation
 */
import { type FloatArray, allocate, dtypeOfArray } from '../dtype.js';

/** The geometry of a 2-D sliding window, each entry [along height, along width]. */
export interface Window {
  /** Window size (kh, kw). */
  readonly kernel: readonly [number, number];
  /** Step between neighbouring windows. */
  readonly stride: readonly [number, number];
  /** Zeros added on each side of the image. */
  readonly padding: readonly [number, number];
  /** Step between the taps of one window (1 for a dense window). */
  readonly dilation: readonly [number, number];
}

/** Number of window positions along one axis of `size` (may be ≤ 0 when the window does not fit). */
export function windowCount(size: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The output height and width of `win` over an image of height `h` and width `w`. */
export function windowGrid(h: number, w: number, win: Window): [number, number] {
  return [
    windowCount(h, win.kernel[0], win.stride[0], win.padding[0], win.dilation[0]),
    windowCount(w, win.kernel[1], win.stride[1], win.padding[1], win.dilation[1]),
  ];
}

/**
 * The one loop over (window tap, output position) pairs inside the image, shared by im2col and
 * col2im so that the two walk identical index pairs and stay exact adjoints: row (c·kh + i)·kw + j,
 * column oh·OW + ow. A flag instead of a callback keeps the inner loop free of calls.
 */
function unfold(img: FloatArray, cols: FloatArray, image: readonly number[], win: Window, adjoint: boolean): void {
  const [N, C, H, W] = image as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [ph, pw] = win.padding;
  const [dh, dw] = win.dilation;
  const [OH, OW] = windowGrid(H, W, win);
  const L = OH * OW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const rowBase = (n * C * kh * kw + (c * kh + i) * kw + j) * L;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh - ph + i * dh;
            if (ih < 0 || ih >= H) continue;
            const src = plane + ih * W;
            const dst = rowBase + oh * OW;
            for (let ow = 0; ow < OW; ow++) {
              const iw = ow * sw - pw + j * dw;
              if (iw < 0 || iw >= W) continue;
              if (adjoint) img[src + iw]! += cols[dst + ow]!;
              else cols[dst + ow] = img[src + iw]!;
            }
          }
        }
      }
    }
  }
}

/**
 * Lays every window of `x` (shape [N, C, H, W]) out as a column: the result is [N, C·kh·kw,
 * OH·OW] in x's dtype, zero where a tap falls in the padding. Row (c·kh + i)·kw + j matches the
 * flattening of a weight [out, C, kh, kw], so a convolution is weight[out, C·kh·kw] · cols.
 */
export function im2colKernel(x: FloatArray, image: readonly number[], win: Window): FloatArray {
  const [N, C, H, W] = image as [number, number, number, number];
  const [OH, OW] = windowGrid(H, W, win);
  const cols = allocate(dtypeOfArray(x), N * C * win.kernel[0] * win.kernel[1] * OH * OW);
  unfold(x, cols, image, win, false);
  return cols;
}

/**
 * The adjoint of {@link im2colKernel}: sums every column entry back into the image position it
 * was read from, giving an image of shape `image` ([N, C, H, W]) in the dtype of `cols`.
 */
export function col2imKernel(cols: FloatArray, image: readonly number[], win: Window): FloatArray {
  const img = allocate(
    dtypeOfArray(cols),
    image.reduce((a, b) => a * b, 1),
  );
  unfold(img, cols, image, win, true);
  return img;
}

/**
 * Max or mean over each window of every plane of `x` ([N, C, H, W], no padding, no dilation):
 * the result is [N, C, OH, OW]. NaN propagates through max.
 */
export function poolKernel(x: FloatArray, image: readonly number[], win: Window, kind: 'max' | 'avg'): FloatArray {
  const [N, C, H, W] = image as [number, number, number, number];
  const [kh, kw] = win.kernel;
  const [sh, sw] = win.stride;
  const [OH, OW] = windowGrid(H, W, win);
  const out = allocate(dtypeOfArray(x), N * C * OH * OW);
  const scale = 1 / (kh * kw);
  let o = 0;
  for (let p = 0; p < N * C; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const base = plane + oh * sh * W + ow * sw;
        let acc = kind === 'max' ? -Infinity : 0;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const v = x[base + i * W + j]!;
            if (kind === 'avg') acc += v;
            else if (v > acc || v !== v) acc = v;
          }
        }
        out[o++] = kind === 'avg' ? acc * scale : acc;
      }
    }
  }
  return out;
}
