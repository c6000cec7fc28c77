/**
 * Pytrees: nested plain objects and arrays whose leaves are tensors, as JAX calls them. The
 * functional transforms flatten them to a list of tensors, differentiate, and rebuild the same
 * structure, so that a gradient has the shape of what it is the gradient of.
 * @packageDocumentation
 */
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { describeValue } from '../shape.js';

/** A nested structure of plain objects and arrays with tensors (and inert values) at the leaves. */
export type Pytree =
  Tensor | readonly Pytree[] | { readonly [key: string]: Pytree } | number | string | boolean | null | undefined;

/** The recorded shape of a pytree: enough to rebuild it from its tensor leaves. */
export type TreeDef = TensorNode | ArrayNode | ObjectNode | StaticNode;

/** A tensor leaf of a pytree. */
export interface TensorNode {
  readonly kind: 'tensor';
}

/** An array of subtrees. */
export interface ArrayNode {
  readonly kind: 'array';
  /** The structure of each element. */
  readonly children: readonly TreeDef[];
}

/** A plain object of subtrees. */
export interface ObjectNode {
  readonly kind: 'object';
  /** The object's keys, in order. */
  readonly keys: readonly string[];
  /** The structure of the value under each key. */
  readonly children: readonly TreeDef[];
}

/** A non-tensor value carried through unchanged (numbers, strings, null, ...). */
export interface StaticNode {
  readonly kind: 'static';
  readonly value: unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The deepest nesting a pytree may have. Flattening recurses, and a parameter tree is a few levels
 * deep; a structure nested thousands deep is a mistake, refused before it overflows the stack.
 */
const MAX_DEPTH = 1000;

function build(x: unknown, leaves: Tensor[], path: string, seen: Set<object>, depth = 0): TreeDef {
  if (x instanceof Tensor) {
    leaves.push(x);
    return { kind: 'tensor' };
  }
  if (Array.isArray(x) || isPlainObject(x)) {
    // A cycle would otherwise recurse forever; real parameter trees are finite.
    if (depth >= MAX_DEPTH)
      throw new ArgumentError(
        `pytree: the structure is nested more than ${MAX_DEPTH} levels deep (at ${path.length > 80 ? `${path.slice(0, 80)}…` : path}); pytrees of parameters are a few levels deep.`,
      );
    if (seen.has(x))
      throw new ArgumentError(`pytree: the structure at ${path} contains itself; pytrees must be trees (no cycles).`);
    seen.add(x);
    const def: TreeDef = Array.isArray(x)
      ? { kind: 'array', children: x.map((c, i) => build(c, leaves, `${path}[${i}]`, seen, depth + 1)) }
      : (() => {
          const keys = Object.keys(x);
          return {
            kind: 'object',
            keys,
            children: keys.map((k) => build(x[k], leaves, `${path}.${k}`, seen, depth + 1)),
          };
        })();
    seen.delete(x);
    return def;
  }
  if (typeof x === 'object' && x !== null) {
    throw new ArgumentError(
      `pytree: ${path} is a ${x.constructor?.name ?? 'non-plain object'}; pytrees hold Tensors in plain objects and arrays. ` +
        `Pass the module's parameters as a plain object (e.g. Object.fromEntries(...)) or wrap the value in a closure.`,
    );
  }
  return { kind: 'static', value: x };
}

/**
 * Splits a pytree into its tensor leaves (depth-first, object keys in insertion order) and a
 * definition that {@link treeUnflatten} turns back into the same structure.
 */
export function treeFlatten(tree: unknown): [Tensor[], TreeDef] {
  const leaves: Tensor[] = [];
  const def = build(tree, leaves, 'tree', new Set());
  return [leaves, def];
}

/** Rebuilds a pytree of the structure `def` with `leaves` in place of its tensors. */
export function treeUnflatten<T = Pytree>(def: TreeDef, leaves: readonly (Tensor | null)[]): T {
  let next = 0;
  const rebuild = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'tensor':
        if (next >= leaves.length)
          throw new ArgumentError(`treeUnflatten: the definition needs more than the ${leaves.length} leaves given.`);
        return leaves[next++];
      case 'array':
        return d.children.map(rebuild);
      case 'object': {
        const out: Record<string, unknown> = {};
        // defineProperty, so a key named __proto__ is a key, not the prototype.
        d.keys.forEach((k, i) =>
          Object.defineProperty(out, k, {
            value: rebuild(d.children[i]!),
            enumerable: true,
            writable: true,
            configurable: true,
          }),
        );
        return out;
      }
      case 'static':
        return d.value;
    }
  };
  const tree = rebuild(def);
  if (next !== leaves.length)
    throw new ArgumentError(`treeUnflatten: ${leaves.length} leaves given but the definition holds ${next}.`);
  return tree as T;
}

/** Applies `fn` to every tensor leaf, keeping the structure. */
export function treeMap<T = Pytree>(tree: unknown, fn: (leaf: Tensor, index: number) => Tensor | null): T {
  if (typeof fn !== 'function')
    throw new ArgumentError(`treeMap: fn must be a function (leaf, index) => Tensor | null, got ${describeValue(fn)}.`);
  const [leaves, def] = treeFlatten(tree);
  return treeUnflatten<T>(def, leaves.map(fn));
}
