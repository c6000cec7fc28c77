import { ArgumentError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { scalarLike } from '../creation.js';

/** Throws unless `x` is a Tensor, naming the op and the argument position. */
export function expectTensor(op: string, x: unknown, position = 0): Tensor {
  if (x instanceof Tensor) return x;
  throw new ArgumentError(
    `${op}: argument ${position} must be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array (wrap it with tensor(...))' : typeof x}.`,
  );
}

/**
 * Turns the operands of a binary op into tensors: plain numbers become 0-d tensors of the other
 * operand's dtype (so they never promote), anything else must already be a tensor.
 */
export function binaryOperands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new ArgumentError(`${op}: at least one operand must be a Tensor; both are numbers (${a}, ${b}).`);
  }
  if (typeof a === 'number') {
    const tb = expectTensor(op, b, 1);
    return [scalarLike(a, tb), tb];
  }
  const ta = expectTensor(op, a, 0);
  if (typeof b === 'number') return [ta, scalarLike(b, ta)];
  return [ta, expectTensor(op, b, 1)];
}
