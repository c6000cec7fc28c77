/** Binary elementwise ops with NumPy broadcasting: each forward kernel beside its vjp. */
import { allocate, promoteTypes } from '../dtype.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { mapBinary } from '../kernels/elementwise.js';
import { applyOp, type OpSpec, type Vjp } from './define.js';
import { binaryOperands } from './operands.js';
import { neg } from './unary.js';

/** Builds a broadcasting binary op from a scalar function and its vjp. */
function binaryOp(name: string, fn: (x: number, y: number) => number, vjp: Vjp<void>): (a: TensorLike, b: TensorLike) => Tensor {
  const spec: OpSpec<void> = {
    name,
    forward: ([a, b]) => {
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      const out = allocate(promoteTypes(a!.dtype, b!.dtype), sizeOf(shape));
      mapBinary(a!.data, a!.shape, b!.data, b!.shape, out, shape, fn);
      return new Tensor(out, shape);
    },
    vjp,
  };
  return (a, b) => applyOp(spec, binaryOperands(name, a, b), undefined);
}

/** Elementwise a + b with broadcasting; numbers are accepted on either side. */
export const add = binaryOp('add', (x, y) => x + y, (g) => [g, g]);

/** Elementwise a − b with broadcasting. */
export const sub = binaryOp('sub', (x, y) => x - y, (g, { needsGrad }) => [g, needsGrad[1] ? neg(g) : null]);

/** Elementwise a · b with broadcasting. */
export const mul = binaryOp('mul', (x, y) => x * y, (g, { inputs: [a, b], needsGrad }) => [
  needsGrad[0] ? mul(g, b!) : null,
  needsGrad[1] ? mul(g, a!) : null,
]);

/** Elementwise a / b with broadcasting. */
export const div = binaryOp('div', (x, y) => x / y, (g, { inputs: [, b], output, needsGrad }) => [
  needsGrad[0] ? div(g, b!) : null,
  needsGrad[1] ? neg(mul(g, div(output, b!))) : null, // ∂(a/b)/∂b = −(a/b)/b
]);
