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

/**
 * op(A)·op(B) as {@link gemm} in kernels/matmul.ts: into `c` at `cOff` when `c` is an array, else
 * into a new array of dtype `c`, sliced out of the module's memory (a slice is allocated without
 * the zero-fill of a new array, and is a plain, unshared array like any other tensor's). Returns
 * the array written, or null, having touched nothing, when the module is not loaded, the dtypes
 * mix (see below) or its memory cannot hold the operands.
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
  c: FloatArray | DType,
  cOff = 0,
): FloatArray | null {
  const wasm = wasmKernels();
  if (wasm === null) return null;
  const f64 = typeof c === 'string' ? c === 'float64' : c instanceof Float64Array;
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
  const at = cPtr / size;
  if (typeof c === 'string') return view.slice(at, at + m * n);
  c.set(view.subarray(at, at + m * n), cOff);
  return c;
}
