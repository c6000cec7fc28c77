import { type DType, type FloatArray, DEFAULT_DTYPE, allocate, checkDType, dtypeOfArray } from './dtype.js';
import { ArgumentError, ShapeError } from './errors.js';
import { type Shape, checkShape, checkSize, describeValue, formatShape, sizeOf } from './shape.js';
import { Rng } from './random.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkOptions } from './options.js';

const CREATE_KEYS: readonly (keyof CreateOptions)[] = ['dtype', 'requiresGrad'];

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type (default 'float64'). */
  dtype?: DType;
  /** Make the result a leaf that gradients flow to (default false). */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreateOptions {
  /** The shape, required when `data` is a flat TypedArray or number array meant as a matrix. */
  shape?: readonly number[];
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(data: unknown, shape: readonly number[], out: FloatArray): void {
  // Iterative walk so deep nesting cannot overflow the stack.
  let k = 0;
  const stack: { arr: unknown[]; i: number; depth: number }[] = [];
  if (shape.length === 0) {
    out[0] = checkNumber(data, []);
    return;
  }
  stack.push({ arr: data as unknown[], i: 0, depth: 0 });
  const path: number[] = [0];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i === 0 && top.arr.length !== shape[top.depth]) {
      throw new ShapeError(
        `tensor: ragged nested array: the list at index [${path.slice(0, top.depth).join(', ')}] has ${top.arr.length} elements, ` +
          `but its siblings have ${shape[top.depth]} (inferred shape ${formatShape(shape)}). Every row must have the same length.`,
      );
    }
    if (top.i >= top.arr.length) {
      stack.pop();
      path.pop();
      continue;
    }
    const v = top.arr[top.i];
    path[top.depth] = top.i;
    top.i++;
    if (top.depth === shape.length - 1) {
      if (Array.isArray(v)) {
        throw new ShapeError(
          `tensor: ragged nested array: found a list at index [${path.join(', ')}] where a number was expected (inferred shape ${formatShape(shape)}).`,
        );
      }
      out[k++] = checkNumber(v, path);
    } else {
      if (!Array.isArray(v)) {
        throw new ShapeError(
          `tensor: ragged nested array: found ${typeof v} at index [${path.join(', ')}] where a list of ${shape[top.depth + 1]} was expected (inferred shape ${formatShape(shape)}).`,
        );
      }
      stack.push({ arr: v, i: 0, depth: top.depth + 1 });
      path.push(0);
    }
  }
}

function checkNumber(v: unknown, path: readonly number[]): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new ArgumentError(
    `tensor: element at index [${path.join(', ')}] is ${v === null ? 'null' : typeof v} (${describeValue(v)}); only numbers (and booleans) are accepted.`,
  );
}

/**
 * Creates a tensor from a number, nested arrays, or a TypedArray / flat array with a `shape`.
 * Copies the input. Nested arrays must be rectangular.
 */
export function tensor(
  data: number | NestedArray | readonly NestedArray[] | FloatArray | Tensor,
  tensorOptions?: TensorOptions,
): Tensor {
  const options = checkOptions('tensor', tensorOptions, ['dtype', 'requiresGrad', 'shape']);
  if (data instanceof Tensor) {
    const dtype = options.dtype === undefined ? data.dtype : checkDType('tensor', options.dtype);
    const shape = options.shape === undefined ? data.shape : checkShape('tensor', options.shape);
    return fromData(data.data, shape, dtype, options.requiresGrad);
  }
  if (data instanceof Float64Array || data instanceof Float32Array) {
    const dtype = options.dtype === undefined ? dtypeOfArray(data) : checkDType('tensor', options.dtype);
    const shape = options.shape === undefined ? [data.length] : checkShape('tensor', options.shape);
    return fromData(data, shape, dtype, options.requiresGrad);
  }
  if (ArrayBuffer.isView(data)) {
    throw new ArgumentError(
      `tensor: ${data.constructor.name} is not accepted; pass a Float64Array, a Float32Array or a plain array.`,
    );
  }
  const dtype = options.dtype === undefined ? DEFAULT_DTYPE : checkDType('tensor', options.dtype);
  if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new ArgumentError(
      `tensor: cannot make a tensor from ${data === null ? 'null' : typeof data}; pass a number, nested arrays of numbers, or a TypedArray.`,
    );
  }
  const inferred = inferShape(data);
  const values = allocateFor('tensor', dtype, inferred);
  flatten(data, inferred, values);
  if (options.shape !== undefined) {
    const shape = checkShape('tensor', options.shape);
    return fromData(values, shape, dtype, options.requiresGrad);
  }
  return new Tensor(values, inferred, { requiresGrad: options.requiresGrad ?? false });
}

