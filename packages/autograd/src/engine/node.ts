import type { Tensor } from '../tensor.js';
import type { OpSpec } from '../ops/define.js';

let nextId = 1;

/**
 * One recorded op on the tape: which op, which inputs, which output, and what the vjp needs.
 * Ids increase with creation, so every consumer has a larger id than what it consumes and
 * walking nodes by descending id is a reverse topological order, with no recursion.
 */
export class Node {
  /** Increasing id, unique in this process. */
  readonly id: number = nextId++;
  /** The op definition (name, forward, vjp). */
  readonly op: OpSpec<any>;
  /** The tensors the op read. Emptied when the tape is released. */
  inputs: readonly Tensor[];
  /** The tensor the op produced. */
  readonly output: Tensor;
  /** The op's non-tensor parameters (axes, shapes, ...). */
  readonly params: unknown;
  /** Versions of inputs and output at record time, to catch in-place edits before backward. */
  readonly versions: Int32Array;
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
    const versions = new Int32Array(inputs.length + 1);
    for (let i = 0; i < inputs.length; i++) versions[i] = inputs[i]!.version;
    versions[inputs.length] = output.version;
    this.versions = versions;
  }

  /** Frees what the vjp would need; a later backward through this node throws. */
  release(): void {
    this.released = true;
    this.inputs = [];
  }
}

/** How many nodes have been created so far (a diagnostic for tests and leak checks). */
export function nodesCreated(): number {
  return nextId - 1;
}
