/** Raw matrix-multiply loops over TypedArrays (no tape). */
import type { FloatArray } from '../dtype.js';

/**
 * out[m×n] += a[m×k] · b[k×n] for row-major blocks at the given offsets. The i-k-j loop order
 * streams rows of b and out contiguously, which is what makes it cache-friendly.
 */
export function matmulInto(
  a: FloatArray, aOff: number,
  b: FloatArray, bOff: number,
  out: FloatArray, outOff: number,
  m: number, k: number, n: number,
): void {
  for (let i = 0; i < m; i++) {
    const rowOut = outOff + i * n;
    const rowA = aOff + i * k;
    for (let p = 0; p < k; p++) {
      const av = a[rowA + p]!;
      const rowB = bOff + p * n;
      for (let j = 0; j < n; j++) out[rowOut + j] = out[rowOut + j]! + av * b[rowB + j]!;
    }
  }
}
