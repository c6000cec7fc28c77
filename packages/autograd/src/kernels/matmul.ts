/**
 * Raw matrix-multiply loops over TypedArrays (no tape).
 *
 * The kernel follows the classic packed-GEMM layout: op(B) is copied, a block of KC rows by NC
 * columns at a time, into column panels 4 wide; op(A) is copied into row panels 4 high; a
 * register-blocked 4×4 micro-kernel then multiplies one A panel by one B panel, reading both
 * contiguously and keeping the 16 partial sums in locals. Packing is where transposed operands
 * are handled, so Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ cost the same as A·B and never materialise a transpose.
 *
 * Panels are always Float64Array, whatever the input dtype: V8 then sees one element kind in the
 * micro-kernel (monomorphic loads, the hot loop stays optimised), and float32 products are summed
 * in float64, rounded to float32 only when added into the output (once per KC block).
 */
import { allocate, type DType, type FloatArray } from '../dtype.js';
import { useWasm } from './backend.js';
import { wasmGemm } from './wasm/gemm.js';

/** Rows of op(A) per packed panel (micro-kernel height). */
const MR = 4;
/** Columns of op(B) per packed panel (micro-kernel width). */
const NR = 4;
/** Depth of one packed block: keeps an A panel (MR·KC doubles = 8 KiB) in L1. */
const KC = 256;
/** Width of one packed B block: KC·NC doubles = 512 KiB, sized for L2. */
const NC = 256;
/**
 * Below this many multiply-adds, or when op(A) has fewer rows / op(B) fewer columns than a panel,
 * a direct strided loop wins: packing would cost as much as the product, and padding a 1-row
 * operand to 4 rows would waste 3/4 of the micro-kernel's work.
 */
const DIRECT_LIMIT = 4096;
/**
 * From this many multiply-adds up, the SIMD128 module (when selected) beats the direct loop despite
 * the call and the operand copies: measured 1.5–4× faster at 8×8×8, 0.7× at 4×4×4.
 */
const WASM_MIN = 256;

// Scratch panels, allocated once and reused: the kernel is synchronous and not re-entrant, so a
// single pair serves every call without per-call allocation.
let packedA: Float64Array | null = null;
let packedB: Float64Array | null = null;
// Spill tile for edge blocks (only part of the 4×4 result lies inside the output) and for
// float32 outputs (see c64 in gemm).
const tile = new Float64Array(MR * NR);

/**
 * c[m×n] = op(A)[m×k] · op(B)[k×n] on row-major blocks starting at the given offsets, where
 * op(A) = A (stored m×k) or Aᵀ (A stored k×m) when `transA`, and likewise op(B) = B (stored k×n)
 * or Bᵀ (B stored n×k) when `transB`. `c` is the output array, whose block at `cOff` is
 * overwritten, never read (so the SIMD128 path copies nothing in for it), or the dtype of a new
 * m×n output. Returns the array written. A new output from the SIMD128 module is copied out of
 * its memory straight into a new array, skipping the zero-fill of a preallocated one: at 256×256
 * in float64 that took half as long as a new array filled by `set`. Every product is computed (no
 * zero skipping), so NaN and ±Infinity propagate exactly as in the textbook triple loop; only the
 * summation order differs.
 *
 * Runs on the selected backend (kernels/backend.ts): the SIMD128 module for products above
 * {@link WASM_MIN} multiply-adds, else {@link gemmJs}.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray | DType,
  cOff = 0,
): FloatArray {
  if (m * n * k >= WASM_MIN && useWasm()) {
    const written = wasmGemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
    if (written !== null) return written;
  }
  if (typeof c !== 'string') {
    gemmJs(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
    return c;
  }
  const out = allocate(c, m * n);
  gemmJs(transA, transB, m, n, k, a, aOff, b, bOff, out, 0);
  return out;
}

/** {@link gemm} on the TypeScript kernel, whatever the backend (float32 products summed in float64). */
export function gemmJs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
  c: FloatArray,
  cOff: number,
): void {
  if (m === 0 || n === 0) return;
  // The loops below accumulate, so the block starts from zero (k = 0 leaves it zero).
  c.fill(0, cOff, cOff + m * n);
  if (k === 0) return;
  // Element (i, p) of op(A) is a[aOff + i·rsA + p·csA]; element (p, j) of op(B) is b[bOff + p·rsB + j·csB].
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  if (m < MR || n < NR || m * n * k <= DIRECT_LIMIT) {
    directProduct(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff);
    return;
  }
  // The micro-kernel only ever sees Float64Array outputs (this one, or the tile for float32 and
  // edge blocks), so its loads and stores stay monomorphic whatever dtypes the caller mixes.
  const c64 = c instanceof Float64Array ? c : null;
  const pa = (packedA ??= new Float64Array(MR * KC));
  const pb = (packedB ??= new Float64Array(KC * NC));
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      for (let jj = 0; jj < nc; jj += NR) {
        packPanel(b, bOff + p0 * rsB + (j0 + jj) * csB, csB, rsB, Math.min(NR, nc - jj), kc, pb, jj * kc);
      }
      for (let i0 = 0; i0 < m; i0 += MR) {
        const rows = Math.min(MR, m - i0);
        packPanel(a, aOff + i0 * rsA + p0 * csA, rsA, csA, rows, kc, pa, 0);
        for (let jj = 0; jj < nc; jj += NR) {
          const cols = Math.min(NR, nc - jj);
          const co = cOff + i0 * n + j0 + jj;
          if (c64 !== null && rows === MR && cols === NR) {
            microKernel(pa, pb, jj * kc, kc, c64, co, n);
          } else {
            tile.fill(0);
            microKernel(pa, pb, jj * kc, kc, tile, 0, NR);
            addTile(c, co, n, rows, cols);
          }
        }
      }
    }
  }
}

