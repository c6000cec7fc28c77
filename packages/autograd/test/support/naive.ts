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
