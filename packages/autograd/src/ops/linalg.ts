/** Linear algebra: matmul with NumPy semantics, its forward kernel beside its vjp. */
import { allocate, promoteTypes } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { matmulInto } from '../kernels/matmul.js';
import { applyOp, type OpSpec } from './define.js';
import { expectTensor } from './operands.js';
import { reshape, transpose } from './movement.js';
import { cast } from './cast.js';

const MATMUL: OpSpec<void> = {
  name: 'matmul',
  forward: ([a, b]) => {
    const dtype = promoteTypes(a!.dtype, b!.dtype);
    const A = cast(a!, dtype);
    const B = cast(b!, dtype);
    const m = A.shape[A.ndim - 2]!;
    const k = A.shape[A.ndim - 1]!;
    const n = B.shape[B.ndim - 1]!;
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
      matmulInto(A.data, offA * m * k, B.data, offB * k * n, out, bi * m * n, m, k, n);
    }
    return new Tensor(out, [...batch, m, n]);
  },
  vjp: (g, { inputs: [a, b], needsGrad }) => [
    needsGrad[0] ? matmul(g, transpose(b!)) : null,
    needsGrad[1] ? matmul(transpose(a!), g) : null,
  ],
};

/**
 * Matrix product with NumPy semantics: 2-D × 2-D; a 1-D operand is treated as a row (left) or
 * column (right) vector and that dimension is dropped from the result; N-D operands are stacks
 * of matrices whose batch dimensions broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const x = expectTensor('matmul', a, 0);
  const y = expectTensor('matmul', b, 1);
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(`matmul: operands must have at least 1 dimension, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use mul for scalars.`);
  }
  const left = x.ndim === 1 ? reshape(x, [1, x.shape[0]!]) : x;
  const right = y.ndim === 1 ? reshape(y, [y.shape[0]!, 1]) : y;
  const k1 = left.shape[left.ndim - 1]!;
  const k2 = right.shape[right.ndim - 2]!;
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${formatShape(x.shape)} @ ${formatShape(y.shape)} needs the last size of the left operand (${k1}) ` +
        `to equal the second-to-last of the right (${k2}). Did you mean to transpose one of them?`,
    );
  }
  broadcastShapes('matmul (batch dimensions)', left.shape.slice(0, -2), right.shape.slice(0, -2));
  const out = applyOp(MATMUL, [left, right], undefined);
  if (x.ndim > 1 && y.ndim > 1) return out;
  const shape = out.shape.slice();
  if (y.ndim === 1) shape.splice(shape.length - 1, 1);
  if (x.ndim === 1) shape.splice(shape.length - (y.ndim === 1 ? 1 : 2), 1);
  return reshape(out, shape);
}
