/**
 * Naive reference implementations for the op-table tests: plain loops over multi-indices, no
 * strides tricks, no code shared with the library, so a bug in a kernel cannot hide in both.
 */

/** A reference array: a shape and its row-major values. */
export interface Arr {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** Number of elements of a shape. */
export function count(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The multi-index of flat position `i`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = rest % shape[d]!;
    rest = Math.floor(rest / shape[d]!);
  }
  return idx;
}

/** The flat position of multi-index `idx`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d]! + idx[d]!;
  return i;
}

/** Builds an array of `shape` by calling `f` on every multi-index. */
export function build(shape: readonly number[], f: (idx: number[]) => number): Arr {
  const data: number[] = [];
  for (let i = 0; i < count(shape); i++) data.push(f(unravel(i, shape)));
  return { shape: [...shape], data };
}

/** The element at `idx` (exact rank). */
export function at(a: Arr, idx: readonly number[]): number {
  return a.data[ravel(idx, a.shape)]!;
}

/** Reads `a` as if broadcast to an index of a larger shape (aligned right, size 1 repeats). */
export function atBroadcast(a: Arr, idx: readonly number[]): number {
  const off = idx.length - a.shape.length;
  return at(
    a,
    a.shape.map((d, k) => (d === 1 ? 0 : idx[off + k]!)),
  );
}

/** NumPy broadcasting of several shapes. */
export function broadcastAll(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - n + k] ?? 1;
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

/** Elementwise function of several broadcast operands. */
export function zipWith(arrs: readonly Arr[], f: (...v: number[]) => number): Arr {
  const shape = broadcastAll(...arrs.map((a) => a.shape));
  return build(shape, (idx) => f(...arrs.map((a) => atBroadcast(a, idx))));
}

/** Resolves an axis option as the library documents it (undefined = all; negatives from the end). */
export function resolveAxes(axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + ndim : a)).sort((x, y) => x - y);
}

/** Folds the lists of values that share an output position over `axes`. */
export function reduce(a: Arr, axes: readonly number[], keepdims: boolean, f: (values: number[]) => number): Arr {
  const kept = a.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const groups: number[][] = Array.from({ length: count(kept) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, k) => (axes.includes(k) ? 0 : v));
    groups[ravel(idx, kept)]!.push(a.data[i]!);
  }
  const shape = keepdims ? kept : a.shape.filter((_, k) => !axes.includes(k));
  return { shape, data: groups.map(f) };
}

/** Applies `f` to each lane along `axes` and writes its outputs back in place (softmax-like ops). */
export function perLane(a: Arr, axes: readonly number[], f: (lane: number[]) => number[]): Arr {
  const kept = a.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const lanes: number[][] = Array.from({ length: count(kept) }, () => []);
  const laneOf: number[] = [];
  for (let i = 0; i < a.data.length; i++) {
    const key = ravel(
      unravel(i, a.shape).map((v, k) => (axes.includes(k) ? 0 : v)),
      kept,
    );
    laneOf.push(key);
    lanes[key]!.push(a.data[i]!);
  }
  const results = lanes.map(f);
  const cursor = lanes.map(() => 0);
  return { shape: [...a.shape], data: laneOf.map((key) => results[key]![cursor[key]!++]!) };
}

/** Matrix product with NumPy semantics (1-D operands promoted and their dim dropped). */
export function matmul(a: Arr, b: Arr): Arr {
  const A = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a;
  const B = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b;
  const m = A.shape[A.shape.length - 2]!;
  const k = A.shape[A.shape.length - 1]!;
  const n = B.shape[B.shape.length - 1]!;
  const batch = broadcastAll(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const full = build([...batch, m, n], (idx) => {
    const bi = idx.slice(0, -2);
    const i = idx[idx.length - 2]!;
    const j = idx[idx.length - 1]!;
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += readBatched(A, bi, i, p) * readBatched(B, bi, p, j);
    }
    return s;
  });
  const shape = [...full.shape];
  if (b.shape.length === 1) shape.splice(shape.length - 1, 1);
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return { shape, data: full.data };
}

