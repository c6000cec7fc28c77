/**
 * Planning a backward pass: which nodes it visits, in which order, and which of their inputs need
 * a gradient. Pure functions of the tape: they read nodes and mark nothing.
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import type { Node } from '../tape/node.js';

/** Every node reachable from the roots, in descending id order (a reverse topological order). */
export function reachableNodes(roots: readonly Tensor[]): Node[] {
  const seen = new Set<Node>();
  const stack: Node[] = [];
  const visit = (node: Node | null): void => {
    if (node !== null && !seen.has(node)) {
      seen.add(node);
      stack.push(node);
    }
  };
  for (const r of roots) visit(r.gradFn);
  const found: Node[] = [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    found.push(node);
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) visit(inputs[i]!.gradFn);
  }
  // Depth-first order is already nearly descending (a chain comes out sorted), which the sort
  // handles in linear time.
  return found.sort((a, b) => b.id - a.id);
}

/**
 * Per node (by position in `nodes`): null when it has no path down to one of `targets` (the
 * sweep skips it), else one flag per input saying whether that input needs a gradient (it is a
 * target, or the output of a needed node). So a needed matmul computes ∂x but not ∂W for a W
 * nobody asked about, and parts of the tape that lead only to other leaves (parameters captured
 * in a closure, say) are neither paid for nor released. Ascending ids are a topological order, so
 * one pass over them decides it without recursion.
 *
 * A released node forgot its inputs, so whether it leads to a target is unknown; it counts as
 * needed (and the sweep throws if a gradient reaches it) unless its id shows it cannot: a node
 * only leads to tensors made before it, so it is newer than the producer of any non-leaf it
 * reaches.
 */
export function planNeeds(nodes: readonly Node[], targets: ReadonlySet<Tensor>): (boolean[] | null)[] {
  let oldestTarget = Infinity; // the smallest producer id of a target; 0 when a target is a leaf
  for (const t of targets) oldestTarget = Math.min(oldestTarget, t.gradFn === null ? 0 : t.gradFn.id);
  const needed = new Set<Node>();
  const plan = new Array<boolean[] | null>(nodes.length).fill(null);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const inputs = node.inputs;
    let leads = node.released && node.id > oldestTarget;
    const wants = new Array<boolean>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      wants[i] = t.requiresGrad && (targets.has(t) || (t.gradFn !== null && needed.has(t.gradFn)));
      leads ||= wants[i]!;
    }
    if (leads) {
      needed.add(node);
      plan[k] = wants;
    }
  }
  return plan;
}

/** Every input that requires grad, for each node: the needs of a pass that stores every leaf's gradient. */
export function allNeeds(nodes: readonly Node[]): boolean[][] {
  return nodes.map((node) => node.inputs.map((t) => t.requiresGrad));
}
