/**
 * gemm on the SIMD128 module: operands are copied into the arena (O(n²) beside the O(n³)
 * product), the module packs and multiplies, and the result block is copied back. The output is
 * written, never read, so nothing is copied in for it.
 *
 * float64 outputs sum in float64 (two lanes). float32 outputs sum in float32 (four lanes), as
 * BLAS sgemm does, where the TypeScript kernel sums float32 products in float64; the two agree to
 * the bound in docs/backends.md.
 */
import type { DType, FloatArray } from '../../dtype.js';
import { align16, reserve, viewF32, viewF64 } from './arena.js';
import { wasmKernels } from './instance.js';
import { runParallel, wakePool } from './pool.js';
import { gemmThreads } from '../threads.js';

/** Scratch bytes per element size, queried once from the module. */
const scratchBytes: number[] = [];

/** Where a product computed in the module's memory sits, for the caller to copy out. */
interface Computed {
  readonly view: Float32Array | Float64Array;
  /** Element index of C in `view`. */
  readonly at: number;
}

/**
 * Computes op(A)·op(B) into the arena, returning where C sits, or null, having touched nothing,
 * when the module is not loaded, the dtypes mix (see below) or its memory cannot hold the operands.
 */
function compute(
  f64: boolean,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
): Computed | null {
  const wasm = wasmKernels();
  if (wasm === null) return null;
  // A float32 output with a float64 operand would narrow that operand: the TypeScript kernel
  // handles the mix instead (promotion never produces it).
  if (!f64 && (a instanceof Float64Array || b instanceof Float64Array)) return null;
  const size = f64 ? 8 : 4;
  const aLen = m * k;
  const bLen = k * n;
  const aPtr = 0;
  const bPtr = align16(aPtr + aLen * size);
  const cPtr = align16(bPtr + bLen * size);
  const scratch = align16(cPtr + m * n * size);
  const threads = gemmThreads(wasm, m, n, k);
  // Waking the workers now lets their wake-up latency pass while the operands are copied.
  if (threads > 1) wakePool();
  const stride = align16((scratchBytes[size] ??= wasm.exports.gemmScratchBytes(size)));
  const need = scratch + threads * stride;
  // The module computes byte offsets in i32: beyond 2 GiB the TypeScript kernel takes over.
  if (need > 0x7fffffff || !reserve(wasm, need)) return null;
  const view = f64 ? viewF64(wasm) : viewF32(wasm);
  view.set(aOff === 0 && a.length === aLen ? a : a.subarray(aOff, aOff + aLen), aPtr / size);
  view.set(bOff === 0 && b.length === bLen ? b : b.subarray(bOff, bOff + bLen), bPtr / size);
  if (threads > 1) {
    runParallel(f64, transA, transB, m, n, k, aPtr, bPtr, cPtr, scratch, stride);
  } else {
    const run = f64 ? wasm.exports.gemmF64 : wasm.exports.gemmF32;
    run(transA ? 1 : 0, transB ? 1 : 0, m, n, k, aPtr, bPtr, cPtr, 0, m, 0, n, scratch);
  }
  return { view, at: cPtr / size };
}

/**
 * c[m×n at cOff] = op(A)·op(B) as {@link gemm} in kernels/matmul.ts; returns false, having
 * touched nothing, when the module is not loaded or its memory cannot hold the operands.
 */
export function wasmGemm(
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
): boolean {
  const done = compute(c instanceof Float64Array, transA, transB, m, n, k, a, aOff, b, bOff);
  if (done === null) return false;
  c.set(done.view.subarray(done.at, done.at + m * n), cOff);
  return true;
}

/**
 * op(A)·op(B) as a new m×n array of `dtype`, or null as for {@link wasmGemm}. The result is
 * sliced out of the module's memory: a slice is allocated without the zero-fill of a new array,
 * and it is a plain (unshared) array like any other tensor's.
 */
export function wasmGemmNew(
  dtype: DType,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOff: number,
  b: FloatArray,
  bOff: number,
): FloatArray | null {
  const done = compute(dtype === 'float64', transA, transB, m, n, k, a, aOff, b, bOff);
  return done === null ? null : done.view.slice(done.at, done.at + m * n);
}