function readBatched(a: Arr, batchIdx: readonly number[], r: number, c: number): number {
  const bshape = a.shape.slice(0, -2);
  const off = batchIdx.length - bshape.length;
  const idx = bshape.map((d, k) => (d === 1 ? 0 : batchIdx[off + k]!));
  return at(a, [...idx, r, c]);
}

/** A window in the naive references' terms: [height, width] pairs. */
export interface NaiveWindow {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Output height and width of a window over an h × w image. */
export function windowOut(h: number, w: number, win: NaiveWindow): [number, number] {
  const out = (size: number, a: 0 | 1): number =>
    Math.floor((size + 2 * win.padding[a] - win.dilation[a] * (win.kernel[a] - 1) - 1) / win.stride[a]) + 1;
  return [out(h, 0), out(w, 1)];
}

/** x[n, c, ih, iw] for the tap (i, j) of output position (oh, ow), or null in the padding. */
function tap(
  x: Arr,
  n: number,
  c: number,
  oh: number,
  ow: number,
  i: number,
  j: number,
  win: NaiveWindow,
): number | null {
  const ih = oh * win.stride[0] - win.padding[0] + i * win.dilation[0];
  const iw = ow * win.stride[1] - win.padding[1] + j * win.dilation[1];
  if (ih < 0 || iw < 0 || ih >= x.shape[2]! || iw >= x.shape[3]!) return null;
  return at(x, [n, c, ih, iw]);
}

/** The textbook cross-correlation sum, y[n,o,oh,ow] = b[o] + Σ_{c,i,j} x[n,c,…]·w[o,c,i,j]. */
export function conv2d(x: Arr, w: Arr, b: Arr | null, win: NaiveWindow): Arr {
  const [N, C, H, W] = x.shape as number[];
  const [O, , kh, kw] = w.shape as number[];
  const [OH, OW] = windowOut(H!, W!, win);
  return build([N!, O!, OH, OW], ([n, o, oh, ow]) => {
    let s = b ? b.data[o!]! : 0;
    for (let c = 0; c < C!; c++)
      for (let i = 0; i < kh!; i++)
        for (let j = 0; j < kw!; j++) s += (tap(x, n!, c, oh!, ow!, i, j, win) ?? 0) * at(w, [o!, c, i, j]);
    return s;
  });
}

/** Every window as a column: [N, C·kh·kw, OH·OW]. */
export function im2col(x: Arr, win: NaiveWindow): Arr {
  const [N, C, H, W] = x.shape as number[];
  const [kh, kw] = win.kernel;
  const [OH, OW] = windowOut(H!, W!, win);
  return build([N!, C! * kh * kw, OH * OW], ([n, r, l]) => {
    const c = Math.floor(r! / (kh * kw));
    const i = Math.floor((r! % (kh * kw)) / kw);
    return tap(x, n!, c, Math.floor(l! / OW), l! % OW, i, r! % kw, win) ?? 0;
  });
}

/** The adjoint of im2col, from its definition: each image entry sums the column entries that read it. */
export function col2im(cols: Arr, image: readonly number[], win: NaiveWindow): Arr {
  const [H, W] = image.slice(2) as number[];
  const [kh, kw] = win.kernel;
  const [OH, OW] = windowOut(H!, W!, win);
  return build([...image], ([n, c, h, w]) => {
    let s = 0;
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            const ih = oh * win.stride[0] - win.padding[0] + i * win.dilation[0];
            const iw = ow * win.stride[1] - win.padding[1] + j * win.dilation[1];
            if (ih === h && iw === w) s += at(cols, [n!, (c! * kh + i) * kw + j, oh * OW + ow]);
          }
    return s;
  });
}

/** Max or mean of each window of every plane (no padding, no dilation). */
export function pool2d(x: Arr, kernel: [number, number], stride: [number, number], f: (v: number[]) => number): Arr {
  const win: NaiveWindow = { kernel, stride, padding: [0, 0], dilation: [1, 1] };
  const [N, C, H, W] = x.shape as number[];
  const [OH, OW] = windowOut(H!, W!, win);
  return build([N!, C!, OH, OW], ([n, c, oh, ow]) => {
    const v: number[] = [];
    for (let i = 0; i < kernel[0]; i++)
      for (let j = 0; j < kernel[1]; j++) v.push(tap(x, n!, c!, oh!, ow!, i, j, win)!);
    return f(v);
  });
}
