import { Tensor, formatShape, ArgumentError, brandClass, describeValue } from '@tapegrad/autograd';

/**
 * A leaf tensor that a {@link Module} owns and an optimiser updates. It always requires grad
 * and has its own storage (never aliasing the tensor it was made from), so that in-place
 * optimiser steps cannot reach into user data.
 */
export class Parameter extends Tensor {
  /** Copies `value` into fresh storage and marks the copy as requiring grad. */
  constructor(value: Tensor) {
    if (!(value instanceof Tensor)) {
      throw new ArgumentError(`Parameter: expected a Tensor, got ${describeValue(value)}.`);
    }
    super(value.data.slice(), value.shape, { requiresGrad: true });
  }

  /** A short description for error messages and tables. */
  describe(): string {
    return `Parameter(${formatShape(this.shape)}, ${this.dtype})`;
  }
}

// `instanceof Parameter` holds for parameters of either build (ESM or CJS) loaded in this process.
brandClass(Parameter, 'nn.Parameter');
