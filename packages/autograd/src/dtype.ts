import { DTypeError } from './errors.js';
import { describeValue } from './shape.js';

/** The element types a tensor can hold. `float64` is the default. */
export type DType = 'float32' | 'float64';

/** The storage behind a tensor: one of the two float TypedArrays. */
export type FloatArray = Float32Array | Float64Array;

/** The default dtype of every creation function. */
export const DEFAULT_DTYPE: DType = 'float64';

/** Allocates zeroed storage of `size` elements for `dtype`. */
export function allocate(dtype: DType, size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of a TypedArray used as storage. */
export function dtypeOfArray(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/**
 * Type promotion for ops with several tensor inputs: the result is float64 if any input is,
 * so mixing dtypes only ever widens and never silently drops precision. Plain JS numbers take
 * the dtype of the tensor they meet (as Python scalars do in PyTorch).
 */
export function promoteTypes(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Throws a DTypeError unless `value` names a supported dtype. */
export function checkDType(op: string, value: unknown): DType {
  if (value === 'float32' || value === 'float64') return value;
  throw new DTypeError(`${op}: unknown dtype ${describeValue(value)}; use 'float64' (the default) or 'float32'.`);
}
