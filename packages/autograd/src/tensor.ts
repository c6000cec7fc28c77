import { type DType, type FloatArray } from './dtype.js';
import { ArgumentError, DTypeError, GradError } from './errors.js';
import { type Shape, checkShape, describeValue, formatShape, shapesEqual, sizeOf, stridesOf } from './shape.js';
import type { Node } from './tape/node.js';
import { isGradEnabled } from './tape/mode.js';
import type { backward, BackwardOptions } from './engine/backward.js';
import type * as OpFunctions from './ops/index.js';
import { brandClass } from './process.js';
import { checkOptions } from './options.js';
import type { ReduceOptions } from './ops/reduce.js';
import type { SoftmaxOptions } from './ops/softmax.js';
import type { SliceRange } from './ops/slicing.js';
import type { Indices } from './ops/gather.js';
import type { ArgReduceOptions } from './ops/compare.js';
import type { MatmulOptions } from './ops/linalg.js';
import type { AxisArg } from './options.js';

/**
 * What the methods of {@link Tensor} call: the op functions and the backward pass. They live in
 * the layers above (ops, engine), which import this file; the package entry binds them here once
 * (see {@link bindTensorMethods}), so that no import runs from the tensor up to them.
 */
interface MethodTargets {
  readonly ops: typeof OpFunctions;
  readonly backward: typeof backward;
}

let ops: typeof OpFunctions;
let runBackward: typeof backward;

/**
 * Binds the op functions and the backward pass that Tensor methods call; the package entry
 * (index.ts) calls it once.
 * @internal
 */
export function bindTensorMethods(targets: MethodTargets): void {
  ops = targets.ops;
  runBackward = targets.backward;
}

/** A tensor or a plain number; numbers take the dtype of the tensor they meet. */
export type TensorLike = Tensor | number;

/** A nested array of numbers, as returned by {@link Tensor.toArray}. */
export type NestedArray = number | NestedArray[];

/** A gradient hook: sees the gradient flowing into a tensor and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What gradHooks returns for a tensor without hooks (backward asks for every tensor it passes). */
const NO_HOOKS: readonly GradHook[] = Object.freeze([]);

/**
 * The shape of the last tensor constructed, and its size: frozen and checked, so the constructor
 * can take the next tensor of that very array on trust (one comparison instead of the checks).
 */
let lastShape: Shape | null = null;
let lastSize = 0;

/** A shared counter of in-place edits; views of one storage share it. */
interface VersionCounter {
  value: number;
}

/**
 * A dense, row-major, contiguous n-dimensional array of float64 (default) or float32.
 *
 * Tensors are immutable to users: every op returns a new tensor. The only in-place path is
 * {@link Tensor.mutate_}, which bumps a version counter so that backward can refuse to use a
 * tensor that was edited after the tape saved it.
 */
export class Tensor {
  /** The elements, row-major. Read freely; never write (use {@link Tensor.mutate_}). */
  readonly data: FloatArray;
  /** The sizes of each dimension. */
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;

  private node: Node | null = null;
  private leafRequiresGrad: boolean;
  private storedGrad: Tensor | null = null;
  /**
   * True while `storedGrad` is a buffer backward made and nobody has read through `.grad` since:
   * nothing outside the engine can hold it, so the next backward may add into it in place.
   */
  private gradUnread = false;
  private retainsGrad = false;
  private hooks: GradHook[] | null = null;
  /** Created on first need (an edit or a view), so a fresh op output allocates none. */
  private versionCounter: VersionCounter | null;

