/**
 * The rules by which the backward pass may keep or edit a gradient buffer instead of copying it:
 * which gradients nothing else holds, and the in-place sum for those. Reusing buffers matters
 * because a fresh large buffer costs far more than the arithmetic on it (allocation, zeroing,
 * page faults, and the garbage collection it causes later).
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import type { Node } from '../tape/node.js';
import { addRow } from '../kernels/elementwise.js';
import { isBuiltinOp } from '../ops/define.js';

/**
 * `target += source`, elementwise, for two tensors of one shape and dtype: the same values as
 * `add(target, source)` (one rounding per element) without a new buffer. Only for a target that
 * nothing but the engine holds.
 */
export function addInto(target: Tensor, source: Tensor): void {
  addRow(target.data, 0, 1, source.data, 0, 1, target.data, 0, target.size);
}

/**
 * Which of a node's fitted gradients (null where none) are buffers nothing else holds, given the
 * incoming gradient `g` and whether the sweep alone held it (`gOwned`) and keeps it afterwards
 * (`kept`). Only a built-in op's gradients can be (see isBuiltinOp); among them, one in a buffer
 * of its own (not g's, not an input's or the output's, not another gradient's), or the one
 * gradient that passes on g's buffer when nobody else holds it and the sweep drops it. Writes the
 * answer into `owned` (one flag per input) and returns whether g is still held by no one else.
 */
export function ownedGradients(
  node: Node,
  g: Tensor,
  gOwned: boolean,
  kept: boolean,
  fitted: readonly (Tensor | null)[],
  owned: boolean[],
): boolean {
  // One entry per input; the arrays are the sweep's, reused from node to node (longer is fine).
  const n = node.inputs.length;
  const builtin = isBuiltinOp(node.op);
  let passes = 0; // gradients sharing g's buffer (add's vjp hands g on to both inputs)
  for (let i = 0; i < n; i++) if (fitted[i]?.data === g.data) passes++;
  for (let i = 0; i < n; i++) {
    const f = fitted[i];
    owned[i] =
      builtin &&
      f !== null &&
      f !== undefined &&
      (f.data === g.data ? gOwned && !kept && passes === 1 : !sharesBuffer(f, i, node, fitted));
  }
  return builtin && gOwned && passes === 0;
}

/** Whether gradient `i` shares its buffer with the node's output, one of its inputs or another of its gradients. */
function sharesBuffer(f: Tensor, i: number, node: Node, fitted: readonly (Tensor | null)[]): boolean {
  const data = f.data;
  if (node.output.data === data) return true;
  const inputs = node.inputs;
  for (let j = 0; j < inputs.length; j++)
    if (inputs[j]!.data === data || (j !== i && fitted[j]?.data === data)) return true;
  return false;
}
