import {
  Tensor,
  ArgumentError,
  DTypeError,
  ShapeError,
  formatShape,
  noGrad,
  type FloatArray,
} from '@tapegrad/autograd';
import { Module } from '../module.js';
import { shapesEqual, describeValue } from '../util.js';

/**
 * The base of every optimiser: holds the parameters, validates them once, and runs each
 * update under noGrad with `mutate_`, so version counters catch a tape that saved the old values.
 */
export abstract class Optimizer {
  /** The tensors this optimiser updates. */
  readonly params: readonly Tensor[];
  /** The number of steps taken. */
  stepCount = 0;

  /** The optimiser's name, used in error messages ('SGD', 'Adam'). */
  readonly name: string;

  /**
   * @param params a module (its parameters) or leaf tensors that require grad.
   * @param name the optimiser's name, for error messages.
   */
  constructor(params: Module | Iterable<Tensor>, name: string) {
    this.name = name;
    const list = params instanceof Module ? params.parameters() : [...params];
    if (list.length === 0)
      throw new ArgumentError(`${name}: no parameters to optimise; pass model or model.parameters().`);
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${name}: parameter ${i} is not a Tensor.`);
      if (!p.requiresGrad || !p.isLeaf) {
        throw new ArgumentError(
          `${name}: parameter ${i} (shape ${formatShape(p.shape)}) ${p.isLeaf ? 'does not require grad' : 'is not a leaf tensor'}, so it can never receive a gradient. ` +
            `Pass model.parameters(), or create the tensor with {requiresGrad: true}.`,
        );
      }
    });
    if (new Set(list).size !== list.length)
      throw new ArgumentError(`${name}: a parameter appears more than once; it would be updated twice per step.`);
    this.params = list;
  }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /**
   * Takes one step. Uses each parameter's `.grad` (parameters whose grad is null are skipped),
   * or `grads` when given (one per parameter, e.g. from the closed-form backprop).
   */
  step(grads?: readonly (Tensor | null)[]): void {
    if (grads !== undefined && grads.length !== this.params.length) {
      throw new ArgumentError(
        `${this.name}.step: ${grads.length} gradients given for ${this.params.length} parameters; pass one per parameter (null to skip).`,
      );
    }
    const chosen = this.params.map((p, i) => (grads === undefined ? p.grad : grads[i]) ?? null);
    // Every gradient is checked before any parameter or optimiser state moves, so a rejected
    // step leaves the model exactly as it was and can be retried.
    chosen.forEach((g, i) => {
      if (g === null) return;
      const p = this.params[i]!;
      if (!(g instanceof Tensor))
        throw new ArgumentError(
          `${this.name}.step: gradient ${i} is ${describeValue(g)}, not a Tensor (or null to skip).`,
        );
      if (!shapesEqual(g.shape, p.shape)) {
        throw new ShapeError(
          `${this.name}.step: gradient ${i} has shape ${formatShape(g.shape)} but its parameter has shape ${formatShape(p.shape)}.`,
        );
      }
      if (g.dtype !== p.dtype) {
        throw new DTypeError(
          `${this.name}.step: gradient ${i} is ${g.dtype} but its parameter is ${p.dtype}; cast it with .to('${p.dtype}') (a step never downcasts silently).`,
        );
      }
    });
    this.stepCount++;
    noGrad(() => {
      chosen.forEach((g, i) => {
        if (g !== null) this.params[i]!.mutate_((data) => this.update(i, data, g.data));
      });
    });
  }

  /** Updates parameter `index` in place given its gradient. */
  protected abstract update(index: number, param: FloatArray, grad: FloatArray): void;
}

/** Validates a learning-rate-like option. */
export function positive(where: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ArgumentError(`${where}: ${what} must be a finite number > 0, got ${describeValue(v)}.`);
  return v;
}

/** Validates an option in [0, 1). */
export function unitInterval(where: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1))
    throw new ArgumentError(`${where}: ${what} must be in [0, 1), got ${describeValue(v)}.`);
  return v;
}