/** c[rows×cols at co, row stride ldc] += the top-left of the tile (edge blocks, float32 outputs). */
function addTile(c: FloatArray, co: number, ldc: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) c[co + r * ldc + q] = c[co + r * ldc + q]! + tile[r * NR + q]!;
  }
}

/**
 * Copies a `lanes`×`depth` strip (lane l, step p at src[off + l·laneStride + p·depthStride]) into
 * dst[dOff + p·4 + l], padding missing lanes with zeros. The padded lanes only feed micro-kernel
 * results that are discarded, so a 0·Infinity there never reaches the output.
 */
function packPanel(
  src: FloatArray,
  off: number,
  laneStride: number,
  depthStride: number,
  lanes: number,
  depth: number,
  dst: Float64Array,
  dOff: number,
): void {
  for (let l = 0; l < 4; l++) {
    let d = dOff + l;
    if (l < lanes) {
      let s = off + l * laneStride;
      for (let p = 0; p < depth; p++, s += depthStride, d += 4) dst[d] = src[s]!;
    } else {
      for (let p = 0; p < depth; p++, d += 4) dst[d] = 0;
    }
  }
}

/**
 * c[4×4 at co, row stride ldc] += Apanel · Bpanel over `kc` steps. The 16 sums live in locals
 * (V8 keeps most in registers); each step loads 8 contiguous doubles for 16 multiply-adds.
 */
function microKernel(
  pa: Float64Array,
  pb: Float64Array,
  bo: number,
  kc: number,
  c: Float64Array,
  co: number,
  ldc: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let ao = 0;
  for (let p = 0; p < kc; p++, ao += 4, bo += 4) {
    const a0 = pa[ao]!,
      a1 = pa[ao + 1]!,
      a2 = pa[ao + 2]!,
      a3 = pa[ao + 3]!;
    const b0 = pb[bo]!,
      b1 = pb[bo + 1]!,
      b2 = pb[bo + 2]!,
      b3 = pb[bo + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  let o = co;
  c[o] = c[o]! + c00;
  c[o + 1] = c[o + 1]! + c01;
  c[o + 2] = c[o + 2]! + c02;
  c[o + 3] = c[o + 3]! + c03;
  o += ldc;
  c[o] = c[o]! + c10;
  c[o + 1] = c[o + 1]! + c11;
  c[o + 2] = c[o + 2]! + c12;
  c[o + 3] = c[o + 3]! + c13;
  o += ldc;
  c[o] = c[o]! + c20;
  c[o + 1] = c[o + 1]! + c21;
  c[o + 2] = c[o + 2]! + c22;
  c[o + 3] = c[o + 3]! + c23;
  o += ldc;
  c[o] = c[o]! + c30;
  c[o + 1] = c[o + 1]! + c31;
  c[o + 2] = c[o + 2]! + c32;
  c[o + 3] = c[o + 3]! + c33;
}

/** The unpacked strided dot-product loop, for small or skinny products (see DIRECT_LIMIT). */
function directProduct(
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  rsA: number,
  csA: number,
  b: FloatArray,
  bOff: number,
  rsB: number,
  csB: number,
  c: FloatArray,
  cOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const rowA = aOff + i * rsA;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = rowA;
      let pb = bOff + j * csB;
      for (let p = 0; p < k; p++, pa += csA, pb += rsB) s += a[pa]! * b[pb]!;
      const o = cOff + i * n + j;
      c[o] = c[o]! + s;
    }
  }
}
