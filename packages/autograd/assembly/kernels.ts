/**
 * The WebAssembly SIMD128 kernels of tapegrad (AssemblyScript, compiled by
 * `scripts/build-wasm.mjs` into `src/kernels/wasm/module.generated.ts`).
 *
 * The module owns no memory: it imports `env.memory`, and every argument is a byte offset into
 * it chosen by the TypeScript side (`src/kernels/wasm/arena.ts`). Nothing here allocates, keeps
 * state between calls or writes outside the ranges it is given, so several threads may later
 * share one memory: each passes its own scratch block and its own rows/columns of the output.
 */

/** Rows of op(A) per packed panel: the micro-kernel's height. */
const MR: i32 = 4;
/** Depth of one packed block (elements). */
const KC: i32 = 256;
/** Width of one packed block of op(B) (elements). */
const NC: i32 = 256;

/** Bytes of scratch one gemm call needs for elements of `size` bytes (A panel, B block, edge tile). */
export function gemmScratchBytes(size: i32): i32 {
  return (MR * KC + KC * NC + MR * 8) * size;
}

/**
 * C[rowStart:rowEnd, colStart:colEnd] = op(A) · op(B) in float64, where A (m×k, or k×m when
 * `transA`), B (k×n, or n×k when `transB`) and C (m×n) are row-major at byte offsets a, b, c.
 * `scratch` points at `gemmScratchBytes(8)` bytes aligned to 16 that no other caller uses.
 * The rectangle of C is overwritten, never read: the caller need not copy or clear it first.
 */
export function gemmF64(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  b: usize,
  c: usize,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  scratch: usize,
): void {
  gemm<f64>(transA, transB, m, n, k, a, b, c, rowStart, rowEnd, colStart, colEnd, scratch);
}

/** As {@link gemmF64} in float32, summing in float32 (4 lanes); scratch is `gemmScratchBytes(4)`. */
export function gemmF32(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  b: usize,
  c: usize,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  scratch: usize,
): void {
  gemm<f32>(transA, transB, m, n, k, a, b, c, rowStart, rowEnd, colStart, colEnd, scratch);
}

