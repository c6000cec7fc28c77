import type { Tensor } from '../tensor.js';
import type { OpSpec } from '../ops/define.js';
import { engine } from '../process.js';

/** What a released node holds instead of its inputs: one shared empty list, not one per node. */
const NO_INPUTS: readonly Tensor[] = Object.freeze([]);

/**
 * One recorded op on the tape: which op, which inputs, which output, and what the vjp needs.
 * Ids increase with creation, so every consumer has a larger id than what it consumes and
 * walking nodes by descending id is a reverse topological order, with no recursion.
 */
export class Node {
  /** Increasing id, unique in this process (shared by every build of the package loaded in it). */
  readonly id: number = engine.nextNodeId++;
  /** The op definition (name, forward, vjp). */
  readonly op: OpSpec<any>;
  /** The tensors the op read. Emptied when the tape is released. */
  inputs: readonly Tensor[];
  readonly output: Tensor;
  /**
   * The op's non-tensor parameters (axes, shapes, ...; a customVjp's residual tensors). Set to
   * null when the tape is released, so that residuals do not outlive the tape that needed them.
   */
  params: unknown;
  /**
   * Versions of inputs and output at record time (output last), to catch in-place edits before
   * backward; null when all were 0, the common case, so recording an op allocates no array.
   */
  private readonly savedVersions: readonly number[] | null;
  /** Where the op was called, captured only in anomaly mode. */
  readonly stack: string | undefined;
  /** True once a backward pass freed this node's saved tensors. */
  released = false;
  constructor(op: OpSpec<any>, inputs: readonly Tensor[], output: Tensor, params: unknown, stack: string | undefined) {
    this.op = op;
    this.inputs = inputs;
    this.output = output;
    this.params = params;
    this.stack = stack;
    let edited = output.version !== 0;
    for (let i = 0; i < inputs.length && !edited; i++) edited = inputs[i]!.version !== 0;
    this.savedVersions = edited ? [...inputs.map((t) => t.version), output.version] : null;
  }

  /** The version of input `i` (or of the output, at `i = inputs.length`) when the op was recorded. */
  versionAt(i: number): number {
    return this.savedVersions === null ? 0 : this.savedVersions[i]!;
  }

  /** Frees what the vjp would need (inputs and params); a later backward through this node throws. */
  release(): void {
    this.released = true;
    this.inputs = NO_INPUTS;
    this.params = null;
  }
}
