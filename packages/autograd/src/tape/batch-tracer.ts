/**
 * The batched tensors ("tracers") that stand for one example of a batch inside a function mapped
 * by vmap. A tracer has the per-example shape; its values live in `inner`, which holds the whole
 * batch along axis 0. Every op on a tracer goes through the op's batching rule (ops/batching.ts)
 * and returns a tracer, so the function runs once on the whole batch while seeing one example.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { type Shape, formatShape, sizeOf } from '../shape.js';
import type { VmapLevel } from './vmap-state.js';
import { brandClass } from '../process.js';

const NO_STORAGE = new Float64Array(0);
const NO_SHAPE: Shape = Object.freeze([0]);

/**
 * A tensor inside `vmap`: one example's view of a batch. Its shape and dtype are the example's;
 * its values cannot be read (there is one per example), so `.data`, `item()` and `toArray()`
 * throw a named error: return the tensor from the mapped function to see them.
 */
export class BatchTracer extends Tensor {
  /** The whole batch, batch along axis 0. */
  readonly inner: Tensor;
  /** The vmap call this tracer belongs to. */
  readonly level: VmapLevel;

  constructor(inner: Tensor, level: VmapLevel) {
    super(NO_STORAGE, NO_SHAPE);
    this.inner = inner;
    this.level = level;
    const shape = Object.freeze(inner.shape.slice(1));
    // The fields Tensor declares as readonly describe one example here.
    Object.assign(this, { shape, size: sizeOf(shape), dtype: inner.dtype });
    Object.defineProperty(this, 'data', {
      get: () => {
        throw new ArgumentError(
          `vmap: the values of a batched tensor (shape ${formatShape(shape)} per example, ${level.size} examples) cannot be read inside the mapped function; ` +
            `compute with tensor ops and return it from the function to get the batch.`,
        );
      },
    });
  }

  /** A leaf over the same batch, cut from the tape like any detach. */
  override detach(): Tensor {
    return new BatchTracer(this.inner.detach(), this.level);
  }
}

// `instanceof BatchTracer` holds for tracers of either build (ESM or CJS) loaded in this process.
brandClass(BatchTracer, 'BatchTracer');