// Packed layout: an A panel holds element (r, p) at p·MR + r; a B panel (NR = two vectors wide)
// holds element (p, q) at p·NR + q, panels of one block side by side. Panels are zero-padded, and
// the padded rows/columns only reach the edge tile, never C, so 0·Infinity there is harmless.
function gemm<T>(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  b: usize,
  c: usize,
  rowStart: i32,
  rowEnd: i32,
  colStart: i32,
  colEnd: i32,
  scratch: usize,
): void {
  const size = <i32>sizeof<T>();
  const NR = 32 / size;
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  const pa = scratch;
  const pb = pa + <usize>(MR * KC * size);
  const tile = pb + <usize>(KC * NC * size);
  if (k == 0) {
    for (let r = rowStart; r < rowEnd; r++) {
      memory.fill(c + <usize>((r * n + colStart) * size), 0, <usize>((colEnd - colStart) * size));
    }
    return;
  }
  for (let j0 = colStart; j0 < colEnd; j0 += NC) {
    const nc = min(NC, colEnd - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      // The first block of the depth writes C; later blocks add to it.
      const add = p0 > 0;
      for (let jj = 0; jj < nc; jj += NR) {
        pack<T>(b, p0 * rsB + (j0 + jj) * csB, csB, rsB, min(NR, nc - jj), NR, kc, pb + <usize>(jj * kc * size));
      }
      for (let i0 = rowStart; i0 < rowEnd; i0 += MR) {
        const rows = min(MR, rowEnd - i0);
        pack<T>(a, i0 * rsA + p0 * csA, rsA, csA, rows, MR, kc, pa);
        for (let jj = 0; jj < nc; jj += NR) {
          const cols = min(NR, nc - jj);
          const panel = pb + <usize>(jj * kc * size);
          const co = c + <usize>((i0 * n + j0 + jj) * size);
          if (rows == MR && cols == NR) {
            micro<T>(pa, panel, kc, co, n * size, add);
          } else {
            micro<T>(pa, panel, kc, tile, NR * size, false);
            for (let r = 0; r < rows; r++) {
              for (let q = 0; q < cols; q++) {
                const at = co + <usize>((r * n + q) * size);
                const v = load<T>(tile + <usize>((r * NR + q) * size));
                store<T>(at, add ? load<T>(at) + v : v);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Copies a lanes×depth strip (lane l, step p at element src[off + l·laneStride + p·depthStride])
 * to dst[p·width + l], zero-filling lanes ≥ `lanes`. Contiguous full-width rows (the usual B
 * panel) are copied as vectors.
 */
function pack<T>(
  src: usize,
  off: i32,
  laneStride: i32,
  depthStride: i32,
  lanes: i32,
  width: i32,
  depth: i32,
  dst: usize,
): void {
  const size = <i32>sizeof<T>();
  const base = src + <usize>(off * size);
  const row = <usize>(width * size);
  if (laneStride == 1 && lanes == width) {
    let s = base;
    const step = <usize>(depthStride * size);
    let d = dst;
    for (let p = 0; p < depth; p++, s += step, d += row) {
      for (let v: usize = 0; v < row; v += 16) v128.store(d + v, v128.load(s + v));
    }
    return;
  }
  if (lanes < width) memory.fill(dst, 0, <usize>(width * depth * size));
  for (let l = 0; l < lanes; l++) {
    let s = base + <usize>(l * laneStride * size);
    const step = <usize>(depthStride * size);
    let d = dst + <usize>(l * size);
    for (let p = 0; p < depth; p++, s += step, d += row) store<T>(d, load<T>(s));
  }
}

/**
 * c[MR×NR at `c`, row stride `ldc` bytes] = Apanel · Bpanel over `kc` steps, plus c's old value
 * when `add`: eight vector sums (4 rows × 2 vectors) in locals, one splat per A element and two
 * vector loads per step of B.
 */
function micro<T>(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, add: bool): void {
  const size = <usize>sizeof<T>();
  let c00 = v128.splat<T>(0);
  let c01 = c00,
    c10 = c00,
    c11 = c00,
    c20 = c00,
    c21 = c00,
    c30 = c00,
    c31 = c00;
  let ap = pa;
  let bp = pb;
  for (let p = 0; p < kc; p++, ap += 4 * size, bp += 32) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let s = splatAt<T>(ap);
    c00 = v128.add<T>(c00, v128.mul<T>(s, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(s, b1));
    s = splatAt<T>(ap + size);
    c10 = v128.add<T>(c10, v128.mul<T>(s, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(s, b1));
    s = splatAt<T>(ap + 2 * size);
    c20 = v128.add<T>(c20, v128.mul<T>(s, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(s, b1));
    s = splatAt<T>(ap + 3 * size);
    c30 = v128.add<T>(c30, v128.mul<T>(s, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(s, b1));
  }
  let o = c;
  const step = <usize>ldc;
  if (add) {
    c00 = v128.add<T>(c00, v128.load(o));
    c01 = v128.add<T>(c01, v128.load(o, 16));
    c10 = v128.add<T>(c10, v128.load(o + step));
    c11 = v128.add<T>(c11, v128.load(o + step, 16));
    c20 = v128.add<T>(c20, v128.load(o + 2 * step));
    c21 = v128.add<T>(c21, v128.load(o + 2 * step, 16));
    c30 = v128.add<T>(c30, v128.load(o + 3 * step));
    c31 = v128.add<T>(c31, v128.load(o + 3 * step, 16));
  }
  v128.store(o, c00);
  v128.store(o, c01, 16);
  o += step;
  v128.store(o, c10);
  v128.store(o, c11, 16);
  o += step;
  v128.store(o, c20);
  v128.store(o, c21, 16);
  o += step;
  v128.store(o, c30);
  v128.store(o, c31, 16);
}

/** All lanes set to the element at `ptr`. */
function splatAt<T>(ptr: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_splat(ptr);
  return v128.load32_splat(ptr);
}
