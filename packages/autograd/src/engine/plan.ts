/**
 * Planning a backward pass: which nodes it visits, in which order, and which of their inputs need
 * a gradient. Pure functions of the tape: they read nodes and mark nothing (a pass may run inside
 * another one's vjp or hook, over the same nodes).
 * @packageDocumentation
 */
import type { Tensor } from '../tensor.js';
import type { Node } from '../tape/node.js';

/**
 * Every node reachable from the roots, in descending id order (a reverse topological order).
 *
 * The walk pops nodes from a max-heap on id. A node's consumers all have larger ids, and each one
 * reachable is pushed before anything smaller is popped, so a node comes out only after all of
 * them: in descending order, and with its copies (one per consumer) one after the other. So no set
 * of seen nodes and no sort is needed, and a chain keeps the heap at one or two entries.
 */
export function reachableNodes(roots: readonly Tensor[]): Node[] {
  const heap: Node[] = [];
  for (const r of roots) if (r.gradFn !== null) heapPush(heap, r.gradFn);
  const found: Node[] = [];
  let last: Node | null = null;
  while (heap.length > 0) {
    const node = heapPop(heap);
    if (node === last) continue;
    last = node;
    found.push(node);
    const inputs = node.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const producer = inputs[i]!.gradFn;
      if (producer !== null) heapPush(heap, producer);
    }
  }
  return found;
}

function heapPush(heap: Node[], node: Node): void {
  let i = heap.length;
  heap.push(node);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.id >= node.id) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = node;
}

/** Removes and returns the node with the largest id (the heap is not empty). */
function heapPop(heap: Node[]): Node {
  const top = heap[0]!;
  const moved = heap.pop()!;
  const n = heap.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1]!.id > heap[child]!.id) child++;
    if (heap[child]!.id <= moved.id) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = moved;
  return top;
}

/**
 * Where `node` sits in `nodes` (descending ids), searching after position `after`, or -1 when it is
 * not there. A node's producers come after it, most often right after it (a chain), which is
 * checked first; otherwise a binary search on the ids, so a pass needs no map from node to position.
 */
export function positionOf(nodes: readonly Node[], node: Node, after: number): number {
  let lo = after + 1;
  if (nodes[lo] === node) return lo;
  let hi = nodes.length - 1;
  const id = node.id;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const midId = nodes[mid]!.id;
    if (midId === id) return nodes[mid] === node ? mid : -1;
    if (midId > id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Nodes with at most this many inputs (nearly every op) share their needs lists. */
const MAX_SHARED_ARITY = 3;

/** SHARED_NEEDS[n][mask]: the frozen needs list of n inputs whose bit i says whether input i needs a gradient. */
const SHARED_NEEDS: readonly (readonly boolean[])[][] = Array.from({ length: MAX_SHARED_ARITY + 1 }, (_, n) =>
  Array.from({ length: 1 << n }, (_, mask) =>
    Object.freeze(Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1)),
  ),
);

/**
 * Per node (by position in `nodes`): null when it has no path down to one of `targets` (the
 * sweep skips it), else one flag per input saying whether that input needs a gradient (it is a
 * target, or the output of a needed node). So a needed matmul computes ∂x but not ∂W for a W
 * nobody asked about, and parts of the tape that lead only to other leaves (parameters captured
 * in a closure, say) are neither paid for nor released. Ascending ids are a topological order, so
 * one pass over them decides it without recursion. Lists are shared between nodes (frozen).
 *
 * A released node forgot its inputs, so whether it leads to a target is unknown; it counts as
 * needed (and the sweep throws if a gradient reaches it) unless its id shows it cannot: a node
 * only leads to tensors made before it, so it is newer than the producer of any non-leaf it
 * reaches.
 */
export function planNeeds(nodes: readonly Node[], targets: ReadonlySet<Tensor>): (readonly boolean[] | null)[] {
  let oldestTarget = Infinity; // the smallest producer id of a target; 0 when a target is a leaf
  for (const t of targets) oldestTarget = Math.min(oldestTarget, t.gradFn === null ? 0 : t.gradFn.id);
  const needed = new Uint8Array(nodes.length);
  const plan = new Array<readonly boolean[] | null>(nodes.length).fill(null);
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const inputs = node.inputs;
    const shared = inputs.length <= MAX_SHARED_ARITY;
    const wants = shared ? null : new Array<boolean>(inputs.length);
    let mask = 0;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      const want = t.requiresGrad && (producedByNeeded(nodes, needed, t, k) || targets.has(t));
      if (wants !== null) wants[i] = want;
      else if (want) mask |= 1 << i;
    }
    if (mask !== 0 || (wants !== null && wants.includes(true)) || (node.released && node.id > oldestTarget)) {
      needed[k] = 1;
      plan[k] = wants ?? SHARED_NEEDS[inputs.length]![mask]!;
    }
  }
  return plan;
}

/** Whether `t` is the output of a node marked in `needed`, searching after position `after`. */
function producedByNeeded(nodes: readonly Node[], needed: Uint8Array, t: Tensor, after: number): boolean {
  const producer = t.gradFn;
  if (producer === null) return false;
  const p = positionOf(nodes, producer, after);
  return p >= 0 && needed[p] === 1;
}

/** Every input that requires grad, for each node: the needs of a pass that stores every leaf's gradient. */
export function allNeeds(nodes: readonly Node[]): (readonly boolean[])[] {
  return nodes.map((node) => {
    const inputs = node.inputs;
    if (inputs.length > MAX_SHARED_ARITY) return inputs.map((t) => t.requiresGrad);
    let mask = 0;
    for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) mask |= 1 << i;
    return SHARED_NEEDS[inputs.length]![mask]!;
  });
}