  /**
   * Wraps existing storage without copying. Most code should use `tensor()` and the other
   * creation functions, which validate their input.
   */
  constructor(data: FloatArray, shape: Shape, options?: { requiresGrad?: boolean; shareVersionWith?: Tensor }) {
    const dtype: DType | null =
      data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : null;
    if (dtype === null) {
      throw new DTypeError(
        `Tensor: storage must be a Float64Array or a Float32Array, got ${describeValue(data)}; use tensor(...) to convert other data.`,
      );
    }
    // Every op output is built here, so this is hot. A frozen shape (another tensor's, as
    // elementwise ops pass) is shared instead of copied, since nothing can change it; and the one
    // checked last is known good, so a chain of ops on one shape skips even the inline checks.
    let own: Shape;
    let size: number;
    if (shape === lastShape) {
      own = shape;
      size = lastSize;
    } else {
      // Any other shape is checked, frozen or not (a user can freeze a bad one); a frozen one gets
      // only this inline loop, cheap for the few dims a tensor has.
      const frozen = Object.isFrozen(shape);
      let valid = frozen && Array.isArray(shape);
      for (let i = 0; valid && i < shape.length; i++) {
        const d = shape[i];
        valid = typeof d === 'number' && Number.isInteger(d) && d >= 0;
      }
      if (!valid) checkShape('Tensor', shape);
      own = frozen ? shape : Object.freeze(shape.slice());
      size = sizeOf(own);
    }
    if (data.length !== size) {
      throw new ArgumentError(
        `Tensor: data has ${data.length} elements but shape ${formatShape(shape)} needs ${size}.`,
      );
    }
    this.data = data;
    this.shape = own;
    this.dtype = dtype;
    this.size = size;
    lastShape = own;
    lastSize = size;
    if (options === undefined) {
      this.leafRequiresGrad = false;
      this.versionCounter = null;
      return;
    }
    const { requiresGrad = false, shareVersionWith } = checkOptions('Tensor', options, [
      'requiresGrad',
      'shareVersionWith',
    ]);
    if (typeof requiresGrad !== 'boolean')
      throw new ArgumentError(`Tensor: requiresGrad must be true or false, got ${describeValue(requiresGrad)}.`);
    if (shareVersionWith !== undefined && !(shareVersionWith instanceof Tensor))
      throw new ArgumentError(
        `Tensor: shareVersionWith must be the Tensor whose storage this one views, got ${describeValue(shareVersionWith)}.`,
      );
    this.leafRequiresGrad = requiresGrad;
    this.versionCounter = shareVersionWith ? shareVersionWith.sharedVersionCounter() : null;
  }

  /** This tensor's version counter, created now if it has none yet, for a view to share. */
  private sharedVersionCounter(): VersionCounter {
    return (this.versionCounter ??= { value: 0 });
  }

  // ---- autograd state --------------------------------------------------------------------

  /** The tape node that produced this tensor, or null for a leaf. */
  get gradFn(): Node | null {
    return this.node;
  }

  /** True for tensors not produced by a recorded op (user-created tensors, parameters, detached results). */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only. */
  get requiresGrad(): boolean {
    return this.node !== null || this.leafRequiresGrad;
  }

  /** Marks a leaf as needing gradients (or not); throws on tensors produced by an op. */
  set requiresGrad(value: boolean) {
    if (this.node !== null) {
      throw new GradError(
        `requiresGrad can only be set on leaf tensors; this ${formatShape(this.shape)} tensor was produced by ` +
          `'${this.node.op.name}'. Use .detach() to get a leaf that shares its data.`,
      );
    }
    this.leafRequiresGrad = value;
  }

  /**
   * The accumulated gradient. On leaves, null until a backward pass reaches them. On non-leaf
   * tensors it is only kept after {@link Tensor.retainGrad}; reading it otherwise throws and
   * says how to get it. A later backward pass never edits the tensor returned here (it stores a
   * new sum instead), nor one assigned to `.grad`, and no two tensors' `.grad` share a buffer.
   */
  get grad(): Tensor | null {
    if (this.node !== null && !this.retainsGrad) {
      throw new GradError(
        `.grad of a non-leaf tensor (shape ${formatShape(this.shape)}, produced by '${this.node.op.name}') is not kept. ` +
          `Call .retainGrad() on it before backward(), or ask for it directly with gradients(loss, [tensor]).`,
      );
    }
    // The caller may keep this tensor from now on: later passes must not edit it.
    this.gradUnread = false;
    return this.storedGrad;
  }

  /** Replaces the stored gradient, e.g. `t.grad = null` to clear it (what `zeroGrad` does). */
  set grad(value: Tensor | null) {
    if (
      value !== null &&
      !(value instanceof Tensor && value.dtype === this.dtype && shapesEqual(value.shape, this.shape))
    ) {
      throw new GradError(
        `.grad of a ${this.dtype} tensor of shape ${formatShape(this.shape)} can only be set to null or a ${this.dtype} tensor of that shape, got ${
          value instanceof Tensor
            ? `a ${value.dtype} tensor of shape ${formatShape(value.shape)}`
            : describeValue(value)
        }.`,
      );
    }
    this.storedGrad = value;
    this.gradUnread = false;
  }

  /**
   * @internal The stored gradient if nobody has read it through `.grad` since backward stored it
   * (backward may then add into it in place), else null. Does not count as a read.
   */
  _unreadGrad(): Tensor | null {
    return this.gradUnread ? this.storedGrad : null;
  }

  /**
   * @internal Stores a gradient of this tensor's shape and dtype (backward checked both);
   * `unread` says that nothing outside the engine holds it.
   */
  _storeGrad(grad: Tensor, unread: boolean): void {
    this.storedGrad = grad;
    this.gradUnread = unread;
  }

