/** Linear algebra: matmul with NumPy semantics, its forward kernel beside its vjp. */
import { allocate, promoteTypes } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, checkSize, formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gemm } from '../kernels/matmul.js';
import { applyOp, defineOps } from './define.js';
import type { MatmulParams } from './params.js';
import { checkOptions } from '../options.js';
import { expectTensor } from './operands.js';
import { reshape } from './movement.js';
import { tangentSum } from './elementwise.js';

/** The four parameter objects, shared so that recording a matmul allocates no params. */
const PARAMS: readonly MatmulParams[] = [
  { transA: false, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: false },
  { transA: true, transB: true },
];

function paramsOf(transA: boolean, transB: boolean): MatmulParams {
  return PARAMS[(transA ? 2 : 0) + (transB ? 1 : 0)]!;
}

/** The recorded matmul op, its forward beside its vjp. */
export const LINALG_OPS = defineOps({
  /**
   * The recorded op: op(A)·op(B) on operands of rank ≥ 2 (batch dims broadcast), where op
   * transposes the last two dimensions when its flag is set. The kernel reads transposed operands
   * in place, and mixed dtypes directly (float32 values widen exactly), so no cast or transpose is
   * ever materialised, in the forward or in the vjp.
   */
  matmul: {
    describeParams: ({ transA, transB }) =>
      [transA ? 'transposeA' : '', transB ? 'transposeB' : ''].filter(Boolean).join(', '),
    forward: ([a, b], { transA, transB }) => {
      const A = a!;
      const B = b!;
      const dtype = promoteTypes(A.dtype, B.dtype);
      const ra = A.ndim;
      const rb = B.ndim;
      const m = A.shape[transA ? ra - 1 : ra - 2]!;
      const k = A.shape[transA ? ra - 2 : ra - 1]!;
      const n = B.shape[transB ? rb - 2 : rb - 1]!;
      if (ra === 2 && rb === 2) {
        return new Tensor(gemm(transA, transB, m, n, k, A.data, 0, B.data, 0, dtype), [m, n]);
      }
      const batchA = A.shape.slice(0, -2);
      const batchB = B.shape.slice(0, -2);
      const batch = broadcastShapes('matmul', batchA, batchB);
      const out = allocate(dtype, sizeOf(batch) * m * n);
      const sa = broadcastStrides(batchA, batch);
      const sb = broadcastStrides(batchB, batch);
      const count = sizeOf(batch);
      for (let bi = 0; bi < count; bi++) {
        let rest = bi;
        let offA = 0;
        let offB = 0;
        for (let d = batch.length - 1; d >= 0; d--) {
          const idx = rest % batch[d]!;
          rest = (rest - idx) / batch[d]!;
          offA += idx * sa[d]!;
          offB += idx * sb[d]!;
        }
        gemm(transA, transB, m, n, k, A.data, offA * m * k, B.data, offB * k * n, out, bi * m * n);
      }
      return new Tensor(out, [...batch, m, n]);
    },
    // With C = op(A)·op(B) and G = ∂C: ∂op(A) = G·op(B)ᵀ and ∂op(B) = op(A)ᵀ·G; each is rewritten
    // so the gradient comes out in the operand's stored layout, using flags instead of transposes.
    // Batch-broadcast operands get gradients of the full batch shape; the engine sums them back.
    vjp: (g, { inputs: [a, b], params: { transA, transB }, needsGrad }) => {
      const A = a!;
      const B = b!;
      let ga: Tensor | null = null;
      let gb: Tensor | null = null;
      if (needsGrad[0]) ga = transA ? matmulRaw(B, g, transB, true) : matmulRaw(g, B, false, !transB);
      if (needsGrad[1]) gb = transB ? matmulRaw(g, A, true, transA) : matmulRaw(A, g, !transA, false);
      return [ga, gb];
    },
    // Bilinear: (A + Ȧ)(B + Ḃ) − AB = ȦB + AḂ to first order, with the same transpose flags.
    jvp: ([ta, tb], { inputs: [a, b], params: { transA, transB }, output }) =>
      tangentSum([ta && matmulRaw(ta, b!, transA, transB), tb && matmulRaw(a!, tb, transA, transB)], output),
  },
});

