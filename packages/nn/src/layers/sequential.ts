import { Tensor, ArgumentError } from '@tapegrad/autograd';
import { Module } from '../module.js';

/** One stage of a traced forward pass ({@link Sequential.trace}). */
export interface StageRecord {
  /** The stage's position in the Sequential. */
  readonly index: number;
  /** The stage's name in the Sequential (`'0'`, `'1'`, ...), the prefix of its parameters' names. */
  readonly name: string;
  /** The stage. */
  readonly module: Module;
  /** What the stage received. */
  readonly input: Tensor;
  /** What the stage returned. */
  readonly output: Tensor;
  /** What the stage saved for its backprop during this forward (undefined if nothing). */
  readonly saved: unknown;
}

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
    return this.run(x, 0, null);
  }

  /**
   * The forward pass with every stage's input, output and saved value kept, for the backprops:
   * record i is stage i, whose input is record i − 1's output (x for the first).
   */
  trace(x: Tensor): StageRecord[] {
    const records: StageRecord[] = [];
    this.run(x, 0, records);
    return records;
  }

  /** Runs stages `start`, `start + 1`, ... on `x`, the output of stage `start − 1` (finite differences restart here). */
  forwardFrom(start: number, x: Tensor): Tensor {
    if (!Number.isInteger(start) || start < 0 || start > this.items.length) {
      throw new ArgumentError(
        `Sequential.forwardFrom: start ${start} is not a stage index in [0, ${this.items.length}].`,
      );
    }
    return this.run(x, start, null);
  }

  // The one forward loop of nn: forward, trace and the finite differences all come through here.
  private run(x: Tensor, start: number, records: StageRecord[] | null): Tensor {
    let y = x;
    for (let i = start; i < this.items.length; i++) {
      const module = this.items[i]!;
      const output = module.call(y);
      const saved = module.takeSaved();
      records?.push({ index: i, name: String(i), module, input: y, output, saved });
      y = output;
    }
    return y;
  }

  /** `Sequential(Linear(2 → 3), Sigmoid, ...)`. */
  describe(): string {
    return `Sequential(${this.items.map((m) => m.describe()).join(', ')})`;
  }
}