  /** Keeps `.grad` on this non-leaf tensor during backward (a no-op on leaves). */
  retainGrad(): this {
    if (this.node !== null) this.retainsGrad = true;
    return this;
  }

  /** True when backward stores this tensor's gradient in `.grad`. */
  get retainsGradient(): boolean {
    return this.node === null ? this.leafRequiresGrad : this.retainsGrad;
  }

  /**
   * Registers a hook that sees the total gradient flowing into this tensor during a backward
   * pass and may return a replacement. Returns a function that removes the hook.
   */
  registerHook(hook: GradHook): () => void {
    if (typeof hook !== 'function') {
      throw new ArgumentError(
        `registerHook: the hook must be a function (grad) => Tensor | void, got ${describeValue(hook)}.`,
      );
    }
    if (!this.requiresGrad) {
      throw new GradError(
        `registerHook: this ${formatShape(this.shape)} tensor does not require grad, so no gradient will ever flow into it.`,
      );
    }
    (this.hooks ??= []).push(hook);
    return () => {
      const i = this.hooks?.indexOf(hook) ?? -1;
      if (i >= 0) this.hooks!.splice(i, 1);
    };
  }

  /** The hooks registered on this tensor (engine use). */
  get gradHooks(): readonly GradHook[] {
    return this.hooks ?? NO_HOOKS;
  }

  /** @internal Attaches the tape node that produced this tensor (engine use only). */
  _setNode(node: Node): void {
    this.node = node;
  }

  /** The number of in-place edits to this tensor's storage. */
  get version(): number {
    return this.versionCounter === null ? 0 : this.versionCounter.value;
  }

  /**
   * Edits the storage in place and bumps the version counter, so that a tape which saved this
   * tensor refuses to backward through stale values. Allowed on leaves that require grad only
   * outside grad mode (inside `noGrad`), as optimizer steps do.
   */
  mutate_(edit: (data: FloatArray) => void): this {
    if (this.node !== null) {
      throw new GradError(
        `mutate_: cannot edit a tensor produced by '${this.node.op.name}' in place; edit a leaf, or .detach() first.`,
      );
    }
    if (this.leafRequiresGrad && isGradEnabled()) {
      throw new GradError(
        `mutate_: this ${formatShape(this.shape)} leaf requires grad; edit it inside noGrad(() => ...) so the edit is not mistaken for a differentiable op.`,
      );
    }
    if (typeof edit !== 'function') {
      throw new ArgumentError(
        `mutate_: pass a function (data) => void that edits the data, got ${describeValue(edit)}.`,
      );
    }
    // Bumped even when the edit throws part way: the data may already differ from what the tape saved.
    try {
      edit(this.data);
    } finally {
      this.sharedVersionCounter().value++;
    }
    return this;
  }

  /**
   * Runs backpropagation from this tensor and accumulates gradients into the `.grad` of every
   * leaf that requires grad. Without a seed the tensor must hold a single element.
   */
  backward(seed?: TensorLike, options: BackwardOptions = {}): void {
    runBackward([this], seed === undefined ? undefined : [seed], options);
  }

  /** A leaf sharing this tensor's data (and version counter), cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, { shareVersionWith: this });
  }

  /** A copy with its own storage, recorded on the tape like any op. */
  clone(): Tensor {
    return ops.clone(this);
  }

  // ---- reading -----------------------------------------------------------------------------

