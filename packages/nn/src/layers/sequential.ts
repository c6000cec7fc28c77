import { Tensor, ArgumentError } from '@tapegrad/autograd';
import { Module } from '../module.js';

/**
 * Modules applied one after another. Children are named "0", "1", ..., so parameter names read
 * `0.weight`, `2.bias` (the same layout as PyTorch's nn.Sequential state dicts).
 */
export class Sequential extends Module {
  private readonly items: Module[] = [];

  /** @param modules the stages, in order. */
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new ArgumentError(`Sequential: argument ${i} is not a Module.`);
      this.items.push(this.registerModule(String(i), m));
    });
  }

  /** The number of stages. */
  get length(): number {
    return this.items.length;
  }

  /** The stage at index `i` (negative counts from the end). */
  at(i: number): Module {
    const m = this.items.at(i);
    if (m === undefined)
      throw new ArgumentError(`Sequential.at: index ${i} is out of range for ${this.items.length} stages.`);
    return m;
  }

  /** The stages, in order. */
  stages(): readonly Module[] {
    return this.items;
  }

  /** Applies every stage in order. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.items) y = m.forward(y);
    return y;
  }

  /** The input followed by every stage's output: trace[0] = x, trace[i + 1] = stage i's output. */
  forwardTrace(x: Tensor): Tensor[] {
    const trace = [x];
    let y = x;
    for (const m of this.items) {
      y = m.forward(y);
      trace.push(y);
    }
    return trace;
  }

  /** `Sequential(Linear(2 → 3), Sigmoid, ...)`. */
  describe(): string {
    return `Sequential(${this.items.map((m) => m.describe()).join(', ')})`;
  }
}