function fromData(values: ArrayLike<number>, shape: Shape, dtype: DType, requiresGrad: boolean | undefined): Tensor {
  if (values.length !== sizeOf(shape)) {
    throw new ShapeError(
      `tensor: ${values.length} values cannot fill shape ${formatShape(shape)}, which holds ${sizeOf(shape)}.`,
    );
  }
  const out = allocate(dtype, values.length);
  out.set(values);
  return new Tensor(out, shape, { requiresGrad: requiresGrad ?? false });
}

/** Zeroed storage for `shape`, or an ArgumentError naming `op` when the engine cannot allocate it. */
function allocateFor(op: string, dtype: DType, shape: Shape): FloatArray {
  checkSize(op, shape);
  try {
    return allocate(dtype, sizeOf(shape));
  } catch (e) {
    // Within MAX_SIZE the engine may still be out of memory: say which call asked for how much.
    if (!(e instanceof RangeError)) throw e;
    throw new ArgumentError(
      `${op}: cannot allocate ${sizeOf(shape)} ${dtype} elements for shape ${formatShape(shape)} (${e.message}).`,
    );
  }
}

function filled(
  op: string,
  shape: readonly number[],
  value: number,
  createOptions: CreateOptions | undefined,
  keys: readonly string[] = CREATE_KEYS,
): Tensor {
  const options = checkOptions(op, createOptions, keys as (keyof CreateOptions)[]);
  if (options.requiresGrad !== undefined && typeof options.requiresGrad !== 'boolean')
    throw new ArgumentError(`${op}: requiresGrad must be true or false, got ${describeValue(options.requiresGrad)}.`);
  const s = checkShape(op, shape);
  const dtype = options.dtype === undefined ? DEFAULT_DTYPE : checkDType(op, options.dtype);
  const data = allocateFor(op, dtype, s);
  if (value !== 0) data.fill(value);
  return new Tensor(data, s, { requiresGrad: options.requiresGrad ?? false });
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options?: CreateOptions): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options?: CreateOptions): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options?: CreateOptions): Tensor {
  if (typeof value !== 'number') throw new ArgumentError(`full: value must be a number, got ${typeof value}.`);
  return filled('full', shape, value, options);
}

function expectLike(op: string, t: unknown): void {
  if (!(t instanceof Tensor))
    throw new ArgumentError(`${op}: expected a Tensor to take the shape and dtype of, got ${describeValue(t)}.`);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor): Tensor {
  expectLike('zerosLike', t);
  return new Tensor(allocate(t.dtype, t.size), t.shape);
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor): Tensor {
  expectLike('onesLike', t);
  return new Tensor(allocate(t.dtype, t.size).fill(1), t.shape);
}

/** The shape of every 0-d tensor scalarLike makes (ops make one per number operand), frozen once. */
const SCALAR_SHAPE: Shape = Object.freeze([]);

/** A 0-d tensor holding `value` in the dtype of `like`. */
export function scalarLike(value: number, like: Tensor): Tensor {
  const data = allocate(like.dtype, 1);
  data[0] = value;
  return new Tensor(data, SCALAR_SHAPE);
}

/** Evenly spaced values in [start, stop) with `step`, like NumPy's arange; `arange(n)` is 0..n−1. */
export function arange(start: number, stop?: number, step = 1, options?: CreateOptions): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  if (![lo, hi, step].every(Number.isFinite) || step === 0) {
    throw new ArgumentError(
      `arange: start, stop and step must be finite and step non-zero; got (${describeValue(lo)}, ${describeValue(hi)}, ${describeValue(step)}).`,
    );
  }
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const t = filled('arange', [n], 0, options);
  for (let i = 0; i < n; i++) t.data[i] = lo + i * step;
  return t;
}

/** The n×n identity matrix (or n×m with ones on the diagonal). */
export function eye(n: number, m: number = n, options?: CreateOptions): Tensor {
  const t = filled('eye', [n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

function requireRng(op: string, rng: unknown): Rng {
  if (!(rng instanceof Rng)) {
    throw new ArgumentError(
      `${op}: pass a seeded generator, e.g. ${op}(shape, { rng: new Rng(42) }); randomness is never implicit.`,
    );
  }
  return rng;
}

/** Options of the random creation functions: the seeded generator is required. */
export interface RandomOptions extends CreateOptions {
  /** The seeded generator to draw from. */
  rng: Rng;
}

const RANDOM_KEYS: readonly (keyof RandomOptions)[] = ['dtype', 'requiresGrad', 'rng'];

/** Uniform samples in [0, 1) from the given seeded generator. */
export function rand(shape: readonly number[], options: RandomOptions): Tensor {
  const rng = requireRng('rand', checkOptions('rand', options, RANDOM_KEYS).rng);
  const t = filled('rand', shape, 0, options, RANDOM_KEYS);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform();
  return t;
}

/** Standard normal samples from the given seeded generator. */
export function randn(shape: readonly number[], options: RandomOptions): Tensor {
  const rng = requireRng('randn', checkOptions('randn', options, RANDOM_KEYS).rng);
  const t = filled('randn', shape, 0, options, RANDOM_KEYS);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}