  get ndim(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ArgumentError(
        `item: only a one-element tensor can be converted to a number; this one has shape ${formatShape(this.shape)}. Use .toArray().`,
      );
    }
    return this.data[0]!;
  }

  /** The elements as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0]!;
    const strides = stridesOf(this.shape);
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? this.data[offset + i]! : build(dim + 1, offset + i * strides[dim]!);
      }
      return out;
    };
    return build(0, 0);
  }

  /** A readable rendering: the values, then shape, dtype and grad status. */
  toString(): string {
    const body = this.size > 1000 ? `<${this.size} values>` : JSON.stringify(this.toArray());
    const grad = this.node ? `, gradFn=${this.node.op.name}` : this.leafRequiresGrad ? ', requiresGrad=true' : '';
    return `tensor(${body}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${grad})`;
  }

  // ---- ops as methods (each delegates to the function of the same name) --------------------

  /** {@inheritDoc @tapegrad/autograd!add} */
  add(other: TensorLike): Tensor {
    return ops.add(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!sub} */
  sub(other: TensorLike): Tensor {
    return ops.sub(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!mul} */
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!div} */
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!neg} */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** {@inheritDoc @tapegrad/autograd!exp} */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** {@inheritDoc @tapegrad/autograd!log} */
  log(): Tensor {
    return ops.log(this);
  }
  /** {@inheritDoc @tapegrad/autograd!sigmoid} */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** {@inheritDoc @tapegrad/autograd!sum} */
  sum(options?: AxisArg<ReduceOptions>): Tensor {
    return ops.sum(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!matmul} */
  matmul(other: Tensor, options?: MatmulOptions): Tensor {
    return ops.matmul(this, other, options);
  }
  /** {@inheritDoc @tapegrad/autograd!reshape} */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** {@inheritDoc @tapegrad/autograd!broadcastTo} */
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  /** {@inheritDoc @tapegrad/autograd!permute} */
  permute(axes: readonly number[]): Tensor {
    return ops.permute(this, axes);
  }
  /** {@inheritDoc @tapegrad/autograd!transpose} */
  transpose(dim0?: number, dim1?: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** The transpose of a matrix (reverses all dimensions, like NumPy's `.T`). */
  get T(): Tensor {
    return ops.permute(
      this,
      this.shape.map((_, i) => this.shape.length - 1 - i),
    );
  }
  /** The same values in another dtype (a differentiable cast). */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  /** {@inheritDoc @tapegrad/autograd!pow} */
  pow(other: TensorLike): Tensor {
    return ops.pow(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!maximum} */
  maximum(other: TensorLike): Tensor {
    return ops.maximum(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!minimum} */
  minimum(other: TensorLike): Tensor {
    return ops.minimum(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!sqrt} */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** {@inheritDoc @tapegrad/autograd!abs} */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** {@inheritDoc @tapegrad/autograd!square} */
  square(): Tensor {
    return ops.square(this);
  }
  /** {@inheritDoc @tapegrad/autograd!tanh} */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** {@inheritDoc @tapegrad/autograd!relu} */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** {@inheritDoc @tapegrad/autograd!softplus} */
  softplus(): Tensor {
    return ops.softplus(this);
  }
  /** {@inheritDoc @tapegrad/autograd!sign} */
  sign(): Tensor {
    return ops.sign(this);
  }
  /** {@inheritDoc @tapegrad/autograd!mean} */
  mean(options?: AxisArg<ReduceOptions>): Tensor {
    return ops.mean(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!max} */
  max(options?: AxisArg<ReduceOptions>): Tensor {
    return ops.max(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!min} */
  min(options?: AxisArg<ReduceOptions>): Tensor {
    return ops.min(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!logsumexp} */
  logsumexp(options?: AxisArg<ReduceOptions>): Tensor {
    return ops.logsumexp(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!softmax} */
  softmax(options?: AxisArg<SoftmaxOptions>): Tensor {
    return ops.softmax(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!logSoftmax} */
  logSoftmax(options?: AxisArg<SoftmaxOptions>): Tensor {
    return ops.logSoftmax(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!argmax} */
  argmax(options?: number | ArgReduceOptions): Tensor {
    return ops.argmax(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!argmin} */
  argmin(options?: number | ArgReduceOptions): Tensor {
    return ops.argmin(this, options);
  }
  /** {@inheritDoc @tapegrad/autograd!squeeze} */
  squeeze(axis?: number | readonly number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  /** {@inheritDoc @tapegrad/autograd!unsqueeze} */
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  /** {@inheritDoc @tapegrad/autograd!slice} */
  slice(ranges: readonly (SliceRange | null)[]): Tensor {
    return ops.slice(this, ranges);
  }
  /** {@inheritDoc @tapegrad/autograd!pad} */
  pad(widths: readonly (readonly [number, number])[]): Tensor {
    return ops.pad(this, widths);
  }
  /** {@inheritDoc @tapegrad/autograd!gather} */
  gather(indices: Indices, axis?: number): Tensor {
    return ops.gather(this, indices, axis);
  }
  /** {@inheritDoc @tapegrad/autograd!takeAlongAxis} */
  takeAlongAxis(indices: Indices, axis: number): Tensor {
    return ops.takeAlongAxis(this, indices, axis);
  }
  /** {@inheritDoc @tapegrad/autograd!eq} */
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!ne} */
  ne(other: TensorLike): Tensor {
    return ops.ne(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!gt} */
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!ge} */
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!lt} */
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!le} */
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
  /** {@inheritDoc @tapegrad/autograd!clamp} */
  clamp(min?: number, max?: number): Tensor {
    return ops.clamp(this, min, max);
  }
}

// `instanceof Tensor` holds for tensors of either build (ESM or CJS) loaded in this process.
brandClass(Tensor, 'Tensor');