// The four vjp cases, spelled out (G = ∂C):
//   C = A·B:    ∂A = G·Bᵀ  = mm(G, B, F, T)    ∂B = Aᵀ·G  = mm(A, G, T, F)
//   C = A·Bᵀ:   ∂A = G·B   = mm(G, B, F, F)    ∂B = Gᵀ·A  = mm(G, A, T, F)
//   C = Aᵀ·B:   ∂A = B·Gᵀ  = mm(B, G, F, T)    ∂B = A·G   = mm(A, G, F, F)
//   C = Aᵀ·Bᵀ:  ∂A = Bᵀ·Gᵀ = mm(B, G, T, T)    ∂B = Gᵀ·Aᵀ = mm(G, A, T, T)

/** Records op(a)·op(b) for operands already known to be ≥ 2-D with matching inner sizes. */
function matmulRaw(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return applyOp(LINALG_OPS.matmul, [a, b], paramsOf(transA, transB));
}

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Multiply by the transpose of the last two dimensions of `a` (ignored for a 1-D `a`). */
  transposeA?: boolean;
  /** Multiply by the transpose of the last two dimensions of `b` (ignored for a 1-D `b`). */
  transposeB?: boolean;
}

/**
 * Matrix product with NumPy semantics: 2-D × 2-D; a 1-D operand is treated as a row (left) or
 * column (right) vector and that dimension is dropped from the result; N-D operands are stacks
 * of matrices whose batch dimensions broadcast. `transposeA`/`transposeB` multiply by the
 * transpose of an operand's last two dimensions without materialising it (as `x Wᵀ` needs).
 */
export function matmul(a: Tensor, b: Tensor, matmulOptions?: MatmulOptions): Tensor {
  const options = checkOptions('matmul', matmulOptions, ['transposeA', 'transposeB']);
  const x = expectTensor('matmul', a, 0);
  const y = expectTensor('matmul', b, 1);
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(
      `matmul: operands must have at least 1 dimension, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use mul for scalars.`,
    );
  }
  // A vector is its own transpose, so the flags only apply to operands of rank ≥ 2.
  const transA = x.ndim > 1 && options.transposeA === true;
  const transB = y.ndim > 1 && options.transposeB === true;
  const left = x.ndim === 1 ? reshape(x, [1, x.shape[0]!]) : x;
  const right = y.ndim === 1 ? reshape(y, [y.shape[0]!, 1]) : y;
  const k1 = left.shape[left.ndim - (transA ? 2 : 1)]!;
  const k2 = right.shape[right.ndim - (transB ? 1 : 2)]!;
  if (k1 !== k2) {
    const ta = transA ? 'ᵀ' : '';
    const tb = transB ? 'ᵀ' : '';
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(x.shape)}${ta} @ ${formatShape(y.shape)}${tb} needs the inner size of the left operand (${k1}) ` +
        `to equal that of the right (${k2}). Did you mean to transpose one of them?`,
    );
  }
  const batchA = left.shape.slice(0, -2);
  const batchB = right.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', batchA, batchB);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new ShapeError(
      `matmul: ${formatShape(x.shape)} @ ${formatShape(y.shape)}: the batch dimensions ${formatShape(batchA)} and ${formatShape(batchB)} ` +
        `cannot be broadcast together; sizes must match or be 1 when aligned from the right.`,
    );
  }
  const m = left.shape[left.ndim - (transA ? 1 : 2)]!;
  const n = right.shape[right.ndim - (transB ? 2 : 1)]!;
  // Two thin operands ([N, 1] @ [1, N]) can ask for an output too large to allocate.
  checkSize('matmul', [...batch, m, n]);
  const out = matmulRaw(left, right, transA, transB);
  if (x.ndim > 1 && y.ndim > 1) return out;
  const shape = out.shape.slice();
  if (y.ndim === 1) shape.splice(shape.length - 1, 1);
  if (x.ndim === 1) shape.splice(shape.length - (y.ndim === 1 ? 1 : 2), 1);
  return reshape(out, shape);
}
